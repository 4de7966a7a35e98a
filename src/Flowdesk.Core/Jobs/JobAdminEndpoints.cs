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

namespace Flowdesk.Jobs;

public sealed record JobView(string Name, bool Registered, double? IntervalSeconds, DateTimeOffset? NextDueAt, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? LastStartedAt, DateTimeOffset? LastFinishedAt, bool? LastSucceeded, string? LastError, int RunCount, int FailureCount);

public sealed record JobRunView(string Name, bool Succeeded, string? Error, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    double DurationMilliseconds, DateTimeOffset NextDueAt);

/// <summary>What the jobs endpoint and the console's jobs screen both show.</summary>
public static class JobAdmin
{
    /// <summary>Every job this node runs, and any other the table knows (one no longer installed here), by name.</summary>
    public static async Task<List<JobView>> ListAsync(FlowdeskDb db, JobRunner runner, CancellationToken ct)
    {
        var registered = runner.Registered();
        var rows = await db.ScheduledJobs.AsNoTracking().ToListAsync(ct);
        var names = registered.Keys.Union(rows.Select(r => r.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var row = rows.FirstOrDefault(r => r.Name == name);
            double? interval = registered.TryGetValue(name, out var i) ? i.TotalSeconds : null;
            return new JobView(name, interval is not null, interval, row?.NextDueAt, row?.LeaseOwner, row?.LeaseExpiresAt, row?.LastStartedAt,
                row?.LastFinishedAt, row?.LastSucceeded, row?.LastError, row?.RunCount ?? 0, row?.FailureCount ?? 0);
        }).ToList();
    }
}

/// <summary>
/// Scheduled jobs for system admins: every job with its next due time, who runs it and how its last run went; and
/// "run now" (the run happens in the request and its outcome is the answer — the bench times the SLA sweep this way).
/// </summary>
public static class JobAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder secured)
    {
        var jobs = secured.MapGroup("/admin/jobs").WithTags("Admin");
        jobs.MapGet("", List).WithSummary("Scheduled jobs and their last runs (system admin)");
        jobs.MapPost("/{name}/run", Run).WithSummary("Run a job now, on this node, and answer with its outcome (system admin)");
    }

    static async Task<Results<Ok<List<JobView>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, JobRunner runner, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return TypedResults.Ok(await JobAdmin.ListAsync(db, runner, ct));
    }

    static async Task<Results<Ok<JobRunView>, ProblemHttpResult>> Run(string name, Caller caller, JobRunner runner, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || !runner.Registered().ContainsKey(name)) return Problems.NotFound(t);
        var started = clock.GetTimestamp();
        var run = await runner.RunNowAsync(name, clock.GetUtcNow(), ct);
        if (run is null)
            return Problems.Conflict(t, "job-running", "jobs.running.title", t.Text("jobs.running.detail", name));
        return TypedResults.Ok(new JobRunView(run.Name, run.Succeeded, run.Error, run.StartedAt, run.FinishedAt,
            clock.GetElapsedTime(started).TotalMilliseconds, run.NextDueAt));
    }
}
