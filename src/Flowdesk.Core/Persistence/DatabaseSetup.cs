using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowdesk.Persistence;

/// <summary>Reads the database settings: Flowdesk:Database (sqlite | postgres) and ConnectionStrings:Flowdesk.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqlite = "Data Source=data/flowdesk.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var providerName = configuration["Flowdesk:Database"] ?? "sqlite";
        var provider = providerName.ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Flowdesk:Database must be 'sqlite' or 'postgres', not '{providerName}'."),
        };
        var connectionString = configuration.GetConnectionString("Flowdesk");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
                throw new InvalidOperationException("ConnectionStrings:Flowdesk is required when Flowdesk:Database is 'postgres'.");
            connectionString = DefaultSqlite;
        }
        return new DatabaseSettings(provider, connectionString);
    }
}

public static class DatabaseSetup
{
    public static IServiceCollection AddFlowdeskDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteFolder(settings.ConnectionString);
                // Options are built once (optionsLifetime: Singleton): built per request they cost more CPU than a
                // portal page's own work (a clone of the options per interceptor, then EF's lookup of its internal
                // service provider by comparing them). Every interceptor added to them must therefore be stateless or thread-safe.
                services.AddDbContext<SqliteFlowdeskDb>((sp, o) => ConfigureSqlite(o, settings.ConnectionString,
                    sp.GetService<ILoggerFactory>()?.CreateLogger<SqliteWriteGate>()), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
                services.AddScoped<FlowdeskDb>(sp => sp.GetRequiredService<SqliteFlowdeskDb>());
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContext<PostgresFlowdeskDb>(o => ConfigurePostgres(o, settings.ConnectionString), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
                services.AddScoped<FlowdeskDb>(sp => sp.GetRequiredService<PostgresFlowdeskDb>());
                break;
            default:
                throw new InvalidOperationException($"Unknown provider {settings.Provider}.");
        }
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, ILogger? log = null) =>
        options.UseSqlite(connectionString, s => s.MigrationsAssembly(typeof(FlowdeskDb).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new SqlitePragmas(), new SqliteWriteGate(log), new HistoryInterceptor(),
                new Sla.SlaReferenceInvalidation(), new Sla.SlaInterceptor());

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, s => s.MigrationsAssembly(typeof(FlowdeskDb).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new HistoryInterceptor(), new Sla.SlaReferenceInvalidation(), new Sla.SlaInterceptor());

    /// <summary>Creates the folder of a SQLite file so a fresh clone runs without a manual step.</summary>
    static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:") return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }
}
