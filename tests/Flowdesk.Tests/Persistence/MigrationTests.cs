using Flowdesk.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Flowdesk.Tests.Persistence;

/// <summary>Every schema change ships with a migration for each provider, and those migrations apply.</summary>
public sealed class MigrationTests
{
    const string HowToFix = "The model has changes without a migration. Run: scripts/add-migration.sh <Name>";

    [Fact]
    public void Sqlite_Model_HasNoChangesWithoutMigration()
    {
        using var db = Sqlite("Data Source=:memory:");
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), HowToFix);
    }

    [Fact]
    public void Postgres_Model_HasNoChangesWithoutMigration()
    {
        // Comparing the model with the last migration's snapshot needs no server.
        using var db = Postgres("Host=127.0.0.1;Database=flowdesk_model_check");
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), HowToFix);
    }

    [Fact]
    public async Task Sqlite_Migrations_ApplyToEmptyDatabase()
    {
        var ct = CancellationToken.None;
        var file = Path.Combine(Path.GetTempPath(), $"flowdesk-migrations-{Guid.NewGuid():N}.db");
        try
        {
            await using (var db = Sqlite($"Data Source={file};Pooling=False"))
            {
                await db.Database.MigrateAsync(ct);
                await AssertFullyMigratedAsync(db, ct);
            }
            // A second run finds nothing to do.
            await using (var again = Sqlite($"Data Source={file};Pooling=False"))
            {
                await again.Database.MigrateAsync(ct);
                await AssertFullyMigratedAsync(again, ct);
            }
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
        }
    }

    [PostgresFact]
    public async Task Postgres_Migrations_ApplyToEmptyDatabase()
    {
        var ct = CancellationToken.None;
        var connection = new NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString)
        {
            Database = $"flowdesk_migrations_{Guid.NewGuid():N}",
        }.ConnectionString;
        await using var db = Postgres(connection);
        try
        {
            // Migrate creates the database when it is missing, as `flowdesk migrate` relies on.
            await db.Database.MigrateAsync(ct);
            await AssertFullyMigratedAsync(db, ct);
            await db.Database.MigrateAsync(ct);
            await AssertFullyMigratedAsync(db, ct);
        }
        finally
        {
            await db.Database.EnsureDeletedAsync(CancellationToken.None);
        }
    }

    static async Task AssertFullyMigratedAsync(FlowdeskDb db, CancellationToken ct)
    {
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(ct));
        // The schema answers queries for the model's own tables.
        Assert.Equal(0, await db.Desks.CountAsync(ct));
        Assert.Equal(0, await db.Tickets.CountAsync(ct));
    }

    static SqliteFlowdeskDb Sqlite(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(options, connectionString);
        return new SqliteFlowdeskDb(options.Options);
    }

    static PostgresFlowdeskDb Postgres(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresFlowdeskDb>();
        DatabaseSetup.ConfigurePostgres(options, connectionString);
        return new PostgresFlowdeskDb(options.Options);
    }
}
