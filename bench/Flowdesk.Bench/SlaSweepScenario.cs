using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench;

/// <summary>
/// Times the SLA sweep (the sla.sweep job) over N open tickets:
///   sla-sweep --server DIR --tickets 100000 [--database sqlite|postgres] [--connection CS] [--runs 3] [--out sla-sweep.json]
/// Starts the published server (DIR, a `dotnet publish` of src/Flowdesk.Web) on a fresh SQLite file in a temporary
/// folder (or on the given, empty PostgreSQL database) with its background jobs off, so it migrates and seeds
/// (desks, SLA policies, demo accounts); bulk-inserts N open IT tickets — 98% opened in the last hour (nothing can
/// be due yet), 2% opened two to six days ago (warned, breached, escalated) — then runs the sweep through the
/// admin API (POST /api/v1/admin/jobs/sla.sweep/run, which runs it in the request): the first run finds every ticket
/// new to it and acts on the overdue ones, the next runs are the steady once-a-minute sweep.
/// For diagnosis: FLOWDESK_BENCH_SERVER_LOG=FILE keeps the server's output, FLOWDESK_BENCH_SQL_LOG=Information adds every SQL command with its time.
/// </summary>
public static class SlaSweepScenario
{

    public sealed record Run(int Number, double Milliseconds, double ServerMilliseconds, bool Succeeded, string? Error);

    public sealed record Result(string Database, int Tickets, double InsertSeconds, List<Run> Runs, long OutboxRows, long SweepRows);

    public static async Task<Result> RunAsync(string serverDir, string database, string? connection, int tickets, int runs, Action<string> log)
    {
        var data = Path.Combine(Path.GetTempPath(), "flowdesk-sla-sweep-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        connection ??= database == "sqlite" ? $"Data Source={Path.Combine(data, "flowdesk.db")}" : throw new ArgumentException("--connection is required for postgres");
        var port = BenchServer.FreePort();
        var url = $"http://127.0.0.1:{port}";
        // The sweep logs where its time went (find, evaluate, write); those lines are passed on.
        using var server = BenchServer.Start(serverDir, url, data,
            [$"--Flowdesk:Database={database}", $"--ConnectionStrings:Flowdesk={connection}", $"--Flowdesk:DataPath={Path.Combine(data, "files")}",
             "--Flowdesk:Demo=true", "--Logging:LogLevel:Flowdesk.Sla.SlaSweepJob=Information"],
            line => { if (line.Contains("SLA sweep:", StringComparison.Ordinal)) Console.Error.WriteLine("  server: " + line.Trim()); });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            await BenchServer.WaitReady(http, server, log);

            var insert = Stopwatch.StartNew();
            Insert(database, connection, tickets, log);
            log($"inserted {tickets:N0} open tickets in {insert.Elapsed.TotalSeconds:F1} s");

            var token = await BenchServer.AdminToken(http);
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            List<Run> results = [];
            for (var i = 1; i <= runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var response = await http.PostAsync("/api/v1/admin/jobs/sla.sweep/run", null);
                var elapsed = watch.Elapsed.TotalMilliseconds;
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"sweep run {i}: {(int)response.StatusCode} {body}");
                using var json = JsonDocument.Parse(body);
                var run = new Run(i, elapsed, json.RootElement.GetProperty("durationMilliseconds").GetDouble(),
                    json.RootElement.GetProperty("succeeded").GetBoolean(),
                    json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null);
                results.Add(run);
                log($"sweep {i}: {run.ServerMilliseconds:F0} ms in the server ({run.Milliseconds:F0} ms with HTTP){(run.Succeeded ? "" : " FAILED: " + run.Error)}");
            }

            using var target = BulkTarget.Create(database, connection);
            return new Result(database, tickets, insert.Elapsed.TotalSeconds, results,
                target.Scalar("SELECT COUNT(*) FROM outbox"), target.Scalar("SELECT COUNT(*) FROM sla_sweep_states"));
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static readonly Column[] Columns =
    [
        new("id", ColumnType.Uuid), new("number", ColumnType.Text), new("desk_id", ColumnType.Uuid), new("kind", ColumnType.Number),
        new("subject", ColumnType.Text), new("description", ColumnType.Text), new("requester_id", ColumnType.Uuid), new("impact", ColumnType.Number),
        new("urgency", ColumnType.Number), new("priority", ColumnType.Number), new("status", ColumnType.Text), new("process_key", ColumnType.Text),
        new("process_version", ColumnType.Number), new("assignee_group_id", ColumnType.Uuid), new("fields", ColumnType.Text),
        new("created_at", ColumnType.Instant), new("updated_at", ColumnType.Instant), new("first_responded_at", ColumnType.Instant),
        new("first_response_due", ColumnType.Instant), new("resolution_due", ColumnType.Instant), new("first_response_breached", ColumnType.Bool),
        new("resolution_breached", ColumnType.Bool), new("version", ColumnType.Number), new("last_changed_by_id", ColumnType.Uuid),
    ];

    /// <summary>
    /// Open IT tickets straight into the tickets table. Due times are written as the wall-clock sums a P3 on the
    /// cn-mainland calendar comes close to; the sweep only compares them with its own record and uses the policy for the rest.
    /// </summary>
    static void Insert(string database, string connection, int count, Action<string> log)
    {
        using var target = BulkTarget.Create(database, connection);
        var it = target.Desks().Single(d => d.Key == "it");
        var groups = target.Keyed("SELECT key, id FROM groups");
        var people = target.Keyed("SELECT user_name, id FROM people WHERE user_name IS NOT NULL");
        var requester = people[DemoAccounts.Requester];
        var random = new Random(2026);
        var now = DateTimeOffset.UtcNow;
        using (var tickets = target.Open("tickets", Columns))
        {
            for (var i = 0; i < count; i++)
            {
                var old = i % 50 == 0;
                var created = old ? now - TimeSpan.FromHours(48 + random.NextDouble() * 96) : now - TimeSpan.FromMinutes(random.NextDouble() * 60);
                var responded = random.NextDouble() < 0.5 ? created + TimeSpan.FromMinutes(20) : (DateTimeOffset?)null;
                if (responded > now) responded = null;
                tickets.StartRow();
                tickets.Uuid(Guid.CreateVersion7(created));
                tickets.Text(TicketNumbers.Format(it.Prefix, it.LastNumber + 1 + i));
                tickets.Uuid(it.Id);
                tickets.Number((int)TicketKind.Incident);
                tickets.Text($"Sweep bench ticket {i}");
                tickets.Text("Generated for the SLA sweep bench.");
                tickets.Uuid(requester);
                tickets.Number((int)Level.Medium);
                tickets.Number((int)Level.Medium);
                tickets.Number((int)Priority.P3);
                tickets.Text(i % 3 == 0 ? TicketStates.New : TicketStates.InProgress);
                tickets.Text("incident");
                tickets.Number(1);
                tickets.Uuid(groups["service-desk"]);
                tickets.Text("{}");
                tickets.Instant(created);
                tickets.Instant(created);
                tickets.Instant(responded);
                tickets.Instant(created + TimeSpan.FromHours(4));
                tickets.Instant(created + TimeSpan.FromDays(3));
                tickets.Bool(false);
                tickets.Bool(false);
                tickets.Number(1);
                tickets.Uuid(requester);
                tickets.EndRow();
            }
            tickets.Complete();
        }
        target.Execute($"UPDATE desks SET last_number = {(it.LastNumber + count).ToString(CultureInfo.InvariantCulture)} WHERE key = 'it'");
        target.Finish();
        log($"{count:N0} tickets written");
    }
}
