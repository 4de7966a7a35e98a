using System.Globalization;
using System.Text;
using System.Text.Json;
using Flowdesk.Bench.Load;

namespace Flowdesk.Bench.Reporting;

/// <summary>What run.sh knows about the run that the bench process does not: machine, command, start-up, DB ceiling.</summary>
public sealed record RunFacts(string Date, string Database, string Scale, string Machine, string Command,
    double StartupSeconds, double DatabaseInsertsPerSecond, string DatabaseCeilingHow, double? LoadSeconds, string? LoadRows);

/// <summary>Writes the Markdown table of one run: every target of issue 6 with its figure and ratio, then every operation.</summary>
public static class Report
{
    const int ReferenceClients = 16;

    public static string Write(RunFacts run, LoadFigures load, MailIntakeScenario.Result? intake = null)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        string F(double v, string format = "F1") => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);

        Line($"### {run.Database}, scale `{run.Scale}` — {run.Date}");
        Line();
        Line($"Machine: {run.Machine}");
        Line();
        Line($"Command: `{run.Command}`");
        Line();
        if (run.LoadRows is not null) Line($"Data: {run.LoadRows}");
        Line();

        var mix = load.Phases.FirstOrDefault(p => p.Name == "mix" && p.Concurrency == ReferenceClients) ?? load.Phases.Last(p => p.Name == "mix");
        var create = load.Phases.Single(p => p.Name == "create only").Operations.Single();
        OperationFigures Op(string name) => mix.Operations.Single(o => o.Operation == name);
        var queue = Op(Scenarios.Queue.Name);
        var heavy = Op(Scenarios.HeavyTicketPage.Name);
        var search = Op(Scenarios.Search.Name);
        var peakMb = load.ServerPeakRssKb / 1024.0;

        OperationFigures? Alone(string name) => load.Phases.FirstOrDefault(p => p.Name == "alone" && p.Operations.Single().Operation == name)?.Operations.Single();
        Line($"Targets (latencies from the mix at {mix.Concurrency} clients, and in the notes the operation alone with one client; ratio = measured ÷ target):");
        Line();
        Line("| target | goal | measured | ratio | met | alone, 1 client |");
        Line("|---|---|---|---|---|---|");
        void AtLeast(string what, double goal, double measured, string unit) =>
            Line($"| {what} | ≥ {goal:N0} {unit} | {F(measured, "F0")} {unit} | {F(measured / goal, "F2")} | {(measured >= goal ? "yes" : "**no**")} | |");
        void AtMost(string what, double goal, double measured, string unit, double? alone = null) =>
            Line($"| {what} | ≤ {F(goal, "0.#")} {unit} | {F(measured)} {unit} | {F(measured / goal, "F2")} | {(measured <= goal ? "yes" : "**no**")} | {(alone is { } a ? $"{F(a)} {unit}" : "")} |");
        if (run.LoadSeconds is { } loadSeconds) AtMost($"bulk load at scale {run.Scale}", 600, loadSeconds, "s");
        AtLeast("create ticket, 16 clients (create alone)", 1500, create.PerSecond, "/s");
        AtMost("create ticket p99, 16 clients", 50, create.P99, "ms");
        AtMost("technician's queue p95", 15, queue.P95, "ms", Alone(queue.Operation)?.P95);
        AtMost("ticket with 50 comments + 200 history rows p95 (3 calls)", 10, heavy.P95, "ms", Alone(heavy.Operation)?.P95);
        AtMost("text search p95", 100, search.P95, "ms", Alone(search.Operation)?.P95);
        Line("| SLA sweep over 100,000 open tickets | ≤ 2 s | measured by `Flowdesk.Bench sla-sweep` (docs/performance.md, SLA sweep) | — | — | |");
        if (intake is not null)
            Line($"| email intake, {intake.Messages:N0} messages over IMAP, polls of {intake.BatchSize} | ≥ 100 /s | {F(intake.MessagesPerSecond, "F0")} /s" +
                 $" ({intake.Tickets} tickets, {intake.Comments} comments, {intake.Ignored} ignored{(intake.Succeeded ? "" : "; **counts wrong**")};" +
                 $" later half of the polls {F(intake.SteadyMessagesPerSecond, "F0")} /s; server CPU {F(intake.ServerCpuMillisecondsPerMessage)} ms/message)" +
                 $" | {F(intake.MessagesPerSecond / 100, "F2")} | {(intake.Succeeded && intake.MessagesPerSecond >= 100 ? "yes" : "**no**")} | |");
        else Line("| email intake | ≥ 100 /s | not measured in this run (`Flowdesk.Bench mail-intake`, docs/performance.md, Email intake) | — | — | |");
        if (load.Phases.FirstOrDefault(p => p.Name == "portal pages") is { } portal)
            AtLeast($"portal home and catalog pages, {portal.Concurrency} clients", 1500, portal.Operations.Sum(o => o.PerSecond), "/s");
        else Line("| portal home and catalog pages | ≥ 1,500 /s | not measured in this run | — | — | |");
        if (load.Phases.FirstOrDefault(p => p.Name == "console pages") is { } console)
        {
            OperationFigures? Page(string name) => console.Operations.FirstOrDefault(o => o.Operation == name);
            if (Page(ConsolePages.TicketPage) is { } ticketPage)
                AtMost($"ticket page first render (HTML), 50 comments + 200 history rows, p95, {console.Concurrency} client", 100, ticketPage.P95, "ms");
            if (Page(ConsolePages.Board) is { } board)
                AtMost($"Kanban board first render (HTML), IT desk, p95, {console.Concurrency} client (\"stays responsive\" read as 100 ms)", 100, board.P95, "ms");
        }
        else Line("| ticket page first render, Kanban board | ≤ 100 ms | not measured in this run | — | — | |");
        if (load.Phases.FirstOrDefault(p => p.Name == "catalog only")?.Operations.SingleOrDefault() is { } catalog)
            AtLeast($"order catalog item, {ReferenceClients} clients (issue 3)", 1000, catalog.PerSecond, "/s");
        AtMost("server peak memory (VmHWM) under load", 400, peakMb, "MB");
        AtMost("start-up to ready, migrated database", 3, run.StartupSeconds, "s");
        Line();

        Line($"Operations (web ceiling: GET /health/live at the same concurrency; database ceiling: {F(run.DatabaseInsertsPerSecond, "F0")} single-row insert transactions/s, {run.DatabaseCeilingHow}):");
        Line();
        Line("| clients | operation | req/s | p50 ms | p95 ms | p99 ms | errors | conflicts | share of web ceiling | share of DB ceiling | server CPU ms / request |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|");
        string CpuPerRequest(PhaseFigures p)
        {
            var requests = p.Operations.Sum(o => o.Count);
            return requests == 0 || p.ServerCpuSeconds <= 0 ? "" : F(1000 * p.ServerCpuSeconds / requests, "F2");
        }
        string[] writes = [Scenarios.Create.Name, Scenarios.Comment.Name, Scenarios.Transition.Name];
        foreach (var phase in load.Phases.Where(p => p.Name != "web ceiling"))
        {
            var ceiling = load.Phases.FirstOrDefault(p => p.Name == "web ceiling" && p.Concurrency == phase.Concurrency)
                ?? load.Phases.FirstOrDefault(p => p.Name == "web ceiling" && p.Concurrency == ReferenceClients)
                ?? load.Phases.Last(p => p.Name == "web ceiling"); // smoke runs measure fewer client counts
            var web = ceiling.Operations.Single().PerSecond;
            var label = phase.Name == "mix" ? $"{phase.Concurrency}" : $"{phase.Concurrency} ({phase.Name})";
            var showCeiling = phase.Name != "alone" || phase == load.Phases.First(p => p.Name == "alone");
            if (showCeiling) Line($"| {label} | {Scenarios.Live.Name} | {F(web, "F0")} | {F(ceiling.Operations[0].P50)} | {F(ceiling.Operations[0].P95)} | {F(ceiling.Operations[0].P99)} | {ceiling.Operations[0].Errors} | 0 | 100 % | | {CpuPerRequest(ceiling)} |");
            foreach (var op in phase.Operations)
            {
                var db = writes.Contains(op.Operation) ? $"{F(100 * op.PerSecond / run.DatabaseInsertsPerSecond)} %" : "";
                Line($"| {label} | {op.Operation} | {F(op.PerSecond, op.PerSecond < 10 ? "0.0" : "F0")} | {F(op.P50)} | {F(op.P95)} | {F(op.P99)} | {op.Errors} | {op.Conflicts} | {F(100 * op.PerSecond / web)} % | {db} | {(phase.Operations.Count == 1 ? CpuPerRequest(phase) : "")} |");
            }
            if (phase.Operations.Count > 1)
            {
                var total = phase.Operations.Sum(o => o.PerSecond);
                Line($"| {label} | **mix total** | {F(total, "F0")} | | | | {phase.Operations.Sum(o => o.Errors)} | | {F(100 * total / web)} % | | {CpuPerRequest(phase)} (per operation of the mix) |");
            }
        }
        Line();
        Line($"Server memory: peak {F(peakMb, "F0")} MB (VmHWM); after each phase " +
             string.Join(", ", load.Phases.Select(p => $"{p.Name} x{p.Concurrency}: {p.ServerRssKb / 1024} MB")) + ".");
        Line();
        Line("Not yet built (no figures, never faked): " + string.Join(", ", load.NotYetBuilt) + ".");
        return s.ToString();
    }

    public static T Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json.Options)
        ?? throw new InvalidOperationException($"empty {path}");
}
