using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Flowdesk.Persistence;

// Used by `dotnet ef migrations add` (see scripts/add-migration.sh); never at run time.
sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFlowdeskDb>
{
    public SqliteFlowdeskDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteFlowdeskDb>();
        DatabaseSetup.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteFlowdeskDb(options.Options);
    }
}

sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFlowdeskDb>
{
    public PostgresFlowdeskDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresFlowdeskDb>();
        DatabaseSetup.ConfigurePostgres(options, "Host=127.0.0.1;Database=flowdesk_design");
        return new PostgresFlowdeskDb(options.Options);
    }
}
