using Flowdesk.Jobs;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Flowdesk.Sla;
using Flowdesk.Security;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flowdesk.Tests.Jobs;

/// <summary>
/// The real host on a fake clock (Thursday 2026-11-26 10:00 Asia/Shanghai), with the background runner and worker
/// off so tests drive them with RunDueOnceAsync, the shipped calendars and SLA policies seeded, and test deliveries
/// for the outbox kinds test.* (see <see cref="TestDeliveries"/>).
/// </summary>
public class JobsApp : FlowdeskApp
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));

    public DeliveryLog Deliveries { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Flowdesk:Jobs:Enabled", "false"),
        new("Flowdesk:Outbox:MaxAttempts", "4"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            TestDeliveries.Add(services, Deliveries);
        });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Db(async db => { await SlaSeeding.EnsureAsync(db, Clock, CancellationToken.None); return true; });
    }

    /// <summary>
    /// Another node on the same database: its own service provider with its own runner and worker, the same clock,
    /// the test deliveries and <paramref name="configure"/>'s jobs. Dispose it at the end.
    /// </summary>
    public ServiceProvider SecondNode(Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Flowdesk:Jobs:Enabled"] = "false",
            ["Flowdesk:Outbox:MaxAttempts"] = "4",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddFlowdeskDatabase(new DatabaseSettings(Provider, ConnectionString));
        services.AddFlowdeskJobRunner(configuration);
        TestDeliveries.Add(services, Deliveries);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> longTokens = new(StringComparer.Ordinal);

    /// <summary>
    /// A client whose token does not expire: these tests move the clock by days, past the 12 hours of a session
    /// token, and fetching a new one each time would run into the sign-in rate limit.
    /// </summary>
    public async Task<HttpClient> Client(string userName)
    {
        if (!longTokens.TryGetValue(userName, out var secret))
        {
            secret = await Db(async db =>
            {
                var personId = await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
                var (token, hash) = AccessToken.NewSecret(AccessTokenKind.Session);
                db.AccessTokens.Add(new AccessToken(personId, AccessTokenKind.Session, "jobs tests", hash, Clock.GetUtcNow(), null));
                await db.SaveChangesAsync();
                return token;
            });
            longTokens[userName] = secret;
        }
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public JobRunner Runner => Services.GetRequiredService<JobRunner>();

    public OutboxWorker Worker => Services.GetRequiredService<OutboxWorker>();
}
