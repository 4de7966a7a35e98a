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
    public static async Task<ProcessMetricsView> ComputeAsync(FlowdeskDb db, Caller caller, string key, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now, CancellationToken ct)
    {
        // Counted over the tickets the caller may see, like every other read.
        var tickets = await db.Tickets.VisibleTo(caller).AsNoTracking()
            .Where(x => x.ProcessKey == key && x.CreatedAt >= start && x.CreatedAt < end)
            .Select(x => new { x.Id, x.ProcessVersion, x.CreatedAt, x.ResolvedAt, x.ResolutionBreached, x.Status })
            .ToListAsync(ct);
        var ids = tickets.Select(x => x.Id).ToList();
        var statusRows = await db.TicketHistory.AsNoTracking().Where(h => ids.Contains(h.TicketId) && h.Field == "status")
            .Select(h => new { h.TicketId, h.At, h.OldValue, h.NewValue }).ToListAsync(ct);
        var approvals = await db.Approvals.AsNoTracking().Where(a => ids.Contains(a.TicketId) && a.DecidedAt != null && a.Decision != ApprovalDecision.Cancelled)
            .Select(a => new { a.TicketId, a.Stage, a.CreatedAt, a.DecidedAt }).ToListAsync(ct);
        var ratings = await db.SatisfactionSurveys.AsNoTracking()
            .Join(db.Tickets.VisibleTo(caller).Where(x => x.ProcessKey == key && x.CreatedAt >= start && x.CreatedAt < end),
                s => s.TicketId, x => x.Id, (s, x) => new { x.ProcessVersion, s.Rating })
            .GroupBy(r => r.ProcessVersion)
            .Select(g => new { Version = g.Key, Average = g.Average(r => (double)r.Rating), Answers = g.Count() })
            .ToDictionaryAsync(r => r.Version, ct);
        var statusByTicket = statusRows.GroupBy(r => r.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.At).ToList());

        List<VersionMetrics> versions = [];
        foreach (var version in tickets.GroupBy(x => x.ProcessVersion).OrderBy(g => g.Key))
        {
            var resolved = version.Where(x => x.ResolvedAt is not null).ToList();
            var hours = resolved.Select(x => (x.ResolvedAt!.Value - x.CreatedAt).TotalHours).Order().ToList();
            Dictionary<string, double> perState = new(StringComparer.Ordinal);
            foreach (var ticket in version)
            {
                var rows = statusByTicket.GetValueOrDefault(ticket.Id) ?? [];
                var state = rows.FirstOrDefault()?.OldValue ?? ticket.Status;
                var since = ticket.CreatedAt;
                foreach (var row in rows)
                {
                    perState[state] = perState.GetValueOrDefault(state) + (row.At - since).TotalHours;
                    (state, since) = (row.NewValue ?? state, row.At);
                }
                perState[state] = perState.GetValueOrDefault(state) + ((ticket.ResolvedAt is null ? now : since) - since).TotalHours;
            }
            var versionIds = version.Select(x => x.Id).ToHashSet();
            var perStage = approvals.Where(a => versionIds.Contains(a.TicketId)).GroupBy(a => a.Stage, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Round(g.Average(a => (a.DecidedAt!.Value - a.CreatedAt).TotalHours)), StringComparer.Ordinal);
            var count = version.Count();
            var rating = ratings.GetValueOrDefault(version.Key);
            versions.Add(new VersionMetrics(version.Key, count, resolved.Count,
                hours.Count == 0 ? null : Round(Median(hours)),
                resolved.Count == 0 ? null : Round(100.0 * resolved.Count(x => !x.ResolutionBreached) / resolved.Count),
                rating is null ? null : Round(rating.Average), rating?.Answers ?? 0,
                perState.ToDictionary(p => p.Key, p => Round(p.Value / count), StringComparer.Ordinal),
                perStage));
        }
        return new ProcessMetricsView(key, start, end, versions);
    }

    static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    static double Round(double value) => Math.Round(value, 2);

}
