using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>
/// The self-service portal as an employee's browser loads it: statically rendered pages with the sign-in cookie
/// (not the API's bearer token, see <see cref="CookieBrowser"/>); the operations fetch the portal home (announcements,
/// popular services, my open requests) and the catalog page, reading the whole HTML body as a browser would.
/// </summary>
public static class PortalPages
{
    /// <summary>The portal operations on a cookie client of their own, signed in as the demo requester (or another demo account).</summary>
    public static async Task<IReadOnlyList<Operation>> OperationsAsync(string url, string user = DemoAccounts.Requester)
    {
        var http = await CookieBrowser.SignedInAsync(url, user);
        return
        [
            new Operation("portal home page", 1, (_, _) => CookieBrowser.Page(http, "/portal")),
            new Operation("catalog page", 1, (_, _) => CookieBrowser.Page(http, "/portal/catalog")),
        ];
    }

    /// <summary>
    /// `flowdesk-bench portal --url URL [--clients 16] [--seconds 10] [--user alice]`: the portal pages alone against a running
    /// server, each page on its own and both together, as requests per second and latency percentiles. `--user` picks the
    /// demo account: alice requested 26,000 of the large data set's open tickets, most people a handful.
    /// </summary>
    public static async Task<string> MeasureAsync(string url, int clients, double seconds, Action<string> log, string user = DemoAccounts.Requester)
    {
        var operations = await OperationsAsync(url, user);
        var lines = new List<string> { "| pages | clients | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|---|" };
        foreach (var set in new IReadOnlyList<Operation>[] { [operations[0]], [operations[1]], operations })
        {
            var name = string.Join(" + ", set.Select(o => o.Name));
            // Warm-up first (JIT, caches), then the measured run.
            await Drive(set, clients, Math.Min(2, seconds));
            var (count, errors, ms) = await Drive(set, clients, seconds);
            ms.Sort();
            double P(double q) => ms.Count == 0 ? double.NaN : ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
            var line = $"| {name} | {clients} | {count / seconds:F0} | {P(.5):F1} | {P(.95):F1} | {P(.99):F1} | {errors} |";
            log(line);
            lines.Add(line);
        }
        return string.Join('\n', lines);
    }

    static async Task<(int Count, int Errors, List<double> Milliseconds)> Drive(IReadOnlyList<Operation> operations, int clients, double seconds)
    {
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            var (count, errors, ms) = (0, 0, new List<double>());
            while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                var status = await operations[random.Next(operations.Count)].Run(null!, random);
                if ((int)status >= 300) errors++;
                else { count++; ms.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds); }
            }
            return (count, errors, ms);
        })));
        return (results.Sum(r => r.count), results.Sum(r => r.errors), results.SelectMany(r => r.ms).ToList());
    }
}
