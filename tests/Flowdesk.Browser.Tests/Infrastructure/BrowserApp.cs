using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Flowdesk.Desks;
using Flowdesk.Notifications;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Flowdesk.Browser.Tests.Infrastructure;

/// <summary>
/// The real Flowdesk host listening on 127.0.0.1 (Kestrel: a browser needs a socket), on a database of its own —
/// a temporary SQLite file, or a fresh PostgreSQL database when FLOWDESK_TEST_PG is set — with the demo
/// organisation and some demo tickets, and one headless Debian Chromium shared by the tests.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Flowdesk!2026";
    /// <summary>A second IT technician, for a second browser watching the same board.</summary>
    public const string SecondItTechnician = "wu.agent";
    const string Chromium = "/usr/bin/chromium";

    static readonly string? PostgresServer = Environment.GetEnvironmentVariable("FLOWDESK_TEST_PG") is { Length: > 0 } pg ? pg : null;

    readonly string dataPath = Path.Combine(Path.GetTempPath(), "flowdesk-browser-tests", Guid.NewGuid().ToString("N"));
    readonly string? postgresDatabase = PostgresServer is null ? null : "flowdesk_browser_" + Guid.NewGuid().ToString("N")[..16];
    IPlaywright? playwright;

    public BrowserApp()
    {
        Directory.CreateDirectory(dataPath);
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    string ConnectionString => postgresDatabase is null
        ? $"Data Source={Path.Combine(dataPath, "flowdesk.db")}"
        : new NpgsqlConnectionStringBuilder(PostgresServer) { Database = postgresDatabase }.ConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Flowdesk:Database", postgresDatabase is null ? "sqlite" : "postgres");
        builder.UseSetting("ConnectionStrings:Flowdesk", ConnectionString);
        builder.UseSetting("Flowdesk:Demo", "true");
        builder.UseSetting("Flowdesk:DemoTickets", "60");
        builder.UseSetting("Flowdesk:DataPath", dataPath);
    }

    public async Task InitializeAsync()
    {
        if (postgresDatabase is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{postgresDatabase}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        await CreateSecondItTechnicianAsync();

        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium); ./test.sh does.");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        SetDefaultExpectTimeout(15_000);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await DisposeAsync();
        if (postgresDatabase is not null)
        {
            // This database's pool only: clearing every pool of the process races with other tests opening theirs.
            using (var own = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(own);
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresDatabase}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            using var own = new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString);
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(own);
        }
        try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    async Task CreateSecondItTechnicianAsync()
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var person = new Person { UserName = SecondItTechnician, DisplayName = "Wu Lei", Language = "en", Email = "wu.agent@test.example" };
        var created = await users.CreateAsync(person, Password);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var it = await db.Desks.SingleAsync(d => d.Key == "it");
        db.DeskMembers.Add(new DeskMember(it.Id, person.Id, DeskRole.Technician));
        await db.SaveChangesAsync();
    }

    /// <summary>A fresh browser window (its own cookies) signed in as the user; the UI follows the person's language.</summary>
    public async Task<IPage> SignedInPageAsync(string userName)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("form.fd-form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        return page;
    }

    /// <summary>Opens the board and waits until drag and drop is wired and the live feed is subscribed.</summary>
    public static async Task OpenBoardAsync(IPage page, string query = "")
    {
        await page.GotoAsync("/console/board" + query);
        await Expect(page.Locator(".fd-board[data-dnd=ready]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
    }

    /// <summary>An API client with the user's bearer token.</summary>
    public async Task<HttpClient> ApiAsync(string userName)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = userName, password = Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    sealed record TokenBody(string Token);

    /// <summary>What the notification fan-out does for one recipient: the row, then the signal to their bells (and the cached count).</summary>
    public async Task NotifyAsync(string userName, string title, string link)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var person = await db.Users.SingleAsync(p => p.NormalizedUserName == userName.ToUpperInvariant());
        db.Notifications.Add(new Notification(Guid.NewGuid(), person.Id, NotificationEvents.Assigned, null, title, "A test notification.", link, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<NotificationFeed>().Publish([person.Id]);
    }

    /// <summary>Where screenshots go: FLOWDESK_SCREENSHOTS, or .test-results/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("FLOWDESK_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot(), ".test-results", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flowdesk.slnx"))) return dir.FullName;
        return Path.GetTempPath();
    }
}

/// <summary>One host and one browser for all browser tests; each test opens its own windows.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}
