using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench;

/// <summary>What the scenarios that start their own published server share: readiness, an admin token, a free port.</summary>
static class BenchServer
{
    public const string AdminUser = "admin";

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
