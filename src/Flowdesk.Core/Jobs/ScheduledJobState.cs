using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Jobs;

/// <summary>
/// The database row of one scheduled job (table scheduled_jobs): when it is next due, which node holds it right
/// now and until when, and how its last run went. The row is the lock: a node runs a job only after it has set
/// itself as the lease owner with a conditional update (SQLite) or under FOR UPDATE SKIP LOCKED (PostgreSQL).
/// </summary>
public sealed class ScheduledJobState
{
    private ScheduledJobState() { }

    public ScheduledJobState(string name, DateTimeOffset nextDueAt)
    {
        Name = name;
        NextDueAt = nextDueAt;
    }

    public string Name { get; private set; } = "";
    public DateTimeOffset NextDueAt { get; private set; }
    /// <summary>The node running the job; null when nobody does.</summary>
    public string? LeaseOwner { get; private set; }
    /// <summary>After this instant another node may take the job over (the owner crashed or hangs).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }
    public DateTimeOffset? LastStartedAt { get; private set; }
    public DateTimeOffset? LastFinishedAt { get; private set; }
    public bool? LastSucceeded { get; private set; }
    public string? LastError { get; private set; }
    public int RunCount { get; private set; }
    public int FailureCount { get; private set; }
}

static class JobsModel
{
    public static void Configure(ModelBuilder builder) =>
        builder.Entity<ScheduledJobState>(j =>
        {
            j.ToTable("scheduled_jobs");
            j.HasKey(x => x.Name);
            j.Property(x => x.Name).HasMaxLength(100);
            j.Property(x => x.LeaseOwner).HasMaxLength(200);
            j.Property(x => x.LastError).HasMaxLength(JobRunner.ErrorMax);
        });
}
