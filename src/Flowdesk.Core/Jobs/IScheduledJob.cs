namespace Flowdesk.Jobs;

/// <summary>
/// Work that runs on a schedule (the SLA sweep, mailbox polling, approval reminders, scheduled reports).
/// The job runner claims each due run in the database, so one run happens once across all web nodes,
/// and calls <see cref="RunAsync"/> in a fresh service scope. Register with <c>services.AddScheduledJob&lt;T&gt;()</c>.
/// </summary>
public interface IScheduledJob
{
    /// <summary>Unique, stable key such as "sla.sweep" or "mail.poll"; it names the job's row in the database.</summary>
    string Name { get; }

    /// <summary>Time between the end of one run and the next due time.</summary>
    TimeSpan Interval { get; }

    /// <summary>Does one run. Throwing records the error on the job's row; the next run is still scheduled.</summary>
    Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);
}
