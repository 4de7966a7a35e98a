using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Persistence;

/// <summary>
/// Keeps SQLite's query planner informed. Without statistics (sqlite_stat1) the planner guesses, and on a large file
/// it guessed badly: the approval-needed notification looked up "the pending approval of this ticket" through the index
/// on decision, walking every pending approval of the installation (15 ms a notification at 40,000 approvals), because
/// nothing told it the ticket index picks one row. SQLite's own advice is PRAGMA optimize on start and periodically;
/// with an analysis limit it samples each index instead of reading it whole (under a second on a 5 GB file), and it
/// only re-analyses tables whose size changed tenfold since their last analysis. PostgreSQL keeps its statistics itself
/// (autovacuum), so there this does nothing.
/// </summary>
public static class DatabaseStatistics
{
    /// <summary>Rows sampled per index; SQLite's suggested range is 100 to 1000.</summary>
    public const int AnalysisLimit = 1000;

    public static async Task RefreshAsync(FlowdeskDb db, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Sqlite) return;
        // 0x10002: look at every table, not only those this connection queried (a fresh connection has queried none).
        await db.Database.ExecuteSqlRawAsync($"PRAGMA analysis_limit={AnalysisLimit}; PRAGMA optimize=0x10002;", ct);
    }
}

/// <summary>The db.statistics job: every hour, the planner's statistics of tables that grew or shrank a lot.</summary>
public sealed class DatabaseStatisticsJob : Jobs.IScheduledJob
{
    public string Name => "db.statistics";
    public TimeSpan Interval => TimeSpan.FromHours(1);

    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DatabaseStatistics.RefreshAsync(services.GetRequiredService<FlowdeskDb>(), cancellationToken);
}
