using Flowdesk.Demo;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowdesk.Web.Startup;

static class DatabaseStartup
{
    /// <summary>
    /// Applies migrations (unless Flowdesk:MigrateOnStart is false), seeds an empty database and refreshes the SQLite
    /// planner's statistics.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<FlowdeskOptions>>().Value;
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        if (options.MigrateOnStart)
        {
            await db.MigrateAsync(CancellationToken.None);
        }

        // Demo data is on by default for the embedded SQLite set-up and off on PostgreSQL.
        var demo = options.Demo ?? settings.Provider == DatabaseProvider.Sqlite;
        var result = await Seeding.RunAsync(scope.ServiceProvider,
            new SeedOptions(demo, options.DemoTickets, options.AdminPassword), CancellationToken.None);
        // After seeding, so a new database's statistics describe its first data; the hourly db.statistics job follows the growth.
        await DatabaseStatistics.RefreshAsync(db, CancellationToken.None);

        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app, result));
    }

    static void PrintBanner(WebApplication app, SeedResult result)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine();
        Console.WriteLine("Flowdesk is running:");
        foreach (var address in addresses) Console.WriteLine($"  {address}");
        if (result.DemoAccounts.Count > 0)
        {
            Console.WriteLine($"Demo sign-ins (password {Seeding.DemoPassword}):");
            foreach (var (user, who) in result.DemoAccounts) Console.WriteLine($"  {user,-10} {who}");
        }
        if (result.GeneratedAdminPassword is { } password)
            Console.WriteLine($"First start: created user 'admin' with password {password} (shown once; change it after signing in).");
        Console.WriteLine();
    }
}
