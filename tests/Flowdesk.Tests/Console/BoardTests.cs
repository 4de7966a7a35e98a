using System.Net;
using System.Net.Http.Json;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Web.Components.Console;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Console;

/// <summary>The board's data and moves, without a browser: the same scoping and rules as the API.</summary>
public sealed class BoardTests(FlowdeskApp app) : IClassFixture<FlowdeskApp>
{
    static readonly Dictionary<string, int> NoLimits = [];

    [Fact]
    public async Task ItBoard_ShowsItTickets_NeverHrOnes()
    {
        var it = await (await app.ClientFor("alice")).CreateTicket("it", "Board: VPN drops");
        var hr = await (await app.ClientFor("carol")).CreateTicket("hr", "Board: 工资条有误", "request");

        var board = await As("li.agent", (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("it", null, null, NoLimits), default));
        var cards = board.Columns.SelectMany(c => c.Cards).Select(c => c.Number).ToList();
        Assert.Contains(it.Str("number"), cards);
        Assert.DoesNotContain(hr.Str("number"), cards);
        // The columns are the states of the built-in workflows and of the desk's processes: the incident's in its own
        // order, and the approval state of the IT desk's laptop request among them.
        var states = board.Columns.Select(c => c.State).ToList();
        Assert.Equal(BuiltInWorkflows.Incident.States, states.Where(BuiltInWorkflows.Incident.States.Contains));
        Assert.Contains(ProcessWorkflows.AwaitingApproval, states);
        Assert.Equal(board.Columns.Sum(c => c.Cards.Count), board.Columns.Sum(c => c.Count));

        // Asking for the HR board by its key shows nothing: it is not one of the technician's desks.
        var hrBoard = await As("li.agent", (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("hr", null, null, NoLimits), default));
        Assert.Null(hrBoard.Desk);
        Assert.Empty(hrBoard.Columns);
    }

    [Fact]
    public async Task Move_FromNewToClosed_IsRefusedWithTheWorkflowReason()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Board: refused move");
        var result = await Move("li.agent", ticket, version: 1, TicketStates.Closed);
        Assert.Equal(MoveOutcome.Refused, result.Outcome);
        Assert.Equal("not_allowed", result.Reason);
        Assert.Equal(TicketStates.New, await Status(ticket));
    }

    [Fact]
    public async Task Move_WithTheVersionSeen_Moves_AndAnOutOfDateCardIsRefused()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Board: stale card");
        Assert.Equal(MoveOutcome.Moved, (await Move("li.agent", ticket, version: 1, TicketStates.InProgress)).Outcome);
        Assert.Equal(TicketStates.InProgress, await Status(ticket));

        // Someone else's view still shows version 1.
        var stale = await Move("li.agent", ticket, version: 1, TicketStates.WaitingOnRequester);
        Assert.Equal(MoveOutcome.Stale, stale.Outcome);
        Assert.Equal(TicketStates.InProgress, await Status(ticket));

        var api = await (await app.ClientFor("li.agent")).GetAsync($"/api/v1/tickets/{ticket.Id()}");
        Assert.Equal("\"2\"", api.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task HrTechnician_CannotMoveAnItTicket_ItIsNotFound()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Board: not yours");
        Assert.Equal(MoveOutcome.NotFound, (await Move("zhang.hr", ticket, version: 1, TicketStates.InProgress)).Outcome);
        Assert.Equal(TicketStates.New, await Status(ticket));
    }

    [Fact]
    public async Task Requester_MayCancelOwnTicket_ButNotStartWorkOnIt()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Board: requester moves");
        var refused = await Move("alice", ticket, version: 1, TicketStates.InProgress);
        Assert.Equal(MoveOutcome.Refused, refused.Outcome);
        Assert.Equal("not_allowed_for_actor", refused.Reason);
        Assert.Equal(MoveOutcome.Moved, (await Move("alice", ticket, version: 1, TicketStates.Cancelled)).Outcome);
    }

    [Fact]
    public async Task Queues_MineGroupsUnassigned_AreScopedToTheTechnician()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Queue: assign me");
        var li = await app.ClientFor("li.agent");
        var assigned = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { assignee = "li.agent", assigneeGroup = "it-desktop" }, "\"1\"");
        await assigned.ShouldBe(HttpStatusCode.OK);
        await (await app.ClientFor("carol")).CreateTicket("hr", "Queue: 不可见的人事工单", "request");

        QueueFilter Filter(QueueKind kind) => new(kind, QueueFilter.Open, null, null, QueueFilter.DefaultSort, 1);
        var mine = await As("li.agent", (db, caller) => QueueQuery.LoadAsync(db, caller, Filter(QueueKind.Mine), default));
        var groups = await As("li.agent", (db, caller) => QueueQuery.LoadAsync(db, caller, Filter(QueueKind.Groups), default));
        var all = await As("li.agent", (db, caller) => QueueQuery.LoadAsync(db, caller, Filter(QueueKind.All), default));

        Assert.Contains(mine.Rows, r => r.Number == ticket.Str("number"));
        Assert.Contains(groups.Rows, r => r.Number == ticket.Str("number"));
        Assert.DoesNotContain(all.Rows, r => r.Desk.Contains("HR", StringComparison.OrdinalIgnoreCase) || r.Subject.Contains("人事"));
        Assert.All(all.Desks, d => Assert.NotEqual("hr", d.Key));
    }

    [Theory]
    [InlineData("in_progress:5,new:20", "in_progress", 5)]
    [InlineData("in_progress:0,Bo-gus:3,new:x", "in_progress", null)]
    public void WipLimits_ComeFromTheAddress(string text, string state, int? limit)
    {
        var limits = BoardQuery.ParseWip(text);
        Assert.Equal(limit, limits.TryGetValue(state, out var value) ? value : null);
        Assert.DoesNotContain("Bo-gus", limits.Keys);
        Assert.DoesNotContain("new", limits.Keys.Where(_ => text.Contains("new:x", StringComparison.Ordinal)));
    }

    [Fact]
    public void States_OfSeveralVersions_MergeInTheirOwnOrder()
    {
        var merged = BoardQuery.MergeStates([
            ["new", "in_progress", "resolved", "closed"],
            ["new", "awaiting_approval", "in_progress", "resolved", "closed", "rejected"],
            ["triage", "new"]]);
        Assert.Equal(["triage", "new", "awaiting_approval", "in_progress", "resolved", "closed", "rejected"], merged);
    }

    [Fact]
    public async Task EachCard_OffersTheMovesOfItsOwnPinnedVersion_AndTheColumnsAreThatProcesssStates()
    {
        var admin = await app.ClientFor("admin");
        var alice = await app.ClientFor("alice");
        const string v1 = """
            key: test.board-pins
            name: { en: Board pins, zh-CN: 看板版本 }
            desk: it
            kind: request
            catalog: { category: hardware }
            form:
              - { id: what, type: text, required: true, label: { en: What, zh-CN: 什么 } }
            states:
              - { id: open, category: open, name: { en: Open, zh-CN: 待处理 } }
              - { id: fixing, category: open, name: { en: Fixing, zh-CN: 修理中 } }
              - { id: done, category: resolved }
              - { id: closed, category: closed }
            transitions:
              - { from: open, to: fixing, by: staff }
              - { from: fixing, to: done, by: staff }
              - { from: done, to: closed, by: anyone }
            """;
        await Publish(admin, v1, 1);
        var first = await Order(alice);
        await Publish(admin, v1.Replace("  - { from: done, to: closed, by: anyone }", "  - { from: done, to: closed, by: anyone }\n  - { from: open, to: done, by: staff }"), 2);
        var second = await Order(alice);

        var board = await As("li.agent", (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("it", null, null, NoLimits, "test.board-pins"), default));
        Assert.Equal(["open", "fixing", "done", "closed"], board.Columns.Select(c => c.State));
        Assert.Equal("Open", board.Columns[0].Name);
        var cards = board.Columns[0].Cards.ToDictionary(c => c.Number);
        Assert.Equal(["fixing"], cards[first.Str("number")].Targets);
        Assert.Equal(["done", "fixing"], cards[second.Str("number")].Targets.Order());

        // The move follows the same pinned version: refused for the v1 card, done for the v2 one.
        var refused = await Move("li.agent", first, await Version(first), "done");
        Assert.Equal(MoveOutcome.Refused, refused.Outcome);
        Assert.Equal("not_allowed", refused.Reason);
        var moved = await Move("li.agent", second, await Version(second), "done");
        Assert.Equal(MoveOutcome.Moved, moved.Outcome);
    }

    [Fact]
    public async Task AColumn_ShowsAPageOfCards_AndMoreOnRequest_WhileCountingThemAll()
    {
        var person = await app.CreatePersonAsync("board.many");
        var client = await app.ClientFor(person.UserName!);
        for (var i = 0; i < BoardQuery.CardsPerColumn + 5; i++) await client.CreateTicket("facilities", $"Board: lamp {i}", "request");

        var admin = "admin"; // facilities is staffed by nobody in the demo; the admin works on every open desk
        var first = await As(admin, (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("facilities", null, null, NoLimits), default));
        var column = first.Columns.Single(c => c.State == TicketStates.New);
        Assert.Equal(BoardQuery.CardsPerColumn, column.Cards.Count);
        Assert.True(column.Count >= BoardQuery.CardsPerColumn + 5);

        var more = await As(admin, (db, caller) => BoardQuery.LoadAsync(db, caller,
            new BoardFilter("facilities", null, null, NoLimits, Shown: new Dictionary<string, int> { [TicketStates.New] = column.Count }), default));
        Assert.Equal(column.Count, more.Columns.Single(c => c.State == TicketStates.New).Cards.Count);
    }

    static async Task Publish(HttpClient admin, string yaml, int number)
    {
        var saved = await admin.PostAsync("/api/v1/processes", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        await saved.ShouldBe(HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/v1/processes/test.board-pins/versions/{number}/publish", null)).ShouldBe(HttpStatusCode.OK);
    }

    static async Task<System.Text.Json.JsonElement> Order(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/v1/catalog/test.board-pins/requests", new { fields = new { what = "A wobbly desk" } });
        return await response.ShouldBe(HttpStatusCode.Created);
    }

    Task<int> Version(System.Text.Json.JsonElement ticket) =>
        app.Db(db => db.Tickets.Where(t => t.Id == Guid.Parse(ticket.Id())).Select(t => t.Version).SingleAsync());

    Task<MoveResult> Move(string userName, System.Text.Json.JsonElement ticket, int version, string to) =>
        As(userName, (db, caller) => MoveCard.RunAsync(db, caller, Guid.Parse(ticket.Id()), version, to, TimeProvider.System, default));

    Task<string> Status(System.Text.Json.JsonElement ticket) =>
        app.Db(db => db.Tickets.Where(t => t.Id == Guid.Parse(ticket.Id())).Select(t => t.Status).SingleAsync());

    [Fact]
    public async Task FinishedColumns_HoldTheRecentDaysOnly_AndOpenOnesEverything()
    {
        var alice = await app.ClientFor("alice");
        var older = await alice.CreateTicket("it", "Board: finished a while ago");
        var newer = await alice.CreateTicket("it", "Board: finished just now");
        var now = DateTimeOffset.UtcNow;
        await Finish(older, now.AddDays(-(BoardQuery.RecentDays + 1)));
        await Finish(newer, now.AddMinutes(-1));

        var board = await As("li.agent", (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("it", null, null, NoLimits, Now: now), default));
        var closed = board.Columns.Single(c => c.State == TicketStates.Closed);
        Assert.True(closed.Finished);
        Assert.Contains(newer.Str("number"), closed.Cards.Select(c => c.Number));
        Assert.DoesNotContain(older.Str("number"), closed.Cards.Select(c => c.Number));
        Assert.False(board.Columns.Single(c => c.State == TicketStates.New).Finished);

        // Two weeks on, neither is on the board any more; the count says so too.
        var later = await As("li.agent", (db, caller) => BoardQuery.LoadAsync(db, caller, new BoardFilter("it", null, null, NoLimits, Now: now.AddDays(BoardQuery.RecentDays + 1)), default));
        var closedLater = later.Columns.Single(c => c.State == TicketStates.Closed);
        Assert.DoesNotContain(newer.Str("number"), closedLater.Cards.Select(c => c.Number));
        Assert.True(closedLater.Count < closed.Count, $"{closedLater.Count} closed two weeks on, {closed.Count} now");
    }

    Task<int> Finish(System.Text.Json.JsonElement ticket, DateTimeOffset at)
    {
        var id = Guid.Parse(ticket.Id());
        return app.Db(db => db.Tickets.Where(t => t.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.Status, TicketStates.Closed).SetProperty(t => t.ResolvedAt, at).SetProperty(t => t.ClosedAt, at).SetProperty(t => t.UpdatedAt, at)));
    }

    Task<T> As<T>(string userName, Func<FlowdeskDb, Caller, Task<T>> work) => app.InScope(async sp =>
    {
        var db = sp.GetRequiredService<FlowdeskDb>();
        var id = await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
        var caller = await Caller.LoadAsync(db, id, default) ?? throw new InvalidOperationException(userName);
        return await work(db, caller);
    });
}
