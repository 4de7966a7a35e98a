using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Cli;

/// <summary>Exit codes of the CLI, for scripts that call it.</summary>
static class ExitCodes
{
    public const int Ok = 0;
    public const int DatabaseFailed = 1;
    public const int BadConfiguration = 2;
    /// <summary>The input (a file, a key, a version number) is wrong; nothing was changed.</summary>
    public const int BadInput = 2;
    public const int Cancelled = 130;
}

/// <summary>
/// Runs a command against the configured database and turns the failures an operator can expect
/// (bad settings, unreachable server, refused login) into one clear line and an exit code, not a stack trace.
/// </summary>
static class DatabaseCommand
{
    /// <param name="quiet">Say which database on stderr, not stdout, for commands whose output is data (export).</param>
    public static async Task<int> RunAsync(ParseResult parseResult,
        Func<FlowdeskDb, DatabaseSettings, CancellationToken, Task<int>> action, CancellationToken ct, bool quiet = false)
    {
        DatabaseSettings settings;
        ServiceProvider services;
        try
        {
            settings = CliOptions.ReadSettings(parseResult);
            services = new ServiceCollection().AddFlowdeskDatabase(settings).BuildServiceProvider();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException or FormatException or InvalidDataException)
        {
            return Fail(ExitCodes.BadConfiguration, $"configuration: {MessageChain(e)}");
        }

        await using (services)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
                (quiet ? Console.Error : Console.Out).WriteLine($"Database: {settings.Provider} ({Describe(db, settings)})");
                return await action(db, settings, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return Fail(ExitCodes.Cancelled, "cancelled.");
            }
            catch (ArgumentException e)
            {
                // Npgsql and Microsoft.Data.Sqlite reject unknown or malformed keywords when the connection is built.
                return Fail(ExitCodes.BadConfiguration, $"connection string: {e.Message}");
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
            {
                return Fail(ExitCodes.DatabaseFailed, $"database: {MessageChain(e)}");
            }
        }
    }

    /// <summary>Where the command works, without the credentials.</summary>
    static string Describe(FlowdeskDb db, DatabaseSettings settings)
    {
        var connection = db.Database.GetDbConnection();
        return settings.Provider == DatabaseProvider.Postgres ? $"{connection.DataSource}/{connection.Database}" : connection.DataSource;
    }

    /// <summary>
    /// Wrapped failures (a socket error inside an NpgsqlException inside EF's "transient failure" wrapper)
    /// read best as the chain of messages from the first database exception down.
    /// </summary>
    static string MessageChain(Exception e)
    {
        Exception? start = e;
        while (start is not null and not DbException) start = start.InnerException;
        var messages = new List<string>();
        for (var current = start ?? e; current is not null; current = current.InnerException)
            if (!messages.Contains(current.Message)) messages.Add(current.Message);
        return string.Join(" → ", messages);
    }

    static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"flowdesk: {message}");
        return code;
    }
}
