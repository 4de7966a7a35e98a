using System.Globalization;
using System.Text.Json;
using Flowdesk.Bench;
using Flowdesk.Bench.Generation;
using Flowdesk.Bench.Load;
using Flowdesk.Bench.Reporting;

// The bench's commands; bench/run.sh strings them together (start servers, ceilings, report).
//   generate --database sqlite|postgres --connection CS --scale tiny|small|large --manifest PATH [--out generate.json] [--seed N]
//   load --url URL --manifest PATH [--pid N] [--clients 1,16,64] [--seconds 10] --out load.json [--fail-on-errors]
//   sqlite-ceiling --path FILE [--seconds 5]          prints single-row insert transactions per second
//   report --run run.json --load load.json --out table.md
//   sla-sweep --server DIR --tickets N [--database sqlite|postgres] [--connection CS] [--runs 3] [--out sla-sweep.json]
//   mail-intake --server DIR --messages N [--database sqlite|postgres] [--connection CS] [--data-path DIR] [--fixtures DIR] [--batch 200] [--out mail-intake.json]
var options = new Dictionary<string, string>();
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) return Fail($"unexpected '{args[i]}'");
    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}
string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
string? Maybe(string name) => options.GetValueOrDefault(name);
static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

try
{
    switch (args.FirstOrDefault())
    {
        case "generate":
        {
            var result = Generator.Run(Need("database"), Need("connection"), Scale.Parse(Need("scale")), Need("manifest"),
                int.Parse(Maybe("seed") ?? "2026", CultureInfo.InvariantCulture), Log);
            if (Maybe("out") is { } path) File.WriteAllText(path, JsonSerializer.Serialize(result, Json.Options));
            return 0;
        }
        case "load":
        {
            var manifest = Report.Read<Manifest>(Need("manifest"));
            var levels = (Maybe("clients") ?? "1,16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            var seconds = double.Parse(Maybe("seconds") ?? "10", CultureInfo.InvariantCulture);
            var pid = Maybe("pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : (int?)null;
            // --warmup: seconds of warm-up (4 clients) before the phases; the server's JIT keeps tiering up for half a minute.
            var warmup = double.Parse(Maybe("warmup") ?? "3", CultureInfo.InvariantCulture);
            var figures = await LoadRunner.RunAsync(Need("url"), manifest, pid, levels, seconds, Log, Maybe("only"), warmup);
            File.WriteAllText(Need("out"), JsonSerializer.Serialize(figures, Json.Options));
            var broken = figures.Phases.SelectMany(ph => ph.Operations.Select(o => (ph, o))).Where(x => x.o.Errors > 0 || x.o.Count == 0).ToList();
            foreach (var (ph, o) in broken) Log($"FAILED: {o.Operation} in {ph.Name} x{ph.Concurrency}: {o.Count} succeeded, {o.Errors} errors ({o.FirstError})");
            return broken.Count > 0 && Maybe("fail-on-errors") is not null ? 1 : 0;
        }
        case "portal":
            Console.WriteLine(await PortalPages.MeasureAsync(Need("url"), int.Parse(Maybe("clients") ?? "16", CultureInfo.InvariantCulture),
                double.Parse(Maybe("seconds") ?? "10", CultureInfo.InvariantCulture), Log, Maybe("user") ?? DemoAccounts.Requester));
            return 0;
        case "sqlite-ceiling":
            Console.WriteLine(SqliteCeiling.InsertsPerSecond(Need("path"), double.Parse(Maybe("seconds") ?? "5", CultureInfo.InvariantCulture)).ToString("F0", CultureInfo.InvariantCulture));
            return 0;
        case "report":
        {
            var markdown = Report.Write(Report.Read<RunFacts>(Need("run")), Report.Read<LoadFigures>(Need("load")),
                Maybe("mail-intake") is { } intake && File.Exists(intake) ? Report.Read<MailIntakeScenario.Result>(intake) : null);
            File.WriteAllText(Need("out"), markdown);
            Console.Write(markdown);
            return 0;
        }
        case "sla-sweep":
        {
            var result = await SlaSweepScenario.RunAsync(Need("server"), Maybe("database") ?? "sqlite", Maybe("connection"),
                int.Parse(Need("tickets"), CultureInfo.InvariantCulture), int.Parse(Maybe("runs") ?? "3", CultureInfo.InvariantCulture), Log);
            if (Maybe("out") is { } path) File.WriteAllText(path, JsonSerializer.Serialize(result, Json.Options));
            return result.Runs.All(r => r.Succeeded) ? 0 : 1;
        }
        case "mail-intake":
        {
            var result = await MailIntakeScenario.RunAsync(Need("server"), Maybe("database") ?? "sqlite", Maybe("connection"), Maybe("data-path"),
                int.Parse(Need("messages"), CultureInfo.InvariantCulture), Maybe("fixtures"), int.Parse(Maybe("batch") ?? "200", CultureInfo.InvariantCulture), Log);
            if (Maybe("out") is { } path) File.WriteAllText(path, JsonSerializer.Serialize(result, Json.Options));
            return result.Succeeded ? 0 : 1;
        }
        default:
            return Fail("usage: Flowdesk.Bench generate|load|sqlite-ceiling|report|sla-sweep|mail-intake [options] (see bench/run.sh)");
    }
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or HttpRequestException)
{
    return Fail(e.Message);
}

static int Fail(string message)
{
    Console.Error.WriteLine("bench: " + message);
    return 2;
}
