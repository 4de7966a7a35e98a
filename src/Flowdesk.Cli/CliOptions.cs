using System.CommandLine;
using Flowdesk.Persistence;
using Microsoft.Extensions.Configuration;

namespace Flowdesk.Cli;

/// <summary>Options shared by every command, and the configuration they override.</summary>
static class CliOptions
{
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "Database provider: sqlite or postgres (overrides Flowdesk:Database).",
        Recursive = true,
    };

    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Connection string (overrides ConnectionStrings:Flowdesk).",
        Recursive = true,
    };

    /// <summary>
    /// The same sources as the web host, in the same order: appsettings.json and appsettings.{environment}.json
    /// in the working directory, then environment variables (Flowdesk__Database, ConnectionStrings__Flowdesk),
    /// then the command line. Parsing the values is DatabaseSettings' job, not the CLI's.
    /// </summary>
    public static DatabaseSettings ReadSettings(ParseResult parseResult)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? "Production";
        var overrides = new Dictionary<string, string?>();
        if (parseResult.GetValue(Database) is { } database) overrides["Flowdesk:Database"] = database;
        if (parseResult.GetValue(Connection) is { } connection) overrides["ConnectionStrings:Flowdesk"] = connection;

        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        return DatabaseSettings.From(configuration);
    }
}
