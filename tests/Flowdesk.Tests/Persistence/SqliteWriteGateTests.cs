using Flowdesk.Tests.Infrastructure;
using Flowdesk.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Persistence;

/// <summary>
/// The SQLite write gate queues writers in this process; these check that it never loses a write and never keeps the
/// gate after a transaction or statement has ended in any way (a leak would stall every later writer for 30 s).
/// They use their own SQLite file whichever database the rest of the suite runs on.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    readonly string file = Path.Combine(Path.GetTempPath(), $"flowdesk-gate-{Guid.NewGuid():N}.db");

    SqliteFlowdeskDb Db()
    {
        var options = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(options, $"Data Source={file}");
        return new SqliteFlowdeskDb(options.Options);
    }

    public async Task InitializeAsync()
    {
        await using var db = Db();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE entries (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, seen INTEGER NOT NULL)");
    }

    public Task DisposeAsync()
    {
        SqlitePools.Clear(file);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) File.Delete(path);
        return Task.CompletedTask;
    }

    async Task<long> CountAsync()
    {
        await using var db = Db();
        return await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM entries").SingleAsync();
    }

    /// <summary>A writer must get its turn well before the gate's own 30 s patience would run out.</summary>
    static readonly CancellationToken None = CancellationToken.None;

    static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task SixteenWriters_ReadingThenWritingInTransactions_AllCommit()
    {
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await using var db = Db();
                await using var tx = await db.Database.BeginTransactionAsync(None);
                var seen = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM entries").SingleAsync(None);
                await db.Database.ExecuteSqlAsync($"INSERT INTO entries (writer, seen) VALUES ({"w" + w}, {seen})", None);
                await tx.CommitAsync(None);
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(160, await CountAsync());
        // One writer at a time: every transaction saw all the rows committed before it, so the counts are 0…159.
        await using var check = Db();
        var seen = await check.Database.SqlQueryRaw<long>("SELECT seen AS \"Value\" FROM entries ORDER BY id").ToListAsync(None);
        Assert.Equal(Enumerable.Range(0, 160).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task ATransactionDroppedWithoutCommitOrRollback_LetsTheNextWriterIn()
    {
        await using (var abandoned = Db())
        {
            var tx = await abandoned.Database.BeginTransactionAsync(None);
            await abandoned.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES ('dropped', 0)", None);
            await tx.DisposeAsync();
        }

        await using var next = Db();
        await using (var tx = await next.Database.BeginTransactionAsync(Soon()))
        {
            await next.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES ('next', 0)", Soon());
            await tx.CommitAsync(Soon());
        }
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task AFailedStatementOrCommit_LetsTheNextWriterIn()
    {
        await using (var db = Db())
        {
            await Assert.ThrowsAsync<SqliteException>(() =>
                db.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES (NULL, 0)", None));
            await using var tx = await db.Database.BeginTransactionAsync(Soon());
            await Assert.ThrowsAsync<SqliteException>(() =>
                db.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES (NULL, 1)", None));
            await tx.RollbackAsync(Soon());
        }

        await using var next = Db();
        await next.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES ('next', 0)", Soon());
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task AWriterWaitsForTheTransactionInProgress_ThenGoesOn()
    {
        await using var first = Db();
        var tx = await first.Database.BeginTransactionAsync(None);
        await first.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES ('first', 0)", None);

        var second = Task.Run(async () =>
        {
            await using var db = Db();
            await db.Database.ExecuteSqlRawAsync("INSERT INTO entries (writer, seen) VALUES ('second', 1)", Soon());
        });
        await Task.Delay(300);
        Assert.False(second.IsCompleted); // queued behind the open transaction, not failed

        await tx.CommitAsync(None);
        await tx.DisposeAsync();
        await second;
        Assert.Equal(2, await CountAsync());
    }
}
