using System.Text.Json;
using Flowdesk.Outbox;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Notifications;

/// <summary>
/// The real host with the background outbox worker off, so tests fan out notification messages themselves (through the
/// registered "notification" delivery, as the worker would), a fixed approval-link key and chat webhooks allowed on http.
/// </summary>
public sealed class NotificationsApp : FlowdeskApp
{
    public const string LinkKey = "q83vEjRWeJCrze/+ASNFZ4mrze/+ASNFZ4mrze/+ASM=";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Flowdesk:Jobs:Enabled", "false"),
        new("Flowdesk:Notifications:AllowHttpWebhooks", "true"),
        new("Flowdesk:Notifications:PublicUrl", "http://flowdesk.test"),
        new("Flowdesk:Notifications:ApprovalLinkKey", LinkKey),
    ];

    /// <summary>Delivers every "notification" message of the ticket with the registered delivery; returns how many there were.</summary>
    public async Task<int> FanOutAsync(Guid ticketId)
    {
        var messages = await Db(db => db.OutboxMessages.AsNoTracking().Where(m => m.Kind == "notification" && m.TicketId == ticketId).ToListAsync());
        foreach (var message in messages)
            await InScope(sp => sp.GetServices<IOutboxDelivery>().Single(d => d.Kind == "notification").DeliverAsync(message, CancellationToken.None));
        return messages.Count;
    }

    public Task<List<OutboxMessage>> OutboxAsync(Guid ticketId, string kind) =>
        Db(db => db.OutboxMessages.AsNoTracking().Where(m => m.Kind == kind && m.TicketId == ticketId).ToListAsync());

    public Task<List<Flowdesk.Notifications.Notification>> NotificationsAsync(Guid ticketId) =>
        Db(db => db.Notifications.AsNoTracking().Where(n => n.TicketId == ticketId).ToListAsync());

    public Task<Guid> PersonIdAsync(string userName) => Db(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class NotificationsCollection : ICollectionFixture<NotificationsApp>
{
    public const string Name = "notifications";
}
