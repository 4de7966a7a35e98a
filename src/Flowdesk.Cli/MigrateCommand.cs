using System.CommandLine;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Flowdesk.Cli;

/// <summary><c>flowdesk migrate</c>: brings the configured database to the latest schema.</summary>
static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending migrations to the configured database (creates it when missing).");
        command.SetAction((parseResult, ct) => DatabaseCommand.RunAsync(parseResult, MigrateAsync, ct));
        return command;
    }

    static async Task<int> MigrateAsync(FlowdeskDb db, DatabaseSettings settings, CancellationToken ct)
    {
        var pending = await MigrationStatus.PendingAsync(db, ct);
        if (pending.Count == 0)
        {
            Console.WriteLine("The database is up to date.");
            return ExitCodes.Ok;
        }
        foreach (var migration in pending) Console.WriteLine($"  applying {migration}");
        await db.MigrateAsync(ct);
        Console.WriteLine($"Applied {pending.Count} migration(s).");
        return ExitCodes.Ok;
    }
}

/// <summary><c>flowdesk migrations list</c>: what the build contains and what the database has.</summary>
static class MigrationsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the migrations of the configured provider and whether each is applied.");
        list.SetAction((parseResult, ct) => DatabaseCommand.RunAsync(parseResult, ListAsync, ct));
        var command = new Command("migrations", "Inspect database migrations.");
        command.Subcommands.Add(list);
        return command;
    }

    static async Task<int> ListAsync(FlowdeskDb db, DatabaseSettings settings, CancellationToken ct)
    {
        var applied = await MigrationStatus.AppliedAsync(db, ct);
        foreach (var migration in db.Database.GetMigrations())
            Console.WriteLine($"  {(applied.Contains(migration) ? "applied" : "pending")}  {migration}");
        return ExitCodes.Ok;
    }
}

static class MigrationStatus
{
    /// <summary>Applied migrations, without creating a database that does not exist yet.</summary>
    public static async Task<HashSet<string>> AppliedAsync(FlowdeskDb db, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct)) return [];
        return [.. await db.Database.GetAppliedMigrationsAsync(ct)];
    }

    public static async Task<List<string>> PendingAsync(FlowdeskDb db, CancellationToken ct)
    {
        var applied = await AppliedAsync(db, ct);
        return [.. db.Database.GetMigrations().Where(m => !applied.Contains(m))];
    }
}
