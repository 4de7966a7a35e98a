using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Processes;

public sealed record VersionMetrics(int Version, int Tickets, int Resolved, double? MedianResolutionHours, double? SlaMetPercent,
    double? Satisfaction, int SatisfactionAnswers, IReadOnlyDictionary<string, double> HoursPerState, IReadOnlyDictionary<string, double> HoursPerApprovalStage);

public sealed record ProcessMetricsView(string Key, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<VersionMetrics> Versions);

/// <summary>The GET /processes/{key}/metrics endpoint: access, the window's validation, then <see cref="ProcessMetrics"/>.</summary>
public static class ProcessMetricsEndpoint
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/processes/{key}/metrics", Handle).WithTags("Processes").WithSummary("Per-version metrics (?from&to, default the last 90 days)");

    static async Task<Results<Ok<ProcessMetricsView>, ProblemHttpResult, ValidationProblem>> Handle(string key, string? from, string? to, Caller caller,
        FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayReadProcesses) return Problems.NotFound(t);
        if (!await db.Processes.AnyAsync(p => p.Key == key, ct)) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var now = clock.GetUtcNow();
        var end = errors.Instant("to", to) ?? now;
        var start = errors.Instant("from", from) ?? end - ProcessMetrics.DefaultWindow;
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        return TypedResults.Ok(await ProcessMetrics.ComputeAsync(db, caller, key, start, end, now, ct));
    }
}

/// <summary>
/// Version analytics — does v3 beat v2? Per version over a window of creation dates: tickets, resolved, median
/// resolution time, SLA met share, and where tickets wait: average hours per state (from the status history) and
/// per approval stage (asked to decided), and satisfaction: the average rating (1–5) of the requesters' surveys, with
/// how many answered (null when nobody has). The API and the process page both show it.
/// </summary>
public static class ProcessMetrics
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    /// <summary>The versions of the process's tickets created in [start, end) that the caller may see; time still open counts up to now.</summary>
    /// <remarks>
    /// A process can have hundreds of thousands of tickets in a window, so nothing is read whole: the tickets with their
    /// status changes come as one stream in creation order (the index on process and creation time), each ticket
    /// folded into its version's tally as its rows end; approvals likewise; counts of ratings are done by the database.
    /// Only each version's resolution times are held, for the median. (A list of ticket ids sent back as parameters
    /// failed past SQLite's 32,766 variables.)
    /// </remarks>
    public static async Task<ProcessMetricsView> ComputeAsync(FlowdeskDb db, Caller caller, string key, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now, CancellationToken ct)
    {
        // Counted over the tickets the caller may see, like every other read.
        var window = db.Tickets.VisibleTo(caller).AsNoTracking().Where(x => x.ProcessKey == key && x.CreatedAt >= start && x.CreatedAt < end);
        Dictionary<int, Tally> tallies = [];
        Tally TallyOf(int version) => tallies.TryGetValue(version, out var tally) ? tally : tallies[version] = new Tally();

        var rows = window
            .LeftJoin(db.TicketHistory.Where(h => h.Field == "status"), x => x.Id, h => h.TicketId, (x, h) => new
            {
                x.Id, x.ProcessVersion, x.CreatedAt, x.ResolvedAt, x.ResolutionBreached, x.Status,
                At = h == null ? (DateTimeOffset?)null : h.At,
                From = h == null ? null : h.OldValue,
                To = h == null ? null : h.NewValue,
            })
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ThenBy(r => r.At);
        TicketWalk? walk = null;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (walk is null || walk.Id != row.Id)
            {
                walk?.End(now);
                walk = new TicketWalk(row.Id, TallyOf(row.ProcessVersion), row.CreatedAt, row.ResolvedAt, row.ResolutionBreached,
                    row.From ?? row.Status);
            }
            if (row.At is { } at) walk.Move(at, row.To);
        }
        walk?.End(now);

        var approvals = db.Approvals.AsNoTracking().Where(a => a.DecidedAt != null && a.Decision != ApprovalDecision.Cancelled)
            .Join(window, a => a.TicketId, x => x.Id, (a, x) => new { x.ProcessVersion, a.Stage, a.CreatedAt, a.DecidedAt });
        await foreach (var approval in approvals.AsAsyncEnumerable().WithCancellation(ct))
            TallyOf(approval.ProcessVersion).Stage(approval.Stage, (approval.DecidedAt!.Value - approval.CreatedAt).TotalHours);

        var ratings = await db.SatisfactionSurveys.AsNoTracking()
            .Join(window, s => s.TicketId, x => x.Id, (s, x) => new { x.ProcessVersion, s.Rating })
            .GroupBy(r => r.ProcessVersion)
            .Select(g => new { Version = g.Key, Average = g.Average(r => (double)r.Rating), Answers = g.Count() })
            .ToDictionaryAsync(r => r.Version, ct);

        List<VersionMetrics> versions = [];
        foreach (var (version, tally) in tallies.Where(t => t.Value.Tickets > 0).OrderBy(t => t.Key))
        {
            tally.ResolutionHours.Sort();
            var rating = ratings.GetValueOrDefault(version);
            versions.Add(new VersionMetrics(version, tally.Tickets, tally.Resolved,
                tally.Resolved == 0 ? null : Round(Median(tally.ResolutionHours)),
                tally.Resolved == 0 ? null : Round(100.0 * tally.ResolvedInTime / tally.Resolved),
                rating is null ? null : Round(rating.Average), rating?.Answers ?? 0,
                tally.StateHours.ToDictionary(p => p.Key, p => Round(p.Value / tally.Tickets), StringComparer.Ordinal),
                tally.StageHours.ToDictionary(p => p.Key, p => Round(p.Value.Hours / p.Value.Count), StringComparer.Ordinal)));
        }
        return new ProcessMetricsView(key, start, end, versions);
    }

    /// <summary>One version's running totals.</summary>
    sealed class Tally
    {
        public int Tickets, Resolved, ResolvedInTime;
        public readonly List<double> ResolutionHours = [];
        public readonly Dictionary<string, double> StateHours = new(StringComparer.Ordinal);
        public readonly Dictionary<string, (double Hours, int Count)> StageHours = new(StringComparer.Ordinal);

        public void Stage(string stage, double hours)
        {
            var (sum, count) = StageHours.GetValueOrDefault(stage);
            StageHours[stage] = (sum + hours, count + 1);
        }
    }

    /// <summary>
    /// One ticket's path through its states, fed its status changes in order: each stay is added to the state it was
    /// in. The last stay counts up to now while the ticket is unresolved; a resolved ticket's last state adds nothing.
    /// </summary>
    sealed class TicketWalk(Guid id, Tally tally, DateTimeOffset createdAt, DateTimeOffset? resolvedAt, bool breached, string firstState)
    {
        public Guid Id => id;
        readonly DateTimeOffset created = createdAt;
        string state = firstState;
        DateTimeOffset since = createdAt;

        public void Move(DateTimeOffset at, string? to)
        {
            Add(at - since);
            (state, since) = (to ?? state, at);
        }

        public void End(DateTimeOffset now)
        {
            Add((resolvedAt is null ? now : since) - since);
            tally.Tickets++;
            if (resolvedAt is not { } resolved) return;
            tally.Resolved++;
            if (!breached) tally.ResolvedInTime++;
            tally.ResolutionHours.Add((resolved - created).TotalHours);
        }

        void Add(TimeSpan stay) => tally.StateHours[state] = tally.StateHours.GetValueOrDefault(state) + stay.TotalHours;
    }

    static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    static double Round(double value) => Math.Round(value, 2);

}
