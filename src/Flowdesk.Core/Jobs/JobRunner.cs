using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flowdesk.Jobs;

/// <summary>Settings under Flowdesk:Jobs.</summary>
public sealed class JobOptions
{
    /// <summary>Runs the job runner and the outbox worker in this process; switch off on nodes that only serve pages.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How often the runner looks for due jobs.</summary>
    public double PollSeconds { get; set; } = 5;
    /// <summary>How long a node holds a job it started; after that another node may take it over. Longer than any run.</summary>
    public double LeaseSeconds { get; set; } = 600;
}

/// <summary>The outcome of one run of one job.</summary>
public sealed record JobRun(string Name, bool Succeeded, string? Error, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, DateTimeOffset NextDueAt);

/// <summary>
/// Runs the registered <see cref="IScheduledJob"/>s exactly once across all nodes. Each job has a row in
/// scheduled_jobs; a node claims a due row by setting itself as lease owner — on PostgreSQL under
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c> in a transaction, on SQLite with one conditional UPDATE whose affected-row
/// count decides — runs the job in a scope of its own, records the outcome and schedules the next due time
/// (end of the run plus the job's interval, failed or not). A node that dies leaves a lease that expires, and
/// then another node takes the job over.
/// </summary>
public sealed class JobRunner(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobOptions> options, ILogger<JobRunner> log)
{
    public const int ErrorMax = 2000;

    /// <summary>This runner's identity as lease owner: machine, process and a random part (several runners may share a process).</summary>
    public string NodeId { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}", 200);

    TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, options.Value.LeaseSeconds));

    /// <summary>The jobs registered in this process, by name.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Registered()
    {
        using var scope = scopes.CreateScope();
        return Jobs(scope.ServiceProvider).ToDictionary(j => j.Key, j => j.Value.Interval, StringComparer.Ordinal);
    }

    /// <summary>
    /// One pass: claims every registered job that is due at <paramref name="now"/> and not leased by a live node,
    /// and runs the claimed ones one after the other. Tests call it directly with a fake clock.
    /// </summary>
    public async Task<IReadOnlyList<JobRun>> RunDueOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        now = now.ToUniversalTime();
        var names = Registered().Keys.ToList();
        if (names.Count == 0) return [];
        await EnsureRowsAsync(names, now, ct);
        var claimed = await ClaimAsync(names, now, due: true, ct);
        List<JobRun> runs = [];
        foreach (var name in claimed) runs.Add(await RunClaimedAsync(name, now, ct));
        return runs;
    }

    /// <summary>
    /// Runs one job now whatever its due time (the admin's "run now"), unless another node holds it.
    /// Null when the job is unknown here or leased by someone else.
    /// </summary>
    public async Task<JobRun?> RunNowAsync(string name, DateTimeOffset now, CancellationToken ct = default)
    {
        now = now.ToUniversalTime();
        if (!Registered().ContainsKey(name)) return null;
        await EnsureRowsAsync([name], now, ct);
        var claimed = await ClaimAsync([name], now, due: false, ct);
        return claimed.Count == 0 ? null : await RunClaimedAsync(name, now, ct);
    }

    async Task EnsureRowsAsync(IReadOnlyList<string> names, DateTimeOffset now, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var existing = await db.ScheduledJobs.Where(j => names.Contains(j.Name)).Select(j => j.Name).ToListAsync(ct);
        var missing = names.Except(existing, StringComparer.Ordinal).ToList();
        if (missing.Count == 0) return;
        foreach (var name in missing) db.ScheduledJobs.Add(new ScheduledJobState(name, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node inserted the same rows at the same moment: theirs are as good as ours.
        }
    }

    async Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> names, DateTimeOffset now, bool due, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var until = now + Lease;
        var dueBy = due ? now : DateTimeOffset.MaxValue;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // Rows another node is claiming right now are skipped, not waited for; the lease makes the claim outlive the transaction.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var nameArray = names.ToArray();
            var rows = await db.ScheduledJobs.FromSql(
                    $"SELECT * FROM scheduled_jobs WHERE name = ANY({nameArray}) AND next_due_at <= {dueBy} AND (lease_expires_at IS NULL OR lease_expires_at < {now}) ORDER BY next_due_at FOR UPDATE SKIP LOCKED")
                .AsNoTracking().ToListAsync(ct);
            var claimed = rows.Select(r => r.Name).ToList();
            if (claimed.Count > 0)
                await db.ScheduledJobs.Where(j => claimed.Contains(j.Name)).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.LeaseOwner, NodeId).SetProperty(j => j.LeaseExpiresAt, until).SetProperty(j => j.LastStartedAt, now), ct);
            await transaction.CommitAsync(ct);
            return claimed;
        }

        // SQLite has one writer at a time: a conditional UPDATE is atomic, and its affected-row count says who won.
        List<string> won = [];
        foreach (var name in names)
        {
            var affected = await db.ScheduledJobs
                .Where(j => j.Name == name && j.NextDueAt <= dueBy && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.LeaseOwner, NodeId).SetProperty(j => j.LeaseExpiresAt, until).SetProperty(j => j.LastStartedAt, now), ct);
            if (affected == 1) won.Add(name);
        }
        return won;
    }

    async Task<JobRun> RunClaimedAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        string? error = null;
        var interval = TimeSpan.FromMinutes(1);
        var cancelled = false;
        try
        {
            using var scope = scopes.CreateScope();
            var job = Jobs(scope.ServiceProvider)[name];
            interval = job.Interval;
            await job.RunAsync(scope.ServiceProvider, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cancelled = true;
            error = "cancelled: the node shut down during the run";
        }
        catch (Exception e)
        {
            error = Describe(e);
            log.LogError(e, "Scheduled job {Job} failed", name);
        }

        var finished = now + clock.GetElapsedTime(started);
        var next = cancelled ? now : finished + interval;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            var succeeded = error is null;
            var failures = succeeded ? 0 : 1;
            // Only the lease owner writes the outcome: a node whose lease ran out must not overwrite the taker's row.
            await db.ScheduledJobs.Where(j => j.Name == name && j.LeaseOwner == NodeId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.LastFinishedAt, finished)
                .SetProperty(j => j.LastSucceeded, succeeded)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.RunCount, j => j.RunCount + 1)
                .SetProperty(j => j.FailureCount, j => succeeded ? 0 : j.FailureCount + failures)
                .SetProperty(j => j.NextDueAt, next), CancellationToken.None);
        }
        return new JobRun(name, error is null, error, now, finished, next);
    }

    static Dictionary<string, IScheduledJob> Jobs(IServiceProvider services)
    {
        Dictionary<string, IScheduledJob> jobs = new(StringComparer.Ordinal);
        foreach (var job in services.GetServices<IScheduledJob>())
            if (!jobs.TryAdd(job.Name, job))
                throw new InvalidOperationException($"Two scheduled jobs are named '{job.Name}'.");
        return jobs;
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[^max..];

    /// <summary>The exception chain in one line, cut to what the row holds.</summary>
    internal static string Describe(Exception e)
    {
        var text = e.GetType().Name + ": " + e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) text += " → " + inner.GetType().Name + ": " + inner.Message;
        return text.Length <= ErrorMax ? text : text[..(ErrorMax - 1)] + "…";
    }
}

/// <summary>Polls the <see cref="JobRunner"/> every few seconds while the host runs.</summary>
sealed class JobRunnerService(JobRunner runner, TimeProvider clock, IOptions<JobOptions> options, ILogger<JobRunnerService> log)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.PollSeconds)), clock);
        do
        {
            try
            {
                await runner.RunDueOnceAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be away for a moment (restart, failover); the next tick tries again.
                log.LogWarning(e, "The job runner could not check for due jobs");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
