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
    public const int Cancelled = 130;
}

/// <summary>
/// Runs a command against the configured database and turns the failures an operator can expect
/// (bad settings, unreachable server, refused login) into one clear line and an exit code, not a stack trace.
/// </summary>
static class DatabaseCommand
{
    public static async Task<int> RunAsync(ParseResult parseResult,
        Func<FlowdeskDb, DatabaseSettings, CancellationToken, Task<int>> action, CancellationToken ct)
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
            return Fail(ExitCodes.BadConfiguration, $"configuration: {e.Message}");
        }

        await using (services)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
                Console.WriteLine($"Database: {settings.Provider} ({Describe(db)})");
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
                return Fail(ExitCodes.DatabaseFailed, $"database: {Innermost(e)}");
            }
        }
    }

    /// <summary>Where the command works, without the credentials.</summary>
    static string Describe(FlowdeskDb db)
    {
        var connection = db.Database.GetDbConnection();
        return string.IsNullOrEmpty(connection.Database) ? connection.DataSource : $"{connection.DataSource}/{connection.Database}";
    }

    /// <summary>Wrapped failures (a socket error inside an NpgsqlException) read best as the chain of their messages.</summary>
    static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
            if (!messages.Contains(current.Message)) messages.Add(current.Message);
        return string.Join(" → ", messages);
    }

    static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"flowdesk: {message}");
        return code;
    }
}
