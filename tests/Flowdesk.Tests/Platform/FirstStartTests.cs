using System.Net;
using System.Net.Http.Json;
using Flowdesk.Demo;
using Flowdesk.Persistence;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Platform;

/// <summary>Without demo data the first start creates one admin, with the configured password.</summary>
public sealed class FirstStartWithConfiguredPasswordTests(FirstStartWithConfiguredPasswordTests.App app)
    : IClassFixture<FirstStartWithConfiguredPasswordTests.App>
{
    public const string AdminPassword = "Configured-Admin-2026";

    public sealed class App : FlowdeskApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Flowdesk:Demo", "false"), new("Flowdesk:AdminPassword", AdminPassword)];
    }

    [Fact]
    public async Task Only_the_admin_exists_and_signs_in_with_the_configured_password()
    {
        var people = await app.Db(db => db.Users.Select(u => u.UserName).ToListAsync());
        Assert.Equal(["admin"], people);
        Assert.Equal(["facilities", "hr", "it"], await app.Db(db => db.Desks.OrderBy(d => d.Key).Select(d => d.Key).ToListAsync()));
        Assert.False(await app.Db(db => db.Tickets.AnyAsync()));

        using var client = app.Anonymous();
        await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = FlowdeskApp.Password })).ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword })).ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>Without demo data and without a configured password, the admin's password is generated, never a fixed default.</summary>
[Collection(ApiCollection.Name)]
public sealed class FirstStartGeneratedPasswordTests(FlowdeskApp app)
{
    [Fact]
    public async Task A_fresh_database_gets_a_random_admin_password_that_works()
    {
        var first = await SeedFreshDatabase();
        var second = await SeedFreshDatabase();
        Assert.NotNull(first.GeneratedAdminPassword);
        Assert.NotNull(second.GeneratedAdminPassword);
        Assert.NotEqual(first.GeneratedAdminPassword, second.GeneratedAdminPassword);
        Assert.NotEqual(Seeding.DemoPassword, first.GeneratedAdminPassword);
        Assert.True(first.GeneratedAdminPassword!.Length >= 16);
        Assert.Empty(first.DemoAccounts);
    }

    /// <summary>Seeds an empty SQLite database of its own through the host's services and checks the admin can sign in.</summary>
    async Task<SeedResult> SeedFreshDatabase()
    {
        var file = Path.Combine(app.DataPath, $"fresh-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddFlowdeskDatabase(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={file}"));
        services.AddIdentityCore<Flowdesk.People.Person>().AddRoles<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>()
            .AddEntityFrameworkStores<FlowdeskDb>();
        await using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        await db.Database.MigrateAsync();
        var result = await Seeding.RunAsync(scope.ServiceProvider, new SeedOptions(Demo: false, DemoTickets: 0, AdminPassword: null), CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Flowdesk.People.Person>>();
        var admin = await users.FindByNameAsync("admin");
        Assert.True(await users.CheckPasswordAsync(admin!, result.GeneratedAdminPassword!));
        Assert.True(await users.IsInRoleAsync(admin!, Flowdesk.People.SystemRoles.SystemAdmin));
        return result;
    }
}

/// <summary>The generated admin password passes the installation's password rules every time, not most of the time.</summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedPasswordRulesTests(FlowdeskApp app)
{
    [Fact]
    public async Task Every_generated_password_passes_the_password_rules()
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Flowdesk.People.Person>>();
        var person = new Flowdesk.People.Person { UserName = "password-check" };
        // The random part alone lacked a digit about one time in thirty; 2,000 tries would all but surely meet that.
        for (var i = 0; i < 2000; i++)
        {
            var password = Seeding.GeneratePassword();
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, person, password);
                Assert.True(result.Succeeded, $"{password}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
            }
        }
    }
}
