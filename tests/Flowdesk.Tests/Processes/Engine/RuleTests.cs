using System.Net;
using System.Net.Http.Json;
using System.Text;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Processes.Engine;

/// <summary>Rules fire on their triggers, in the same transaction as the change.</summary>
public sealed class RuleTests(EngineApp app) : IClassFixture<EngineApp>
{
    [Fact]
    public async Task A_field_change_and_a_state_entered_fire_their_rules()
    {
        var owner = await app.ClientFor("bob");
        const string yaml = """
            key: test.rules
            name: { en: Rules, zh-CN: 规则 }
            desk: facilities
            kind: incident
            catalog: { category: tests, audience: [everyone] }
            form:
              - { id: room, type: text, label: { en: Room, zh-CN: 房间 } }
            rules:
              - { on: "field_changed:priority", when: "ticket.priority == 'p1'", do: [ { addWatcher: carol }, { notify: group, template: p1-raised } ] }
              - { on: "state_entered:waiting_on_third_party", do: [ { set: { category: vendor } } ] }
            """;
        var draft = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.Created);
        await (await owner.PostAsync($"/api/v1/processes/test.rules/versions/{draft.GetProperty("number").GetInt32()}/publish", null)).ShouldBe(HttpStatusCode.OK);

        var alice = await app.ClientFor("alice");
        var wang = await app.ClientFor("wang.fac");
        var ticket = await (await alice.PostAsJsonAsync("/api/v1/catalog/test.rules/requests", new { fields = new { room = "12A" } })).ShouldBe(HttpStatusCode.Created);
        Assert.DoesNotContain("carol", ticket.GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));

        var etag = (await wang.GetAsync($"/api/v1/tickets/{ticket.Id()}")).Headers.ETag!.Tag;
        var lowered = await wang.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { priority = "p2" }, etag);
        var afterP2 = await lowered.ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("carol", afterP2.GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));
        var raised = await (await wang.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { priority = "p1" }, lowered.Headers.ETag!.Tag)).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("carol", raised.GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));

        var waiting = await (await wang.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/transitions", new { to = "waiting_on_third_party" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("vendor", waiting.Str("category"));
    }
}

/// <summary>Version analytics: each version's tickets, resolution, satisfaction and where they waited.</summary>
public sealed class ProcessMetricsTests(EngineApp app) : IClassFixture<EngineApp>
{
    [Fact]
    public async Task Metrics_count_each_versions_tickets_and_show_where_they_waited()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var li = await app.ClientFor("li.agent");
        async Task<System.Text.Json.JsonElement> Order(string reason) =>
            await (await alice.PostAsJsonAsync("/api/v1/catalog/it.laptop/requests", new { fields = new { model = "standard", reason } }))
                .ShouldBe(HttpStatusCode.Created);
        async Task Fulfil(System.Text.Json.JsonElement ticket)
        {
            var approval = (await (await bob.GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
                .Single(a => a.GetProperty("ticket").Str("number") == ticket.Str("number"));
            await (await bob.PostAsJsonAsync($"/api/v1/approvals/{approval.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.OK);
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var open = (await (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}/tasks")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().First(t => t.Str("status") == "open");
                await (await li.PostAsJsonAsync($"/api/v1/tasks/{open.Str("id")}/complete", new { })).ShouldBe(HttpStatusCode.OK);
            }
        }
        var ticket = await Order("metrics");
        await Fulfil(ticket);
        var waiting = await Order("still waiting");

        var metrics = await (await bob.GetAsync("/api/v1/processes/it.laptop/metrics")).ShouldBe(HttpStatusCode.OK);
        var v2 = metrics.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal(2, v2.GetProperty("tickets").GetInt32());
        Assert.Equal(1, v2.GetProperty("resolved").GetInt32());
        Assert.True(v2.GetProperty("medianResolutionHours").GetDouble() >= 0);
        Assert.Contains("awaiting_approval", v2.GetProperty("hoursPerState").EnumerateObject().Select(p => p.Name));
        Assert.Contains("manager", v2.GetProperty("hoursPerApprovalStage").EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, v2.GetProperty("satisfaction").ValueKind);
        Assert.Equal(0, v2.GetProperty("satisfactionAnswers").GetInt32());

        // The requester rates the resolved request: the version's satisfaction is the average of its answers.
        await (await alice.PutAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/survey", new { rating = 4 })).ShouldBe(HttpStatusCode.NoContent);
        metrics = await (await bob.GetAsync("/api/v1/processes/it.laptop/metrics")).ShouldBe(HttpStatusCode.OK);
        v2 = metrics.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal(4.0, v2.GetProperty("satisfaction").GetDouble());
        Assert.Equal(1, v2.GetProperty("satisfactionAnswers").GetInt32());
        await (await alice.PutAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/survey", new { rating = 2 })).ShouldBe(HttpStatusCode.NoContent);
        metrics = await (await bob.GetAsync("/api/v1/processes/it.laptop/metrics")).ShouldBe(HttpStatusCode.OK);
        v2 = metrics.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal(2.0, v2.GetProperty("satisfaction").GetDouble()); // answering again replaces the rating
        Assert.Equal(1, v2.GetProperty("satisfactionAnswers").GetInt32());

        // A second request, fulfilled and rated 5: the average of 2 and 5.
        await Fulfil(waiting);
        await (await alice.PutAsJsonAsync($"/api/v1/tickets/{waiting.Id()}/survey", new { rating = 5 })).ShouldBe(HttpStatusCode.NoContent);
        metrics = await (await bob.GetAsync("/api/v1/processes/it.laptop/metrics")).ShouldBe(HttpStatusCode.OK);
        v2 = metrics.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal(3.5, v2.GetProperty("satisfaction").GetDouble());
        Assert.Equal(2, v2.GetProperty("satisfactionAnswers").GetInt32());
        Assert.Equal(2, v2.GetProperty("resolved").GetInt32());

        await (await alice.GetAsync("/api/v1/processes/it.laptop/metrics")).ShouldBe(HttpStatusCode.NotFound);
        var bad = await (await bob.GetAsync("/api/v1/processes/it.laptop/metrics?from=someday")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(bad.Errors().ContainsKey("from"));
    }
}
