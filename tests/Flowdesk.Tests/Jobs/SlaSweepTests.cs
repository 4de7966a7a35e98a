using System.Net;
using System.Text.Json;
using Flowdesk.Persistence;
using Flowdesk.Sla;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Jobs;

public sealed class SweepApp : JobsApp;

public sealed class EscalationApp : JobsApp;

/// <summary>Sweeping, reading what it wrote to the outbox, and the SLA endpoint's instants.</summary>
static class Sweeping
{
    public static Task<SlaSweepResult> Sweep(JobsApp app) =>
        app.InScope(sp => new SlaSweep(sp.GetRequiredService<FlowdeskDb>()).RunAsync(app.Clock.GetUtcNow(), CancellationToken.None));

    public static async Task<List<JsonElement>> Notifications(JobsApp app, string ticketId)
    {
        var id = Guid.Parse(ticketId);
        var payloads = await app.Db(db => db.OutboxMessages.Where(m => m.TicketId == id && m.Kind == "notification").Select(m => m.Payload).ToListAsync());
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone())
            .Where(p => p.Str("event").StartsWith("sla.", StringComparison.Ordinal)).ToList();
    }

    /// <summary>event:metric[:level], sorted (events of one sweep share their instant).</summary>
    public static List<string> Names(IEnumerable<JsonElement> events) =>
        events.Select(e => e.Str("event") + (e.TryGetProperty("metric", out var m) && m.ValueKind == JsonValueKind.String ? ":" + m.GetString() : "")
            + (e.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.Number ? ":" + l.GetInt32() : ""))
            .Order(StringComparer.Ordinal).ToList();

    public static async Task<JsonElement> SlaOf(HttpClient client, string id) => await (await client.GetAsync($"/api/v1/tickets/{id}/sla")).ShouldBe(HttpStatusCode.OK);

    public static DateTimeOffset At(JsonElement clock, string name) => clock.GetProperty(name).GetDateTimeOffset();

    public static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

/// <summary>
/// The SLA sweep end to end: a P3 IT incident (4h first response, 3bd resolution on the cn-mainland calendar; levels at
/// 75% notify the assignee, 100% the desk admins, 150% raise the priority) created Thursday 2026-11-26 10:00 Shanghai.
/// </summary>
public sealed class SlaEscalationTests(EscalationApp app) : IClassFixture<EscalationApp>
{
    Task<SlaSweepResult> Sweep() => Sweeping.Sweep(app);

    Task<List<JsonElement>> Notifications(string id) => Sweeping.Notifications(app, id);

    static List<string> Names(IEnumerable<JsonElement> events) => Sweeping.Names(events);

    static DateTimeOffset At(JsonElement clock, string name) => Sweeping.At(clock, name);

    [Fact]
    public async Task Warnings_Breaches_AndEachEscalationLevel_FireOnce_AtTheirBusinessTime()
    {
        var alice = await app.Client("alice");
        var li = await app.Client("li.agent");
        var ticket = await alice.CreateTicket(subject: "VPN drops every hour");
        var id = ticket.Id();
        Assert.Equal("p3", ticket.Str("priority"));
        var sla = await Sweeping.SlaOf(li, id);
        var firstWarning = At(sla.GetProperty("firstResponse"), "warningAt");
        var firstDue = At(sla.GetProperty("firstResponse"), "due");
        var resolutionWarning = At(sla.GetProperty("resolution"), "warningAt");
        var resolutionDue = At(sla.GetProperty("resolution"), "due");
        // Thursday 10:00 + 3h and 4h of working time (lunch 12:00–13:30); 3bd of 7.5h ends Tuesday 10:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 30, 0, TimeSpan.FromHours(8)), firstWarning);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 15, 30, 0, TimeSpan.FromHours(8)), firstDue);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8)), resolutionDue);

        await Sweep();
        Assert.Empty(await Notifications(id));

        app.Clock.SetUtcNow(firstWarning);
        await Sweep();
        Assert.Equal(["sla.warning:first_response"], Names(await Notifications(id)));
        await Sweep();
        Assert.Single(await Notifications(id));

        app.Clock.SetUtcNow(firstDue.AddMinutes(1));
        await Sweep();
        Assert.Equal(["sla.breach:first_response", "sla.warning:first_response"], Names(await Notifications(id)));
        var view = await (await li.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK);
        Assert.True(view.GetProperty("sla").GetProperty("firstResponseBreached").GetBoolean());
        Assert.False(view.GetProperty("sla").GetProperty("resolutionBreached").GetBoolean());
        var history = await (await li.GetAsync($"/api/v1/tickets/{id}/history")).ShouldBe(HttpStatusCode.OK);
        var breach = Assert.Single(history.EnumerateArray(), h => h.Str("field") == "firstResponseBreached");
        Assert.Equal("flowdesk-automation", breach.GetProperty("actor").Str("username"));

        // Friday evening and the weekend count for nothing: the 75% level waits for Monday 11:52:30.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.FromHours(8)));
        await Sweep();
        Assert.Equal(2, (await Notifications(id)).Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 11, 52, 30, TimeSpan.FromHours(8)), resolutionWarning);
        app.Clock.SetUtcNow(resolutionWarning);
        await Sweep();
        Assert.Equal(["sla.breach:first_response", "sla.escalation:resolution:1", "sla.warning:first_response", "sla.warning:resolution"],
            Names(await Notifications(id)));

        app.Clock.SetUtcNow(resolutionDue.AddMinutes(1));
        await Sweep();
        await Sweep();
        var events = Names(await Notifications(id));
        Assert.Equal(6, events.Count);
        Assert.Contains("sla.breach:resolution", events);
        Assert.Contains("sla.escalation:resolution:2", events);
        var level2 = (await Notifications(id)).Single(e => e.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.Number && l.GetInt32() == 2);
        Assert.Equal("notify", level2.Str("action"));
        Assert.Equal("desk-admins", level2.Str("target"));
        Assert.Equal("p3", (await (await li.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK)).Str("priority"));

        // 150% of 22.5 business hours is Wednesday 15:15: the priority goes up one step, once.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 15, 14, 0, TimeSpan.FromHours(8)));
        await Sweep();
        Assert.Equal(6, (await Notifications(id)).Count);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 15, 16, 0, TimeSpan.FromHours(8)));
        await Sweep();
        view = await (await li.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("p2", view.Str("priority"));
        Assert.Contains("sla.escalation:resolution:3", Names(await Notifications(id)));
        history = await (await li.GetAsync($"/api/v1/tickets/{id}/history")).ShouldBe(HttpStatusCode.OK);
        var raised = Assert.Single(history.EnumerateArray(), h => h.Str("field") == "priority");
        Assert.Equal("flowdesk-automation", raised.GetProperty("actor").Str("username"));

        // A later sweep (or another node after a restart) repeats nothing, though the P2 policy has its own level 3.
        app.Clock.Advance(TimeSpan.FromDays(7));
        await Sweep();
        await Sweep();
        Assert.Equal(7, (await Notifications(id)).Count);
        Assert.Equal("p2", (await (await li.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK)).Str("priority"));
    }
}

/// <summary>The SLA sweep: paused and resolved tickets, and rescheduling without the full clock.</summary>
public sealed class SlaSweepTests(SweepApp app) : IClassFixture<SweepApp>
{
    Task<SlaSweepResult> Sweep() => Sweeping.Sweep(app);

    Task<List<JsonElement>> Notifications(string id) => Sweeping.Notifications(app, id);

    static List<string> Names(IEnumerable<JsonElement> events) => Sweeping.Names(events);

    static StringContent JsonContent(object body) => Sweeping.JsonContent(body);

    [Fact]
    public async Task PausedTicket_NeverBreaches_WhileItWaitsOnTheRequester_AndResolvedTicketsAreLeftAlone()
    {
        var alice = await app.Client("alice");
        var li = await app.Client("li.agent");
        var waiting = await alice.CreateTicket(subject: "Need the licence key");
        var resolved = await alice.CreateTicket(subject: "Screen flickers");
        await (await li.PostAsync($"/api/v1/tickets/{waiting.Id()}/transitions", JsonContent(new { to = "waiting_on_requester" }))).ShouldBe(HttpStatusCode.OK);
        await (await li.PostAsync($"/api/v1/tickets/{resolved.Id()}/transitions", JsonContent(new { to = "resolved" }))).ShouldBe(HttpStatusCode.OK);
        await Sweep();

        app.Clock.Advance(TimeSpan.FromDays(10));
        await Sweep();
        Assert.Empty(await Notifications(waiting.Id()));
        Assert.Empty(await Notifications(resolved.Id()));

        // Back in progress the clock runs on from where it paused: due times move, and the sweep looks again.
        await (await alice.PostAsync($"/api/v1/tickets/{waiting.Id()}/transitions", JsonContent(new { to = "in_progress" }))).ShouldBe(HttpStatusCode.OK);
        var sla = await Sweeping.SlaOf(li, waiting.Id());
        app.Clock.SetUtcNow(Sweeping.At(sla.GetProperty("resolution"), "due").AddMinutes(1));
        await Sweep();
        Assert.Contains("sla.breach:resolution", Names(await Notifications(waiting.Id())));
    }

    [Fact]
    public async Task ManyTickets_AreRescheduledWithoutReadingTheirHistory_UntilAnEventCanCome()
    {
        var alice = await app.Client("alice");
        for (var i = 0; i < 5; i++) await alice.CreateTicket(subject: $"Printer {i} jams");
        var first = await Sweep();
        Assert.True(first.Candidates >= 5);
        Assert.Equal(0, first.Evaluated);
        // Nothing of these new tickets can be due before 75% of 4 wall-clock hours: none needed the full clock.
        var second = await Sweep();
        Assert.Equal(0, second.Candidates);
        var states = await app.Db(db => db.SlaSweepStates.CountAsync());
        Assert.True(states >= 5);
    }
}
