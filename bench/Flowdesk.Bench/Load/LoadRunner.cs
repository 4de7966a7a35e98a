using System.Diagnostics;
using System.Globalization;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>
/// Drives a running Flowdesk over loopback: for each concurrency level the web ceiling (/health/live) and the
/// realistic mix; then creates alone at 16 clients (the create target). Reads the server's memory from /proc.
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadFigures> RunAsync(string url, Manifest manifest, int? serverPid, int[] levels, double seconds, Action<string> log, string? only = null,
        double warmup = 3)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var session = new Session(http,
            await Scenarios.SignIn(http, DemoAccounts.Technician, DemoAccounts.Password),
            await Scenarios.SignIn(http, DemoAccounts.Requester, DemoAccounts.Password), manifest);

        List<PhaseFigures> phases = [];
        if (only is not null)
        {
            // One phase on its own (for a profiler attached to the server): e.g. --only "catalog only".
            var operations = await StandaloneAsync(url, manifest, only)
                ?? throw new ArgumentException($"--only: one of \"create only\", \"catalog only\", \"portal pages\", \"console pages\", \"process metrics\", \"mix\", not '{only}'");
            await Phase(session, "warm-up", operations, 4, warmup, serverPid, log);
            phases.Add(await Phase(session, only, operations, levels[0], seconds, serverPid, log));
            return new LoadFigures(url, phases, serverPid is { } onlyPid ? ReadKb(onlyPid, "VmHWM") : 0, [.. Scenarios.NotYetBuilt]);
        }
        await Phase(session, "warm-up", Scenarios.Mix, 4, warmup, serverPid, log);
        foreach (var clients in levels)
        {
            phases.Add(await Phase(session, "web ceiling", [Scenarios.Live], clients, seconds / 2, serverPid, log));
            phases.Add(await Phase(session, "mix", Scenarios.Mix, clients, seconds, serverPid, log));
        }
        // Portal pages (statically rendered, cookie sign-in): home and catalog together, target ≥ 1,500 /s (PortalPages.cs).
        foreach (var name in (string[])["create only", "catalog only", "portal pages"])
            phases.Add(await Phase(session, name, (await StandaloneAsync(url, manifest, name))!, 16, seconds, serverPid, log));
        // The console's heavy pages as first rendered, one client: ticket page target < 100 ms (ConsolePages.cs).
        phases.Add(await Phase(session, "console pages", (await StandaloneAsync(url, manifest, "console pages"))!, 1, seconds / 2, serverPid, log));
        // A process's version metrics over its tickets of 90 days (every order of the runs lands in it.laptop), one client.
        phases.Add(await Phase(session, "process metrics", [Scenarios.ProcessMetrics], 1, seconds / 2, serverPid, log));
        // Each operation alone with one client: its own latency, not the queue behind slower ones in the mix.
        foreach (var operation in Scenarios.Mix.Where(o => o != Scenarios.Transition))
            phases.Add(await Phase(session, "alone", [operation with { Weight = 1 }], 1, seconds / 2, serverPid, log));
        return new LoadFigures(url, phases, serverPid is { } pid ? ReadKb(pid, "VmHWM") : 0, [.. Scenarios.NotYetBuilt]);
    }

    /// <summary>The operations of a phase that runs on its own, by name; null for a name that is none.</summary>
    static async Task<IReadOnlyList<Operation>?> StandaloneAsync(string url, Manifest manifest, string name) => name switch
    {
        "create only" => [Scenarios.Create with { Weight = 1 }],
        "catalog only" => [Scenarios.OrderCatalogItem with { Weight = 1 }],
        "portal pages" => await PortalPages.OperationsAsync(url),
        "console pages" => await ConsolePages.OperationsAsync(url, manifest),
        "process metrics" => [Scenarios.ProcessMetrics],
        "mix" => Scenarios.Mix,
        _ => null,
    };

    static async Task<PhaseFigures> Phase(Session session, string name, IReadOnlyList<Operation> operations, int clients, double seconds, int? serverPid, Action<string> log)
    {
        var totalWeight = operations.Sum(o => o.Weight);
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var random = new Random(w * 7919 + name.Length);
            var samples = operations.ToDictionary(o => o.Name, _ => new OperationSamples());
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var roll = random.Next(totalWeight);
                var operation = operations.First(o => (roll -= o.Weight) < 0);
                var mine = samples[operation.Name];
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var status = await operation.Run(session, random);
                    var code = (int)status;
                    if (code is 409 or 412) mine.Conflicts++;
                    else if (code >= 300) { mine.Errors++; mine.FirstError ??= $"HTTP {code}"; }
                    else mine.Milliseconds.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    mine.Errors++;
                    mine.FirstError ??= e.GetType().Name + ": " + e.Message;
                }
            }
            return samples;
        })).ToArray();
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = serverPid is { } p0 ? CpuSeconds(p0) : 0;
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var figures = operations.Select(o =>
        {
            var merged = new OperationSamples();
            foreach (var r in results) merged.Merge(r[o.Name]);
            return OperationFigures.From(o.Name, merged, elapsed);
        }).ToList();
        var rss = serverPid is { } pid ? ReadKb(pid, "VmRSS") : 0;
        var cpu = serverPid is { } p1 ? CpuSeconds(p1) - cpuBefore : 0;
        log($"{name} x{clients}: " + string.Join("; ", figures.Select(f =>
            string.Create(CultureInfo.InvariantCulture, $"{f.Operation} {f.PerSecond:F0}/s p50 {f.P50:F1} p95 {f.P95:F1} p99 {f.P99:F1} ms{(f.Errors > 0 ? $" ERRORS {f.Errors} ({f.FirstError})" : "")}"))) + $"; server RSS {rss / 1024} MB, CPU {cpu:F1} s");
        return new PhaseFigures(name, clients, elapsed, figures, rss, cpu);
    }

    /// <summary>utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A line of /proc/PID/status in kB (VmRSS now, VmHWM the peak since the process started).</summary>
    public static long ReadKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
