using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flowdesk.Jobs;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Jobs;

public sealed class TimedRulesApp : JobsApp;

/// <summary>
/// Time-based rules and approval reminders end to end through the API, the jobs run by the job runner on a fake clock.
/// it.incident ships with "closed 5 days after resolved, unless reopened".
/// </summary>
public sealed class TimedRulesTests(TimedRulesApp app) : IClassFixture<TimedRulesApp>
{
    async Task RunJob(string name)
    {
        var run = await app.Runner.RunNowAsync(name, app.Clock.GetUtcNow());
        Assert.NotNull(run);
        Assert.True(run.Succeeded, run.Error);
    }

    static async Task<JsonElement> Order(HttpClient client, string key, object fields) =>
        await (await client.PostAsJsonAsync($"/api/v1/catalog/{key}/requests", new { fields })).ShouldBe(HttpStatusCode.Created);

    static async Task<JsonElement> Move(HttpClient client, string id, string to) =>
        await (await client.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to })).ShouldBe(HttpStatusCode.OK);

    static async Task<string> Status(HttpClient client, string id) =>
        (await (await client.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK)).Str("status");

    Task<List<TimedRuleRun>> Runs(string id) =>
        app.Db(db => db.TimedRuleRuns.AsNoTracking().Where(r => r.TicketId == Guid.Parse(id)).OrderBy(r => r.AnchoredAt).ThenBy(r => r.Id).ToListAsync());

    [Fact]
    public async Task ResolvedIncident_IsClosedFiveDaysLater_Once()
    {
        var alice = await app.Client("alice");
        var li = await app.Client("li.agent");
        var ticket = await Order(alice, "it.incident", new { what = "Outlook crashes on start", impact = "low", urgency = "medium" });
        var id = ticket.Id();
        await Move(li, id, "resolved");
        var run = Assert.Single(await Runs(id));
        Assert.Equal(TimedRuleStatus.Pending, run.Status);
        Assert.Equal("state_entered:resolved", run.Anchor);
        Assert.Equal("resolved", run.AnchorStatus);
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromDays(5), run.DueAt);

        app.Clock.Advance(TimeSpan.FromDays(5) - TimeSpan.FromMinutes(1));
        await RunJob("rules.timed");
        Assert.Equal("resolved", await Status(alice, id));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunJob("rules.timed");
        Assert.Equal("closed", await Status(alice, id));
        Assert.Equal(TimedRuleStatus.Fired, Assert.Single(await Runs(id)).Status);
        var history = await (await alice.GetAsync($"/api/v1/tickets/{id}/history")).ShouldBe(HttpStatusCode.OK);
        var closed = Assert.Single(history.EnumerateArray(), h => h.Str("field") == "status" && h.Str("new") == "closed");
        Assert.Equal("flowdesk-automation", closed.GetProperty("actor").Str("username"));
        var payloads = await app.Db(db => db.OutboxMessages.Where(m => m.TicketId == Guid.Parse(id)).Select(m => m.Payload).ToListAsync());
        Assert.Single(payloads, p => p.Contains("\"auto-closed\"", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromDays(1));
        await RunJob("rules.timed");
        Assert.Single(await Runs(id));
        Assert.Equal("closed", await Status(alice, id));
    }

    [Fact]
    public async Task ReopenedIncident_IsNotClosed_AndAResolveAfterwardsCountsAfresh()
    {
        var alice = await app.Client("alice");
        var li = await app.Client("li.agent");
        var ticket = await Order(alice, "it.incident", new { what = "Wi-Fi drops in room 3F", impact = "medium", urgency = "medium" });
        var id = ticket.Id();
        await Move(li, id, "resolved");
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Move(alice, id, "in_progress"); // the requester reopens: the fix did not work

        app.Clock.Advance(TimeSpan.FromDays(4));
        await RunJob("rules.timed");
        Assert.Equal("in_progress", await Status(alice, id));
        var skipped = Assert.Single(await Runs(id));
        Assert.Equal(TimedRuleStatus.Skipped, skipped.Status);
        Assert.Equal("moved_on", skipped.Outcome);

        await Move(li, id, "resolved");
        var resolvedAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(3));
        await RunJob("rules.timed");
        Assert.Equal("resolved", await Status(alice, id));
        app.Clock.SetUtcNow(resolvedAt + TimeSpan.FromDays(5));
        await RunJob("rules.timed");
        Assert.Equal("closed", await Status(alice, id));
        Assert.Equal([TimedRuleStatus.Skipped, TimedRuleStatus.Fired], (await Runs(id)).Select(r => r.Status));
    }

    [Fact]
    public async Task TimedRule_ChecksItsConditionAgain_WhenItComesDue()
    {
        var owner = await app.Client("bob");
        const string yaml = """
            key: test.timed
            name: { en: Timed, zh-CN: 定时 }
            desk: facilities
            kind: incident
            catalog: { category: tests, audience: [everyone] }
            form:
              - { id: room, type: text, label: { en: Room, zh-CN: 房间 } }
            rules:
              - { on: "state_entered:waiting_on_requester", after: 3d, when: "ticket.priority != 'p1'", do: [ { notify: requester, template: still-waiting } ] }
            """;
        var draft = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.Created);
        await (await owner.PostAsync($"/api/v1/processes/test.timed/versions/{draft.GetProperty("number").GetInt32()}/publish", null)).ShouldBe(HttpStatusCode.OK);
        var exported = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/processes/test.timed/versions/{draft.GetProperty("number").GetInt32()}")
        {
            Headers = { { "Accept", "application/yaml" } },
        });
        Assert.Contains("after: 3d", await exported.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var alice = await app.Client("alice");
        var wang = await app.Client("wang.fac");
        var quiet = await Order(alice, "test.timed", new { room = "12A" });
        var urgent = await Order(alice, "test.timed", new { room = "12B" });
        await Move(wang, quiet.Id(), "waiting_on_requester");
        await Move(wang, urgent.Id(), "waiting_on_requester");
        var etag = (await wang.GetAsync($"/api/v1/tickets/{urgent.Id()}")).Headers.ETag!.Tag;
        await (await wang.PatchJson($"/api/v1/tickets/{urgent.Id()}", new { priority = "p1" }, etag)).ShouldBe(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(3));
        await RunJob("rules.timed");
        Assert.Equal(TimedRuleStatus.Fired, Assert.Single(await Runs(quiet.Id())).Status);
        var skipped = Assert.Single(await Runs(urgent.Id()));
        Assert.Equal(TimedRuleStatus.Skipped, skipped.Status);
        Assert.Equal("condition_false", skipped.Outcome);
        var reminders = await app.Db(db => db.OutboxMessages.Where(m => m.Payload.Contains("still-waiting")).Select(m => m.TicketId).ToListAsync());
        Assert.Equal([Guid.Parse(quiet.Id())], reminders);
    }

    [Theory]
    [InlineData("rules:\n  - { on: created, after: soon, do: [ { notify: requester } ] }", "/rules/0/after")]
    [InlineData("approvals:\n  - { stage: boss, approvers: [person:carol], remindEvery: 1d }", "/approvals/0/remindEvery")]
    public async Task Documents_RefuseABadAfter_AndARepeatWithoutAFirstReminder(string part, string path)
    {
        var owner = await app.Client("bob");
        var yaml = "key: test.badtimed\nname: { en: Bad, zh-CN: 错误 }\ndesk: facilities\n" + part + "\n";
        var problem = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(path, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingApproval_IsRemindedOnce_WhenTheStageRemindsOnce()
    {
        var alice = await app.Client("alice");
        var ticket = await Order(alice, "it.laptop", new { model = "standard", reason = "Battery is swollen" });
        var id = Guid.Parse(ticket.Id());
        Task<int> Reminders() => app.Db(db => db.OutboxMessages.CountAsync(m => m.TicketId == id && m.Payload.Contains("\"approval.reminder\"")));

        app.Clock.Advance(TimeSpan.FromHours(23));
        await RunJob("approvals.remind");
        Assert.Equal(0, await Reminders());
        app.Clock.Advance(TimeSpan.FromHours(1));
        await RunJob("approvals.remind");
        Assert.Equal(1, await Reminders());
        var payload = await app.Db(db => db.OutboxMessages.Where(m => m.TicketId == id && m.Payload.Contains("\"approval.reminder\"")).Select(m => m.Payload).SingleAsync());
        using var json = JsonDocument.Parse(payload);
        var bobId = await app.Db(db => db.Users.Where(u => u.UserName == "bob").Select(u => u.Id).SingleAsync());
        Assert.Equal(bobId, json.RootElement.GetProperty("recipients")[0].GetGuid());
        Assert.Equal("manager", json.RootElement.Str("stage"));

        app.Clock.Advance(TimeSpan.FromDays(3));
        await RunJob("approvals.remind");
        Assert.Equal(1, await Reminders());
        var remindAt = await app.Db(db => db.Approvals.Where(a => a.TicketId == id).Select(a => a.RemindAt).SingleAsync());
        Assert.Null(remindAt);
    }

    [Fact]
    public async Task PendingApproval_IsRemindedAgain_EveryInterval_UntilDecided()
    {
        var owner = await app.Client("bob");
        const string yaml = """
            key: test.remind
            name: { en: Remind, zh-CN: 提醒 }
            desk: facilities
            kind: request
            catalog: { category: tests, audience: [everyone] }
            form:
              - { id: what, type: text, label: { en: What, zh-CN: 什么 } }
            approvals:
              - { stage: boss, approvers: [person:carol], remindAfter: 4h, remindEvery: 1d }
            """;
        var draft = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.Created);
        await (await owner.PostAsync($"/api/v1/processes/test.remind/versions/{draft.GetProperty("number").GetInt32()}/publish", null)).ShouldBe(HttpStatusCode.OK);
        var alice = await app.Client("alice");
        var carol = await app.Client("carol");
        var ticket = await Order(alice, "test.remind", new { what = "A second monitor" });
        var id = Guid.Parse(ticket.Id());
        Task<int> Reminders() => app.Db(db => db.OutboxMessages.CountAsync(m => m.TicketId == id && m.Payload.Contains("\"approval.reminder\"")));

        app.Clock.Advance(TimeSpan.FromHours(4));
        await RunJob("approvals.remind");
        await RunJob("approvals.remind");
        Assert.Equal(1, await Reminders());
        app.Clock.Advance(TimeSpan.FromDays(1));
        await RunJob("approvals.remind");
        Assert.Equal(2, await Reminders());

        var approval = (await (await carol.GetAsync("/api/v1/approvals?state=pending")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("ticket").Str("number") == ticket.Str("number"));
        await (await carol.PostAsJsonAsync($"/api/v1/approvals/{approval.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromDays(2));
        await RunJob("approvals.remind");
        Assert.Equal(2, await Reminders());
    }
}
