using System.Net;
using System.Text.RegularExpressions;
using Flowdesk.Demo;
using Flowdesk.Desks;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Flowdesk.Tests.Demo;

/// <summary>A host whose first start seeds the demo organisation with 120 tickets.</summary>
public sealed class DemoApp : FlowdeskApp
{
    public const int Tickets = 120;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Flowdesk:DemoTickets", Tickets.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>The demo tickets as the host seeds them, checked in the database and through the API.</summary>
public sealed partial class DemoTicketsTests(DemoApp app) : IClassFixture<DemoApp>
{
    static readonly string[] AllStates =
        [TicketStates.New, TicketStates.InProgress, TicketStates.WaitingOnRequester, TicketStates.WaitingOnThirdParty, TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled];

    static readonly Dictionary<string, string[]> CategoriesByDesk = new(StringComparer.Ordinal)
    {
        ["it"] = ["hardware", "software", "network", "access", "email", "security"],
        ["facilities"] = ["workplace", "repairs", "meeting-rooms"],
        ["hr"] = ["payroll", "leave", "onboarding", "certificates"],
    };

    static readonly Dictionary<string, string> TechnicianByDesk = new(StringComparer.Ordinal)
    {
        ["it"] = "li.agent", ["facilities"] = "wang.fac", ["hr"] = "zhang.hr",
    };

    [Fact]
    public async Task Seeds_the_requested_tickets_across_desks_states_priorities_and_languages()
    {
        var tickets = await app.Db(db => db.Tickets.Include(t => t.Desk).AsNoTracking().ToListAsync());
        Assert.Equal(DemoApp.Tickets, tickets.Count);

        var byDesk = tickets.GroupBy(t => t.Desk!.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byDesk["it"] > byDesk["facilities"] && byDesk["facilities"] > byDesk["hr"] && byDesk["hr"] > 0,
            string.Join(", ", byDesk.Select(d => $"{d.Key} {d.Value}")));
        foreach (var state in AllStates) Assert.Contains(tickets, t => t.Status == state);
        foreach (var priority in Enum.GetValues<Priority>()) Assert.Contains(tickets, t => t.Priority == priority);
        Assert.Contains(tickets, t => t.Kind == TicketKind.Incident);
        Assert.Contains(tickets, t => t.Kind == TicketKind.Request);
        Assert.Contains(tickets, t => Cjk().IsMatch(t.Subject));
        Assert.Contains(tickets, t => !Cjk().IsMatch(t.Subject) && t.Subject.Any(char.IsAsciiLetter));
        foreach (var t in tickets)
        {
            Assert.Contains(t.Category, CategoriesByDesk[t.Desk!.Key]);
            Assert.False(string.IsNullOrEmpty(t.Service));
            Assert.Equal(PriorityMatrix.For(t.Impact, t.Urgency), t.Priority);
        }
        Assert.Contains(tickets, t => t.Fields.Contains("asset_tag", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Numbers_are_unique_and_sequential_per_desk_in_order_of_creation()
    {
        var (tickets, desks) = await app.Db(async db => (
            await db.Tickets.AsNoTracking().Select(t => new { t.DeskId, t.Number, t.CreatedAt }).ToListAsync(),
            await db.Desks.AsNoTracking().ToListAsync()));
        Assert.Equal(tickets.Count, tickets.Select(t => t.Number).Distinct().Count());
        foreach (var desk in desks)
        {
            var ours = tickets.Where(t => t.DeskId == desk.Id).OrderBy(t => t.Number, StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(1, ours.Count).Select(n => TicketNumbers.Format(desk.TicketPrefix, n)), ours.Select(t => t.Number));
            Assert.Equal(ours.Select(t => t.CreatedAt).Order(), ours.Select(t => t.CreatedAt));
            Assert.Equal(ours.Count, desk.LastNumber);
        }
        Assert.Contains(tickets, t => t.Number == "IT-000001");
    }

    [Fact]
    public async Task Times_tell_a_consistent_story()
    {
        var now = DateTimeOffset.UtcNow;
        var tickets = await app.Db(db => db.Tickets.Include(t => t.Comments).AsNoTracking().AsSplitQuery().ToListAsync());
        foreach (var t in tickets)
        {
            Assert.InRange(t.CreatedAt, now.AddDays(-92), now);
            Assert.True(t.UpdatedAt >= t.CreatedAt, t.Number);
            if (t.Status is TicketStates.Resolved or TicketStates.Closed)
            {
                Assert.NotNull(t.ResolvedAt);
                Assert.True(t.ResolvedAt >= t.CreatedAt, t.Number);
                Assert.NotNull(t.FirstRespondedAt);
            }
            else if (t.Status != TicketStates.Cancelled) Assert.Null(t.ResolvedAt);
            if (t.Status == TicketStates.Closed) Assert.True(t.ClosedAt >= t.ResolvedAt, t.Number);
            if (t.Status is TicketStates.Closed or TicketStates.Cancelled) Assert.NotNull(t.ClosedAt);
            else Assert.Null(t.ClosedAt);
            if (t.FirstRespondedAt is { } first) Assert.True(first >= t.CreatedAt, t.Number);
            // The SLA engine sets the due time (none while its clock is paused); it is never before creation.
            if (t.ResolutionDue is { } due) Assert.True(due > t.CreatedAt, t.Number);
            foreach (var c in t.Comments)
            {
                Assert.InRange(c.CreatedAt, t.CreatedAt, t.UpdatedAt);
            }
        }
    }

    [Fact]
    public async Task Worked_tickets_are_assigned_to_their_desks_group_and_technician()
    {
        var rows = await app.Db(async db => await db.Tickets.AsNoTracking()
            .Select(t => new { t.Number, t.Status, Desk = t.Desk!.Key, t.AssigneeGroup, Assignee = t.Assignee!.UserName, t.DeskId })
            .ToListAsync());
        foreach (var t in rows)
        {
            Assert.NotNull(t.AssigneeGroup);
            Assert.Equal(t.DeskId, t.AssigneeGroup!.DeskId);
            if (t.Status == TicketStates.New) Assert.Null(t.Assignee);
            else if (t.Status != TicketStates.Cancelled) Assert.Equal(TechnicianByDesk[t.Desk], t.Assignee);
            if (t.Assignee is not null) Assert.Equal(TechnicianByDesk[t.Desk], t.Assignee);
        }
    }

    [Fact]
    public async Task Hr_tickets_are_invisible_to_the_it_technician()
    {
        var hrCount = await app.Db(db => db.Tickets.CountAsync(t => t.Desk!.Key == "hr"));
        Assert.True(hrCount > 0);

        var li = await app.ClientFor("li.agent");
        var asLi = await (await li.GetAsync("/api/v1/tickets?desk=hr")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, asLi.GetProperty("total").GetInt32());
        Assert.Empty(asLi.GetProperty("items").EnumerateArray());

        var zhang = await app.ClientFor("zhang.hr");
        var asZhang = await (await zhang.GetAsync("/api/v1/tickets?desk=hr")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(hrCount, asZhang.GetProperty("total").GetInt32());

        // A direct look at an HR case is as good as a missing one.
        var hrId = await app.Db(db => db.Tickets.Where(t => t.Desk!.Key == "hr").Select(t => t.Id).FirstAsync());
        await (await li.GetAsync($"/api/v1/tickets/{hrId}")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.GetAsync($"/api/v1/tickets/{hrId}/comments")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Internal_notes_exist_and_are_hidden_from_requesters()
    {
        var withNotes = await app.Db(db => db.Tickets.AsNoTracking()
            .Where(t => t.Comments.Any(c => c.Internal))
            .Select(t => new
            {
                t.Id, t.Number, Requester = t.Requester!.UserName!, Desk = t.Desk!.Key,
                Public = t.Comments.Count(c => !c.Internal), All = t.Comments.Count,
            })
            .ToListAsync());
        Assert.NotEmpty(withNotes);

        // One ticket per requester is enough to prove the rule for everyone who asked.
        foreach (var t in withNotes.GroupBy(t => t.Requester).Select(g => g.First()))
        {
            var requester = await app.ClientFor(t.Requester);
            var seen = await (await requester.GetAsync($"/api/v1/tickets/{t.Id}/comments")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(t.Public, seen.GetArrayLength());
            Assert.DoesNotContain(seen.EnumerateArray(), c => c.GetProperty("internal").GetBoolean());

            var technician = await app.ClientFor(TechnicianByDesk[t.Desk]);
            var all = await (await technician.GetAsync($"/api/v1/tickets/{t.Id}/comments")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(t.All, all.GetArrayLength());
        }
    }

    [Fact]
    public async Task Conversations_watchers_and_history_are_there()
    {
        var (comments, watchers, created, requesters) = await app.Db(async db => (
            await db.Comments.AsNoTracking().Select(c => new { c.Body, c.Internal }).ToListAsync(),
            await db.TicketWatchers.CountAsync(),
            await db.TicketHistory.Where(h => h.Field == "created").Join(db.Tickets, h => h.TicketId, t => t.Id, (h, t) => new { h.ActorId, t.RequesterId, h.At, t.CreatedAt }).ToListAsync(),
            await db.Tickets.Select(t => t.RequesterId).Distinct().CountAsync()));
        Assert.Contains(comments, c => Cjk().IsMatch(c.Body) && !c.Internal);
        Assert.Contains(comments, c => !Cjk().IsMatch(c.Body) && !c.Internal);
        Assert.Contains(comments, c => c.Internal);
        Assert.True(watchers > 0);
        Assert.True(requesters >= 6);
        Assert.Equal(DemoApp.Tickets, created.Count);
        Assert.All(created, h => { Assert.Equal(h.RequesterId, h.ActorId); Assert.Equal(h.CreatedAt, h.At); });
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}

/// <summary>Seeding 300 tickets on a fresh database gives the same tickets for the same clock (speed is bench/'s job).</summary>
public sealed class DemoSeedingDeterminismTests(FlowdeskApp app) : IClassFixture<FlowdeskApp>
{
    [Fact]
    public async Task Three_hundred_tickets_seed_deterministically_for_a_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 16, 7, 30, 0, TimeSpan.Zero));
        await app.InScope(async sp =>
        {
            var db = sp.GetRequiredService<FlowdeskDb>();
            Assert.False(await db.Tickets.AnyAsync());
            var people = new DemoDirectory(await db.Users.ToDictionaryAsync(u => u.UserName!, StringComparer.Ordinal));
            var desks = new StandardDesks(await db.Desks.ToListAsync(), await db.Groups.ToListAsync());
            await DemoTickets.SeedAsync(db, people, desks, 300, clock, CancellationToken.None);
        });

        var seeded = await app.Db(db => db.Tickets.AsNoTracking().Select(t => new { t.Subject, t.Status, t.CreatedAt }).ToListAsync());
        Assert.Equal(300, seeded.Count);
        // The planner on its own, with the same clock, describes exactly the tickets in the database.
        var (people2, desks2) = DemoPlannerTests.Organisation();
        var planned = DemoTicketPlanner.Plan(people2, desks2, 300, clock.GetUtcNow());
        Assert.Equal(
            planned.Select(p => $"{p.CreatedAt.UtcTicks}|{p.Subject}|{p.Replay(clock.GetUtcNow()).Status}").Order(StringComparer.Ordinal),
            seeded.Select(t => $"{t.CreatedAt.UtcTicks}|{t.Subject}|{t.Status}").Order(StringComparer.Ordinal));
    }
}
