using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench;

/// <summary>What the scenarios that start their own published server share: readiness, an admin token, a free port.</summary>
static class BenchServer
{
    public const string AdminUser = "admin";

    /// <summary>
    /// Starts the published server (DIR/Flowdesk.Web.dll) in Production with its background jobs off and no demo
    /// tickets, plus <paramref name="settings"/> (database, data path, what the scenario needs). Each output line goes
    /// to <paramref name="onOutput"/>; FLOWDESK_BENCH_SERVER_LOG=FILE keeps all of it, FLOWDESK_BENCH_SQL_LOG=Information
    /// adds every SQL command with its time.
    /// </summary>
    public static Process Start(string serverDir, string url, string workingDirectory, IEnumerable<string> settings, Action<string>? onOutput = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in new[]
        {
            Path.Combine(Path.GetFullPath(serverDir), "Flowdesk.Web.dll"), "--urls", url,
            "--Flowdesk:DemoTickets=0", "--Flowdesk:Jobs:Enabled=false", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=" + (Environment.GetEnvironmentVariable("FLOWDESK_BENCH_SQL_LOG") ?? "Warning"),
        }.Concat(settings))
            info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        var serverLog = Environment.GetEnvironmentVariable("FLOWDESK_BENCH_SERVER_LOG");
        void Keep(string? line)
        {
            if (serverLog is not null && line is not null) lock (process) File.AppendAllText(serverLog, line + "\n");
        }
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) onOutput?.Invoke(e.Data);
            Keep(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitReady(HttpClient http, Process server, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (server.HasExited) throw new InvalidOperationException($"the server exited with {server.ExitCode}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    log($"server ready in {watch.Elapsed.TotalSeconds:F1} s");
                    return;
                }
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the server was not ready in 5 minutes");
    }

    public static async Task<string> AdminToken(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = AdminUser, password = DemoAccounts.Password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
