using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Tickets;

[Collection(ApiCollection.Name)]
public sealed class TicketApiTests(FlowdeskApp app)
{
    [Fact]
    public async Task Create_returns_201_with_location_number_and_priority_from_the_matrix()
    {
        var alice = await app.ClientFor("alice");
        var response = await alice.PostAsJsonAsync("/api/v1/tickets", new { kind = "incident", desk = "it", subject = "笔记本电脑屏幕闪烁", description = "从昨天开始", impact = "high", urgency = "medium" });
        var ticket = await response.ShouldBe(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/tickets/{ticket.Id()}", response.Headers.Location!.OriginalString);
        Assert.Matches("^IT-\\d{6}$", ticket.Str("number"));
        Assert.Equal("p2", ticket.Str("priority"));
        Assert.Equal("new", ticket.Str("status"));
        Assert.Equal("alice", ticket.GetProperty("requester").Str("username"));
        Assert.Equal("笔记本电脑屏幕闪烁", ticket.Str("subject"));
        Assert.Equal("incident", ticket.Str("processKey"));
    }

    [Fact]
    public async Task Patch_with_a_stale_ETag_answers_412_and_changes_nothing()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var ticket = await alice.CreateTicket(subject: "Original subject");
        var read = await li.GetAsync($"/api/v1/tickets/{ticket.Id()}");
        var etag = read.Headers.ETag!.Tag;

        var first = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { subject = "First change" }, etag);
        await first.ShouldBe(HttpStatusCode.OK);
        Assert.NotEqual(etag, first.Headers.ETag!.Tag);

        var second = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { subject = "Lost update" }, etag);
        var problem = await second.ShouldBe(HttpStatusCode.PreconditionFailed);
        Assert.Equal(412, problem.GetProperty("status").GetInt32());
        var now = await (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("First change", now.Str("subject"));
    }

    [Fact]
    public async Task Patch_without_If_Match_is_refused_with_428()
    {
        var li = await app.ClientFor("li.agent");
        var ticket = await li.CreateTicket();
        await (await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { subject = "x" }, null)).ShouldBe((HttpStatusCode)428);
    }

    [Fact]
    public async Task Patch_assigns_and_unassigns_and_writes_field_history()
    {
        var li = await app.ClientFor("li.agent");
        var ticket = await li.CreateTicket(subject: "Needs an owner");
        var etag = (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).Headers.ETag!.Tag;
        var assigned = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}",
            new { assignee = "li.agent", assigneeGroup = "it-desktop", urgency = "high", fields = new { asset_tag = "LT-1" } }, etag);
        var body = await assigned.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("li.agent", body.GetProperty("assignee").Str("username"));
        Assert.Equal("it-desktop", body.GetProperty("assigneeGroup").Str("key"));
        Assert.Equal("p2", body.Str("priority"));
        Assert.Equal("LT-1", body.GetProperty("fields").Str("asset_tag"));

        var unassigned = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { assignee = (string?)null }, assigned.Headers.ETag!.Tag);
        var after = await unassigned.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("assignee").ValueKind);
        Assert.Equal("it-desktop", after.GetProperty("assigneeGroup").Str("key"));

        var history = await (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}/history")).ShouldBe(HttpStatusCode.OK);
        var rows = history.EnumerateArray().ToList();
        Assert.Contains(rows, h => h.Str("field") == "urgency" && h.Str("old") == "medium" && h.Str("new") == "high");
        Assert.Contains(rows, h => h.Str("field") == "priority" && h.Str("old") == "p3" && h.Str("new") == "p2");
        Assert.Contains(rows, h => h.Str("field") == "fields.asset_tag" && h.Str("new") == "\"LT-1\"");
        Assert.Equal(2, rows.Count(h => h.Str("field") == "assigneeId"));
        Assert.All(rows.Where(h => h.Str("field") != "created"), h => Assert.Equal("li.agent", h.GetProperty("actor").Str("username")));
    }

    [Fact]
    public async Task Patch_refuses_an_assignee_who_is_not_staff_of_the_desk()
    {
        var li = await app.ClientFor("li.agent");
        var ticket = await li.CreateTicket();
        var etag = (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).Headers.ETag!.Tag;
        var problem = await (await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { assignee = "zhang.hr", assigneeGroup = "hr-ops" }, etag))
            .ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("assignee", problem.Errors().Keys);
        Assert.Contains("assigneeGroup", problem.Errors().Keys);
    }

    [Fact]
    public async Task Same_Idempotency_Key_and_body_creates_one_ticket()
    {
        var alice = await app.ClientFor("alice");
        var key = Guid.NewGuid().ToString();
        var subject = "Idempotent " + key;
        async Task<HttpResponseMessage> Send(string s)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(new { kind = "request", desk = "it", subject = s }) };
            request.Headers.Add("Idempotency-Key", key);
            return await alice.SendAsync(request);
        }

        var results = await Task.WhenAll(Send(subject), Send(subject), Send(subject));
        var ids = new HashSet<string>();
        foreach (var r in results) ids.Add((await r.ShouldBe(HttpStatusCode.Created)).Id());
        Assert.Single(ids);
        Assert.Equal(1, await app.Db(db => db.Tickets.CountAsync(t => t.Subject == subject)));

        var reused = await Send("A different request");
        var problem = await reused.ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("idempotency", problem.Str("type"));
        Assert.Equal(0, await app.Db(db => db.Tickets.CountAsync(t => t.Subject == "A different request")));
    }

    [Fact]
    public async Task Transitions_follow_the_process_and_refusals_say_why()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var ticket = await alice.CreateTicket();
        var url = $"/api/v1/tickets/{ticket.Id()}/transitions";

        var refused = await (await alice.PostAsJsonAsync(url, new { to = "resolved" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("not_allowed_for_actor", refused.Str("reason"));
        Assert.Contains("cancelled", refused.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));

        await (await li.PostAsJsonAsync(url, new { to = "in_progress" })).ShouldBe(HttpStatusCode.OK);
        var resolved = await (await li.PostAsJsonAsync(url, new { to = "resolved", comment = "Replaced the cable." })).ShouldBe(HttpStatusCode.OK);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, resolved.GetProperty("resolvedAt").ValueKind);
        await (await alice.PostAsJsonAsync(url, new { to = "closed" })).ShouldBe(HttpStatusCode.OK);

        var fromClosed = await (await li.PostAsJsonAsync(url, new { to = "in_progress" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("not_allowed", fromClosed.Str("reason"));
        var unknown = await (await li.PostAsJsonAsync(url, new { to = "teleported" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("unknown_state", unknown.Str("reason"));

        var history = await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}/history")).ShouldBe(HttpStatusCode.OK);
        var statuses = history.EnumerateArray().Where(h => h.Str("field") == "status").Select(h => h.Str("new")).ToList();
        Assert.Equal(["in_progress", "resolved", "closed"], statuses);
        var comments = await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}/comments")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(comments.EnumerateArray(), c => c.Str("body") == "Replaced the cable.");
    }

    [Fact]
    public async Task A_public_staff_reply_marks_the_first_response()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var ticket = await alice.CreateTicket();
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = "internal first", @internal = true })).ShouldBe(HttpStatusCode.Created);
        var afterNote = await (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, afterNote.GetProperty("firstRespondedAt").ValueKind);
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = "On it." })).ShouldBe(HttpStatusCode.Created);
        var afterReply = await (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, afterReply.GetProperty("firstRespondedAt").ValueKind);
    }

    [Fact]
    public async Task List_filters_sort_and_pages_without_overlap()
    {
        var henry = await app.CreatePersonAsync("henry.list");
        var client = await app.ClientFor("henry.list");
        for (var i = 0; i < 7; i++)
            await client.CreateTicket(i % 2 == 0 ? "it" : "facilities", $"Paging {i}", extra: new { impact = i < 2 ? "high" : "low", urgency = "high" });

        var page1 = await (await client.GetAsync("/api/v1/tickets?requester=me&pageSize=3&page=1&sort=created")).ShouldBe(HttpStatusCode.OK);
        var page3 = await (await client.GetAsync("/api/v1/tickets?requester=me&pageSize=3&page=3&sort=created")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(7, page1.GetProperty("total").GetInt32());
        Assert.Equal(["Paging 0", "Paging 1", "Paging 2"], page1.GetProperty("items").EnumerateArray().Select(t => t.Str("subject")));
        Assert.Equal(["Paging 6"], page3.GetProperty("items").EnumerateArray().Select(t => t.Str("subject")));

        var p1 = await (await client.GetAsync("/api/v1/tickets?requester=me&priority=p1")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, p1.GetProperty("total").GetInt32());
        var facilities = await (await client.GetAsync("/api/v1/tickets?desk=facilities&kind=incident")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3, facilities.GetProperty("total").GetInt32());
        var search = await (await client.GetAsync("/api/v1/tickets?q=Paging 4")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Paging 4", Assert.Single(search.GetProperty("items").EnumerateArray()).Str("subject"));
        _ = henry;
    }

    [Fact]
    public async Task Script_and_SQL_fragments_are_stored_as_inert_text()
    {
        var alice = await app.ClientFor("alice");
        string[] hostile = ["'; DROP TABLE tickets; --", "<script>alert('x')</script>", "Robert'); DELETE FROM asp_net_users;--", "{{7*7}} ${7*7} %s%n"];
        foreach (var text in hostile)
        {
            var ticket = await alice.CreateTicket(subject: text, extra: new { description = text, category = "x" });
            var read = await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(text, read.Str("subject"));
            Assert.Equal(text, read.Str("description"));
            var found = await (await alice.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(text)}")).ShouldBe(HttpStatusCode.OK);
            Assert.True(found.GetProperty("total").GetInt32() >= 1);
        }
        Assert.True(await app.Db(db => db.Tickets.AnyAsync()));
    }

    [Fact]
    public async Task Desks_and_me_describe_the_caller_in_their_language()
    {
        var li = await app.ClientFor("li.agent");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/desks");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var desks = await (await li.SendAsync(request)).ShouldBe(HttpStatusCode.OK);
        var it = desks.EnumerateArray().Single(d => d.Str("key") == "it");
        Assert.Equal("IT 服务台", it.Str("name"));
        Assert.True(it.GetProperty("staff").GetBoolean());
        Assert.True(desks.EnumerateArray().Single(d => d.Str("key") == "hr").GetProperty("confidential").GetBoolean());

        var me = await (await li.GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("li.agent", me.Str("username"));
        Assert.Contains("technician", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["it-desktop", "service-desk"], me.GetProperty("groups").EnumerateArray().Select(g => g.Str("key")));
    }

    [Fact]
    public async Task Ticket_numbers_are_unique_under_concurrent_creates()
    {
        var alice = await app.ClientFor("alice");
        var tickets = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => alice.CreateTicket("facilities", $"Concurrent {i}")));
        Assert.Equal(12, tickets.Select(t => t.Str("number")).Distinct().Count());
    }

    [Fact]
    public async Task The_suite_runs_on_the_database_it_was_given()
    {
        var (provider, name) = await app.Db(db => Task.FromResult((db.Provider, db.Database.ProviderName)));
        Assert.Equal(FlowdeskApp.Provider, provider);
        Assert.Contains(FlowdeskApp.OnPostgres ? "Npgsql" : "Sqlite", name);
    }
}
