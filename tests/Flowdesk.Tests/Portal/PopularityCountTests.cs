using Flowdesk.Tests.Infrastructure;
using System.Data.Common;
using Flowdesk.Persistence;
using Flowdesk.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Flowdesk.Tests.Portal;

/// <summary>
/// "Popular services" counts every order of the window; requests that find the figures expired together must not
/// each run that count (at a million tickets it takes about a second). Own SQLite file, whichever database the rest
/// of the suite runs on.
/// </summary>
public sealed class PopularityCountTests : IAsyncLifetime
{
    readonly string file = Path.Combine(Path.GetTempPath(), $"flowdesk-popular-{Guid.NewGuid():N}.db");
    readonly CountingInterceptor counter = new();
    DbContextOptions<SqliteFlowdeskDb> options = null!;

    sealed class CountingInterceptor : DbCommandInterceptor
    {
        int counts;
        public int Counts => Volatile.Read(ref counts);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("GROUP BY", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref counts);
                await Task.Delay(200, cancellationToken); // a slow count, so the other requests arrive while it runs
            }
            return result;
        }
    }

    public async Task InitializeAsync()
    {
        var builder = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(builder, $"Data Source={file}");
        builder.AddInterceptors(counter);
        options = builder.Options;
        await using var db = new SqliteFlowdeskDb(options);
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqlitePools.Clear(file);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) File.Delete(path);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EightRequestsFindingTheFiguresExpired_CountOnce()
    {
        using var catalog = new PortalCatalog(Options.Create(new PortalOptions()), TimeProvider.System);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var db = new SqliteFlowdeskDb(options);
            return await catalog.PopularityAsync(db, CancellationToken.None);
        })));

        Assert.Equal(1, counter.Counts);
        Assert.All(results, r => Assert.Same(results[0], r));
    }
}
