using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Tickets;

/// <summary>Bulk work answers per ticket (some done, some refused with the reason); saved views belong to their owner.</summary>
[Collection(ApiCollection.Name)]
public sealed class BulkAndSavedViewApiTests(FlowdeskApp app)
{
    [Fact]
    public async Task BulkTransition_MovesWhatTheProcessAllows_AndSaysWhyTheRestWasRefused()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var fresh = await alice.CreateTicket(subject: "Bulk: fresh");
        var resolved = await alice.CreateTicket(subject: "Bulk: resolved");
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{resolved.Id()}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.OK);
        var hr = await (await app.ClientFor("carol")).CreateTicket("hr", "Bulk: 人事", "request");

        var response = await li.PostAsJsonAsync("/api/v1/tickets/bulk",
            new { action = "close", tickets = new[] { fresh.Str("number"), resolved.Id(), hr.Str("number") } });
        var result = await response.ShouldBe(HttpStatusCode.OK);
        var items = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal(1, result.GetProperty("done").GetInt32());

        var refused = items[0];
        Assert.Equal("refused", refused.Str("outcome"));
        Assert.Equal("not_allowed", refused.Str("reason"));
        Assert.Contains(fresh.Str("number"), refused.Str("message"));
        Assert.Equal("done", items[1].Str("outcome"));
        Assert.Equal("closed", items[1].Str("status"));
        // The HR case answers exactly like a ticket that does not exist.
        Assert.Equal("not_found", items[2].Str("outcome"));
        Assert.False(items[2].TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null);

        var after = await (await li.GetAsync($"/api/v1/tickets/{fresh.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("new", after.Str("status"));
    }

    [Fact]
    public async Task BulkAssign_ToMe_AssignsEach_AndARequesterIsRefusedPerTicket()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var one = await alice.CreateTicket(subject: "Bulk: assign one");
        var two = await alice.CreateTicket(subject: "Bulk: assign two");

        var done = await (await li.PostAsJsonAsync("/api/v1/tickets/bulk", new { action = "assign", assignee = "me", group = "service-desk", tickets = new[] { one.Id(), two.Id() } })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, done.GetProperty("done").GetInt32());
        var ticket = await (await li.GetAsync($"/api/v1/tickets/{two.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("li.agent", ticket.GetProperty("assignee").Str("username"));
        Assert.Equal("service-desk", ticket.GetProperty("assigneeGroup").Str("key"));

        var requester = await (await alice.PostAsJsonAsync("/api/v1/tickets/bulk", new { action = "assign", assignee = "me", tickets = new[] { one.Id() } })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("forbidden", requester.GetProperty("results")[0].Str("outcome"));

        var stranger = await (await li.PostAsJsonAsync("/api/v1/tickets/bulk", new { action = "assign", assignee = "zhang.hr", tickets = new[] { one.Id() } })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("assignee_not_staff", stranger.GetProperty("results")[0].Str("reason"));
    }

    [Theory]
    [InlineData("{\"action\":\"close\",\"tickets\":[]}", "tickets")]
    [InlineData("{\"action\":\"explode\",\"tickets\":[\"IT-000001\"]}", "action")]
    [InlineData("{\"action\":\"transition\",\"tickets\":[\"IT-000001\"]}", "to")]
    [InlineData("{\"action\":\"assign\",\"tickets\":[\"IT-000001\"]}", "assignee")]
    [InlineData("{\"action\":\"assign\",\"assignee\":42,\"tickets\":[\"IT-000001\"]}", "assignee")]
    public async Task Bulk_WithBadInput_Answers400(string body, string field)
    {
        var li = await app.ClientFor("li.agent");
        var problem = await (await li.PostJson("/api/v1/tickets/bulk", body)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors().Keys);
    }

    [Fact]
    public async Task Bulk_OfMoreThan200Tickets_IsRefused()
    {
        var li = await app.ClientFor("li.agent");
        var tickets = Enumerable.Range(1, 201).Select(i => $"IT-{i:D6}").ToArray();
        var problem = await (await li.PostAsJsonAsync("/api/v1/tickets/bulk", new { action = "close", tickets })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("tickets", problem.Errors().Keys);
    }

    [Fact]
    public async Task SavedViews_CreateListUpdateDelete_WithETags()
    {
        var person = await app.CreatePersonAsync("views.owner", staffOfDesk: "it");
        var client = await app.ClientFor(person.UserName!);
        var created = await client.PostAsJsonAsync("/api/v1/me/views",
            new { name = "P1 on IT", filters = new { queue = "all", desk = "it", priority = "p1" }, sort = "-updated", columns = new[] { "number", "subject", "due" } });
        var view = await created.ShouldBe(HttpStatusCode.Created);
        var etag = created.Headers.ETag!.Tag;
        Assert.Equal("p1", view.GetProperty("filters").Str("priority"));
        Assert.Equal(["number", "subject", "due"], view.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!));

        var list = await (await client.GetAsync("/api/v1/me/views")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("P1 on IT", Assert.Single(list.EnumerateArray()).Str("name"));

        var url = $"/api/v1/me/views/{view.Str("id")}";
        var body = new { name = "P1 and P2 on IT", filters = new { queue = "all", desk = "it" }, sort = "due" };
        await (await Put(client, url, body, null)).ShouldBe((HttpStatusCode)428);
        var updated = await Put(client, url, body, etag);
        Assert.Equal("P1 and P2 on IT", (await updated.ShouldBe(HttpStatusCode.OK)).Str("name"));
        await (await Put(client, url, body, etag)).ShouldBe(HttpStatusCode.PreconditionFailed);

        // Same name twice is a conflict.
        await (await client.PostAsJsonAsync("/api/v1/me/views", new { name = "P1 and P2 on IT" })).ShouldBe(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(url)).StatusCode);
        await (await client.GetAsync(url)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SavedViews_OfSomeoneElse_AreNotFound()
    {
        var owner = await app.CreatePersonAsync("views.private", staffOfDesk: "it");
        var mine = await (await (await app.ClientFor(owner.UserName!)).PostAsJsonAsync("/api/v1/me/views", new { name = "Mine" })).ShouldBe(HttpStatusCode.Created);
        var li = await app.ClientFor("li.agent");
        var url = $"/api/v1/me/views/{mine.Str("id")}";
        await (await li.GetAsync(url)).ShouldBe(HttpStatusCode.NotFound);
        await (await Put(li, url, new { name = "Taken over" }, "*")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.DeleteAsync(url)).ShouldBe(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await li.GetAsync("/api/v1/me/views")).ShouldBe(HttpStatusCode.OK)).EnumerateArray(), v => v.Str("name") == "Mine");
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"colour\":\"red\"}}", "filters.colour")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"queue\":\"everything\"}}", "filters.queue")]
    [InlineData("{\"name\":\"x\",\"sort\":\"-shoe_size\"}", "sort")]
    [InlineData("{\"name\":\"x\",\"columns\":[\"number\",\"secret\"]}", "columns")]
    [InlineData("{\"name\":\"x\",\"columns\":[\"number\",\"number\"]}", "columns")]
    public async Task SavedViews_WithBadInput_Answer400(string body, string field)
    {
        var li = await app.ClientFor("li.agent");
        var problem = await (await li.PostJson("/api/v1/me/views", body)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors().Keys);
    }

    static Task<HttpResponseMessage> Put(HttpClient client, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
