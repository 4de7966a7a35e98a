using System.Net;
using System.Net.Http.Json;
using Flowdesk.Live;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Console;

/// <summary>
/// The live change feed: committed ticket changes are published with desk, status and version, rolled-back ones
/// never; and what each viewer hears goes through the same access scoping as every query.
/// </summary>
public sealed class LiveFeedTests(FlowdeskApp app) : IClassFixture<FlowdeskApp>
{
    // Only a guard against a hang; nothing is asserted about timing.
    static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ItTechniciansFeed_NeverCarriesAnHrChange()
    {
        using var stop = new CancellationTokenSource(Guard);
        var li = Listen(await PersonId("li.agent"), stop.Token);
        var zhang = Listen(await PersonId("zhang.hr"), stop.Token);
        var admin = Listen(await PersonId("admin"), stop.Token);

        var hr = await (await app.ClientFor("carol")).CreateTicket("hr", "工资条有误 salary slip wrong", "request");
        await Move(await app.ClientFor("zhang.hr"), hr.Id(), TicketStates.InProgress);
        var it = await (await app.ClientFor("alice")).CreateTicket("it", "VPN drops every 10 minutes");

        var liHeard = await li.Until(Guid.Parse(it.Id()));
        Assert.DoesNotContain(Guid.Parse(hr.Id()), liHeard);
        // A system admin sees every desk except a confidential one they do not staff: no HR either.
        var adminHeard = await admin.Until(Guid.Parse(it.Id()));
        Assert.DoesNotContain(Guid.Parse(hr.Id()), adminHeard);

        var zhangHeard = await zhang.Until(Guid.Parse(hr.Id()));
        Assert.Contains(Guid.Parse(hr.Id()), zhangHeard);
        await stop.CancelAsync();
        await Task.WhenAll(li.DisposeAsync().AsTask(), zhang.DisposeAsync().AsTask(), admin.DisposeAsync().AsTask());
    }

    [Fact]
    public async Task RequesterHearsOwnTicket_AnotherEmployeeDoesNot()
    {
        using var stop = new CancellationTokenSource(Guard);
        await using var alice = Listen(await PersonId("alice"), stop.Token);
        await using var bob = Listen(await PersonId("bob"), stop.Token);

        var mine = await (await app.ClientFor("alice")).CreateTicket("it", "Keyboard missing keys");
        await Move(await app.ClientFor("li.agent"), mine.Id(), TicketStates.InProgress);
        var bobs = await (await app.ClientFor("bob")).CreateTicket("it", "Monitor flickers");

        Assert.Contains(Guid.Parse(mine.Id()), await alice.Until(Guid.Parse(mine.Id())));
        Assert.DoesNotContain(Guid.Parse(mine.Id()), await bob.Until(Guid.Parse(bobs.Id())));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task CommittedMove_IsPublishedWithDeskStatusAndVersion()
    {
        var feed = app.Services.GetRequiredService<TicketChangeFeed>();
        using var subscription = feed.Subscribe();
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Laptop fan loud");
        var moved = await Move(await app.ClientFor("li.agent"), ticket.Id(), TicketStates.InProgress);

        using var stop = new CancellationTokenSource(Guard);
        var id = Guid.Parse(ticket.Id());
        TicketChange change;
        do change = await subscription.Reader.ReadAsync(stop.Token);
        while (change.TicketId != id || change.Status != TicketStates.InProgress);

        var itDesk = await app.Db(db => db.Desks.Where(d => d.Key == "it").Select(d => d.Id).SingleAsync());
        Assert.Equal(itDesk, change.DeskId);
        Assert.Equal($"\"{change.Version}\"", moved);
    }

    [Fact]
    public async Task RolledBackChange_IsNeverPublished()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Mouse double-clicks");
        var marker = await (await app.ClientFor("alice")).CreateTicket("it", "Marker after the rollback");
        var feed = app.Services.GetRequiredService<TicketChangeFeed>();
        using var subscription = feed.Subscribe();

        await app.InScope(async sp =>
        {
            var db = sp.GetRequiredService<FlowdeskDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var row = await db.Tickets.SingleAsync(t => t.Id == Guid.Parse(ticket.Id()));
            row.MoveTo(TicketStates.Cancelled, BuiltInWorkflows.For(row.ProcessKey), row.RequesterId, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });
        await Move(await app.ClientFor("li.agent"), marker.Id(), TicketStates.InProgress);

        using var stop = new CancellationTokenSource(Guard);
        List<TicketChange> heard = [];
        do heard.Add(await subscription.Reader.ReadAsync(stop.Token));
        while (heard[^1].TicketId != Guid.Parse(marker.Id()));
        Assert.DoesNotContain(heard, c => c.TicketId == Guid.Parse(ticket.Id()));
    }

    Task<Guid> PersonId(string userName) => app.Db(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());

    static async Task<string> Move(HttpClient client, string id, string to)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to });
        await response.ShouldBe(HttpStatusCode.OK);
        return response.Headers.ETag!.Tag;
    }

    Listener Listen(Guid personId, CancellationToken ct)
    {
        var updates = app.Services.GetRequiredService<ViewerFeed>().ReadAsync(personId, _ => false, ct).GetAsyncEnumerator(ct);
        return new Listener(updates, updates.MoveNextAsync()); // subscribed once the first MoveNextAsync has started
    }

    /// <summary>One viewer's updates, read until a given ticket shows up; everything heard on the way is returned.</summary>
    sealed class Listener(IAsyncEnumerator<ViewerUpdate> updates, ValueTask<bool> first) : IAsyncDisposable
    {
        readonly List<Guid> heard = [];
        ValueTask<bool>? next = first;

        public async Task<IReadOnlyList<Guid>> Until(Guid ticketId)
        {
            while (!heard.Contains(ticketId))
            {
                var more = await (next ?? updates.MoveNextAsync());
                next = null;
                Assert.True(more, "The feed ended before the ticket was heard.");
                heard.AddRange(updates.Current.TicketIds);
            }
            return heard;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (next is { } pending) await pending;
            }
            catch (OperationCanceledException)
            {
            }
            await updates.DisposeAsync();
        }
    }
}
