using System.Net;
using System.Net.Http.Json;
using System.Text;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Processes.Engine;

/// <summary>Every approval rule, conditions that skip stages, and delegation, on processes published through the API.</summary>
public sealed class ApprovalRuleTests(EngineApp app) : IClassFixture<EngineApp>
{
    /// <summary>Publishes a one-stage process whose approvers are bob, carol and li.agent with the given rule.</summary>
    async Task Publish(string key, string rule, string? extra = null)
    {
        var owner = await app.ClientFor("bob");
        var yaml = $$"""
            key: {{key}}
            name: { en: "Rule {{rule}}", zh-CN: "规则 {{rule}}" }
            desk: facilities
            kind: request
            catalog: { category: tests, audience: [everyone] }
            form:
              - { id: amount, type: number, required: true, label: { en: Amount, zh-CN: 金额 } }
            approvals:
              - { stage: small, approvers: [person:carol], when: "form.amount < 100" }
              - { stage: board, approvers: [person:bob, person:carol, person:li.agent], rule: {{rule}}{{extra}} }
            tasks:
              - { id: buy, title: { en: Buy it, zh-CN: 采购 }, group: facilities-ops }
            """;
        var draft = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.Created);
        await (await owner.PostAsync($"/api/v1/processes/{key}/versions/{draft.GetProperty("number").GetInt32()}/publish", null)).ShouldBe(HttpStatusCode.OK);
    }

    async Task<(string Id, string Number)> Order(string key, int amount)
    {
        var alice = await app.ClientFor("alice");
        var ticket = await (await alice.PostAsJsonAsync($"/api/v1/catalog/{key}/requests", new { fields = new { amount } })).ShouldBe(HttpStatusCode.Created);
        return (ticket.Id(), ticket.Str("number"));
    }

    async Task Decide(string user, string number, string decision, string stage = "board")
    {
        var client = await app.ClientFor(user);
        var pending = (await (await client.GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("ticket").Str("number") == number && a.Str("stage") == stage);
        await (await client.PostAsJsonAsync($"/api/v1/approvals/{pending.Str("id")}/{decision}", new { comment = $"{user} says {decision}" })).ShouldBe(HttpStatusCode.OK);
    }

    async Task<string> Status(string id) => (await (await (await app.ClientFor("alice")).GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK)).Str("status");

    async Task<List<string>> Decisions(string id) =>
        (await (await (await app.ClientFor("alice")).GetAsync($"/api/v1/tickets/{id}/approvals")).ShouldBe(HttpStatusCode.OK))
            .EnumerateArray().Where(a => a.Str("stage") == "board").Select(a => a.Str("decision")).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Any_passes_on_the_first_approval_and_closes_the_others()
    {
        await Publish("test.any", "any");
        var (id, number) = await Order("test.any", 500);
        await Decide("li.agent", number, "approve");
        Assert.Equal("in_progress", await Status(id));
        Assert.Equal(["approved", "cancelled", "cancelled"], await Decisions(id));
    }

    [Fact]
    public async Task Any_is_rejected_only_when_nobody_can_approve_any_more()
    {
        await Publish("test.any-reject", "any");
        var (id, number) = await Order("test.any-reject", 500);
        await Decide("bob", number, "reject");
        await Decide("carol", number, "reject");
        Assert.Equal("awaiting_approval", await Status(id));
        await Decide("li.agent", number, "reject");
        Assert.Equal("rejected", await Status(id));
    }

    [Fact]
    public async Task All_needs_every_approver_and_one_rejection_ends_it()
    {
        await Publish("test.all", "all");
        var (passing, passingNumber) = await Order("test.all", 500);
        await Decide("bob", passingNumber, "approve");
        await Decide("carol", passingNumber, "approve");
        Assert.Equal("awaiting_approval", await Status(passing));
        await Decide("li.agent", passingNumber, "approve");
        Assert.Equal("in_progress", await Status(passing));

        var (failing, failingNumber) = await Order("test.all", 500);
        await Decide("bob", failingNumber, "approve");
        await Decide("carol", failingNumber, "reject");
        Assert.Equal("rejected", await Status(failing));
        Assert.Equal(["approved", "cancelled", "rejected"], await Decisions(failing));
    }

    [Fact]
    public async Task Quorum_passes_at_N_approvals_and_fails_when_N_is_out_of_reach()
    {
        await Publish("test.quorum", "quorum", ", quorum: 2");
        var (passing, passingNumber) = await Order("test.quorum", 500);
        await Decide("bob", passingNumber, "reject");
        await Decide("carol", passingNumber, "approve");
        Assert.Equal("awaiting_approval", await Status(passing));
        await Decide("li.agent", passingNumber, "approve");
        Assert.Equal("in_progress", await Status(passing));

        var (failing, failingNumber) = await Order("test.quorum", 500);
        await Decide("bob", failingNumber, "reject");
        await Decide("li.agent", failingNumber, "reject");
        Assert.Equal("rejected", await Status(failing));
    }

    [Fact]
    public async Task A_stage_whose_condition_holds_runs_first_and_a_false_one_is_skipped()
    {
        await Publish("test.when", "any");
        var (small, smallNumber) = await Order("test.when", 50);
        await Decide("carol", smallNumber, "approve", stage: "small");
        Assert.Equal("awaiting_approval", await Status(small)); // the board stage follows
        var (large, largeNumber) = await Order("test.when", 5000);
        var history = (await (await (await app.ClientFor("alice")).GetAsync($"/api/v1/tickets/{large}/history")).ShouldBe(HttpStatusCode.OK)).EnumerateArray();
        Assert.Contains(history, h => h.Str("field") == "approval.small" && h.GetProperty("new").GetString() == "skipped");
        Assert.DoesNotContain((await (await (await app.ClientFor("carol")).GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            a => a.GetProperty("ticket").Str("number") == largeNumber && a.Str("stage") == "small");
    }

    [Fact]
    public async Task An_approver_who_is_away_is_replaced_by_their_delegate()
    {
        await Publish("test.delegate", "all");
        await app.InScope(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Flowdesk.People.Person>>();
            var carol = await users.FindByNameAsync("carol");
            var admin = await users.FindByNameAsync("admin");
            carol!.IsAway = true;
            carol.DelegateId = admin!.Id;
            await users.UpdateAsync(carol);
        });
        try
        {
            var (id, number) = await Order("test.delegate", 500);
            var adminApprovals = (await (await (await app.ClientFor("admin")).GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
                .Where(a => a.GetProperty("ticket").Str("number") == number).ToList();
            var delegated = Assert.Single(adminApprovals);
            Assert.Equal("carol", delegated.GetProperty("onBehalfOf").Str("username"));
            Assert.DoesNotContain((await (await (await app.ClientFor("carol")).GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
                a => a.GetProperty("ticket").Str("number") == number);
            await Decide("admin", number, "approve");
            await Decide("bob", number, "approve");
            await Decide("li.agent", number, "approve");
            Assert.Equal("in_progress", await Status(id));
        }
        finally
        {
            await app.InScope(async sp =>
            {
                var users = sp.GetRequiredService<UserManager<Flowdesk.People.Person>>();
                var carol = await users.FindByNameAsync("carol");
                carol!.IsAway = false;
                carol.DelegateId = null;
                await users.UpdateAsync(carol);
            });
        }
    }

    [Fact]
    public async Task A_document_with_errors_is_refused_with_lines_and_nothing_is_saved()
    {
        var owner = await app.ClientFor("bob");
        const string yaml = """
            key: test.broken
            name: { en: Broken, zh-CN: 坏的 }
            desk: facilities
            form:
              - { id: amount, type: number, label: { en: Amount, zh-CN: 金额 } }
            approvals:
              - { stage: one, approvers: [person:carol], when: "form.amount >" }
            tasks:
              - { id: first, title: { en: A, zh-CN: A }, group: facilities-ops, after: [second] }
              - { id: second, title: { en: B, zh-CN: B }, group: facilities-ops, after: [first] }
            """;
        var problem = await (await owner.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.BadRequest);
        var text = problem.GetProperty("errors").GetRawText();
        Assert.Contains("line", text, StringComparison.Ordinal);
        Assert.Contains("/approvals/0/when", problem.Errors().Keys);
        Assert.True(problem.Errors().Keys.Any(k => k.StartsWith("/tasks", StringComparison.Ordinal)), text);
        await (await owner.GetAsync("/api/v1/processes/test.broken")).ShouldBe(HttpStatusCode.NotFound);
    }
}
