using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Flowdesk.Tests.Infrastructure;

/// <summary>
/// The real Flowdesk host on a database of its own: a temporary SQLite file, or — when FLOWDESK_TEST_PG holds
/// a connection string — a fresh PostgreSQL database on that server, dropped afterwards. Migrations and the
/// demo accounts (no demo tickets unless asked) are applied by the host's own start-up.
/// </summary>
public class FlowdeskApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Flowdesk!2026";
    static readonly string? PostgresServer = Environment.GetEnvironmentVariable("FLOWDESK_TEST_PG") is { Length: > 0 } pg ? pg : null;

    readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);
    readonly string dataPath = Path.Combine(Path.GetTempPath(), "flowdesk-tests", Guid.NewGuid().ToString("N"));
    readonly string? postgresDatabase;

    public FlowdeskApp()
    {
        Directory.CreateDirectory(dataPath);
        if (PostgresServer is not null) postgresDatabase = "flowdesk_test_" + Guid.NewGuid().ToString("N")[..16];
    }

    public static bool OnPostgres => PostgresServer is not null;

    public string DataPath => dataPath;

    public static DatabaseProvider Provider => OnPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    public string ConnectionString => postgresDatabase is null
        ? $"Data Source={Path.Combine(dataPath, "flowdesk.db")}"
        : new NpgsqlConnectionStringBuilder(PostgresServer) { Database = postgresDatabase }.ConnectionString;

    /// <summary>Extra settings a test class needs (e.g. a small attachment limit); override to add.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Flowdesk:Database", OnPostgres ? "postgres" : "sqlite");
        builder.UseSetting("ConnectionStrings:Flowdesk", ConnectionString);
        builder.UseSetting("Flowdesk:Demo", "true");
        builder.UseSetting("Flowdesk:DemoTickets", "0");
        builder.UseSetting("Flowdesk:DataPath", dataPath);
        // Tests drive the job runner and the outbox worker themselves (RunDueOnceAsync with a fake clock).
        builder.UseSetting("Flowdesk:Jobs:Enabled", "false");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public virtual async Task InitializeAsync()
    {
        if (postgresDatabase is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{postgresDatabase}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        _ = Server; // starts the host: migrations and seeding run now, not inside the first test
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
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

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends the user's bearer token (fetched once through POST /api/v1/auth/token).</summary>
    public async Task<HttpClient> ClientFor(string userName, string password = Password)
    {
        var token = tokens.TryGetValue(userName, out var cached) ? cached : await FetchToken(userName, password);
        tokens[userName] = token;
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    async Task<string> FetchToken(string userName, string password)
    {
        using var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = userName, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.Token;
    }

    sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);

    /// <summary>Runs code against the host's services in a scope of its own (for arranging and checking data).</summary>
    public async Task<T> InScope<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    public Task InScope(Func<IServiceProvider, Task> action) => InScope(async sp => { await action(sp); return true; });

    public Task<T> Db<T>(Func<FlowdeskDb, Task<T>> query) => InScope(sp => query(sp.GetRequiredService<FlowdeskDb>()));

    /// <summary>
    /// A new employee of its own, for tests that change a person (lock-out, language) without disturbing others.
    /// Optionally staff of a desk.
    /// </summary>
    public Task<Person> CreatePersonAsync(string userName, string? staffOfDesk = null, DeskRole role = DeskRole.Technician) => InScope(async sp =>
    {
        var users = sp.GetRequiredService<UserManager<Person>>();
        var person = new Person { UserName = userName, DisplayName = userName, Email = $"{userName}@test.example" };
        var result = await users.CreateAsync(person, Password);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        if (staffOfDesk is not null)
        {
            var db = sp.GetRequiredService<FlowdeskDb>();
            var desk = await db.Desks.SingleAsync(d => d.Key == staffOfDesk);
            db.DeskMembers.Add(new DeskMember(desk.Id, person.Id, role));
            await db.SaveChangesAsync();
        }
        return person;
    });
}

/// <summary>Most API tests share one host; each test makes the tickets it needs.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<FlowdeskApp>
{
    public const string Name = "api";
}
