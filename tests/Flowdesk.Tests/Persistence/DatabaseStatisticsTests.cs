using Flowdesk.Tests.Infrastructure;
using Flowdesk.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Persistence;

/// <summary>
/// Without statistics SQLite's planner took the index on approval decisions to find one ticket's pending approval,
/// reading every pending approval of the installation; refreshed statistics make it take the ticket's index. Own file,
/// whichever database the rest of the suite runs on.
/// </summary>
public sealed class DatabaseStatisticsTests : IDisposable
{
    readonly string file = Path.Combine(Path.GetTempPath(), $"flowdesk-statistics-{Guid.NewGuid():N}.db");
    readonly DbContextOptions<SqliteFlowdeskDb> options;

    // The notification's lookup of the approval a message is about (NotificationFanoutDelivery), as EF writes it.
    const string PendingApprovalOfTicket = """
        SELECT "a"."stage", "a"."decision", "a"."comment", "p"."display_name"
        FROM "approvals" AS "a"
        INNER JOIN "people" AS "p" ON "a"."approver_id" = "p"."id"
        WHERE "a"."ticket_id" = $ticket AND "a"."decision" = 1
        ORDER BY COALESCE("a"."decided_at", "a"."created_at") DESC
        LIMIT 1
        """;

    public DatabaseStatisticsTests()
    {
        var builder = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(builder, $"Data Source={file}");
        options = builder.Options;
    }

    public void Dispose()
    {
        SqlitePools.Clear(file);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) File.Delete(path);
    }

    /// <summary>Many tickets, each with a pending approval (the shape of a busy installation), written without the engine.</summary>
    async Task FillAsync(int tickets)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False;Foreign Keys=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO approvals (id, ticket_id, stage_index, stage, approver_id, decision, created_at, version)
            VALUES ($id, $ticket, 0, 'manager', $approver, 1, 0, 1)
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var ticket = insert.Parameters.Add("$ticket", SqliteType.Text);
        insert.Parameters.AddWithValue("$approver", Guid.NewGuid().ToString().ToUpperInvariant());
        for (var i = 0; i < tickets; i++)
        {
            id.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            ticket.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    async Task<string> PlanAsync()
    {
        SqlitePools.Clear(file); // a connection reads the statistics when it loads the schema
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + PendingApprovalOfTicket;
        command.Parameters.AddWithValue("$ticket", Guid.NewGuid().ToString().ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        List<string> steps = [];
        while (await reader.ReadAsync()) steps.Add(reader.GetString(3));
        return string.Join("\n", steps);
    }

    [Fact]
    public async Task Refresh_MakesThePlannerFindOneTicketsApproval_ByTheTicketIndex()
    {
        await using (var db = new SqliteFlowdeskDb(options)) await db.Database.MigrateAsync();
        await FillAsync(3000);

        // The mistake this guards against: without statistics, the decision index (every pending approval).
        Assert.Contains("ix_approvals_decision_remind_at", await PlanAsync());

        await using (var db = new SqliteFlowdeskDb(options)) await DatabaseStatistics.RefreshAsync(db, CancellationToken.None);

        var plan = await PlanAsync();
        Assert.Contains("ix_approvals_ticket_id_stage_index", plan);
        Assert.DoesNotContain("ix_approvals_decision_remind_at", plan);
    }

    [Fact]
    public async Task Refresh_OnAnEmptyDatabase_Succeeds_AndRecordsStatistics()
    {
        await using var db = new SqliteFlowdeskDb(options);
        await db.Database.MigrateAsync();
        await DatabaseStatistics.RefreshAsync(db, CancellationToken.None);
        await DatabaseStatistics.RefreshAsync(db, CancellationToken.None); // again: nothing changed, nothing fails

        var tables = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync();
        Assert.Equal(1, tables);
    }
}
