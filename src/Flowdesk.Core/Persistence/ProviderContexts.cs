using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Flowdesk.Persistence;

/// <summary>The embedded default: a SQLite file under the data folder, in WAL mode.</summary>
public sealed class SqliteFlowdeskDb(DbContextOptions<SqliteFlowdeskDb> options) : FlowdeskDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no offset-aware type and EF cannot order or compare DateTimeOffset text;
        // every instant is UTC, so store it as UTC ticks (an integer that sorts correctly).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

/// <summary>PostgreSQL for organisations that grow beyond one node.</summary>
public sealed class PostgresFlowdeskDb(DbContextOptions<PostgresFlowdeskDb> options) : FlowdeskDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// Per-connection SQLite settings that do not persist in the file, applied once per native connection: the pool
/// hands the same native connection to many <see cref="Microsoft.Data.Sqlite.SqliteConnection"/> opens (EF opens
/// one per query), and the settings stay with it, so running the four PRAGMAs on every open was wasted work.
/// </summary>
sealed class SqlitePragmas : DbConnectionInterceptor
{
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    void Apply(DbConnection connection)
    {
        var handle = (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
        if (handle is not null && configured.TryGetValue(handle, out _)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";
            command.ExecuteNonQuery();
        }
        if (handle is not null) configured.AddOrUpdate(handle, this);
    }
}
