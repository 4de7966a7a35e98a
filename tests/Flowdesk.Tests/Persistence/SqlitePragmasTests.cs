using Flowdesk.Tests.Infrastructure;
using Flowdesk.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Persistence;

/// <summary>
/// The per-connection SQLite settings run once per native connection and must hold on every later open of that
/// connection from the pool, and on a fresh native connection after the pool was cleared. Own file, whichever
/// database the rest of the suite runs on.
/// </summary>
public sealed class SqlitePragmasTests : IDisposable
{
    readonly string file = Path.Combine(Path.GetTempPath(), $"flowdesk-pragmas-{Guid.NewGuid():N}.db");
    readonly DbContextOptions<SqliteFlowdeskDb> options;

    public SqlitePragmasTests()
    {
        var builder = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(builder, $"Data Source={file}");
        options = builder.Options; // one options instance, as the application's singleton options
    }

    public void Dispose()
    {
        SqlitePools.Clear(file);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) File.Delete(path);
    }

    async Task<(string Journal, long Synchronous, long ForeignKeys, long BusyTimeout)> SettingsAsync()
    {
        await using var db = new SqliteFlowdeskDb(options);
        await db.Database.OpenConnectionAsync(); // through EF, so its connection interceptors run
        async Task<object?> Pragma(string name)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {name}";
            return await command.ExecuteScalarAsync();
        }
        var journal = (string)(await Pragma("journal_mode"))!;
        var synchronous = (long)(await Pragma("synchronous"))!;
        var foreignKeys = (long)(await Pragma("foreign_keys"))!;
        var busy = (long)(await Pragma("busy_timeout"))!;
        return (journal, synchronous, foreignKeys, busy);
    }

    [Fact]
    public async Task EveryOpen_OfAPooledOrAFreshConnection_HasTheSettings()
    {
        var expected = ("wal", 1L, 1L, 10000L); // synchronous=NORMAL is 1
        for (var i = 0; i < 5; i++) Assert.Equal(expected, await SettingsAsync());

        // A fresh native connection (the pool cleared) must get them again, not be taken for one already configured.
        SqlitePools.Clear(file);
        Assert.Equal(expected, await SettingsAsync());
    }

    [Fact]
    public async Task ConcurrentOpens_EachSeeTheSettings()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(SettingsAsync)));
        Assert.All(results, r => Assert.Equal(("wal", 1L, 1L, 10000L), r));
    }
}
