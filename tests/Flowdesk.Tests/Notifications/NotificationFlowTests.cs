using System.Net;
using System.Net.Http.Json;
using Flowdesk.Notifications;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed class NotificationFlowTests(NotificationsApp app)
{
    [Fact]
    public async Task Public_reply_notifies_the_requester_in_app_and_by_email_but_not_its_author()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket(subject: "VPN drops every hour");
        var id = Guid.Parse(ticket.Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Please send the client log.", @internal = false })).ShouldBe(HttpStatusCode.Created);
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Secret note for staff.", @internal = true })).ShouldBe(HttpStatusCode.Created);

        await app.FanOutAsync(id);

        var aliceId = await app.PersonIdAsync("alice");
        var agentId = await app.PersonIdAsync("li.agent");
        var replies = (await app.NotificationsAsync(id)).Where(n => n.Event == NotificationEvents.CommentAdded).ToList();
        var reply = Assert.Single(replies);
        Assert.Equal(aliceId, reply.RecipientId);
        Assert.Contains(ticket.Str("number"), reply.Title);
        Assert.Contains("Please send the client log.", reply.Body);
        Assert.DoesNotContain(replies, n => n.RecipientId == agentId);
        Assert.DoesNotContain(await app.NotificationsAsync(id), n => n.Body.Contains("Secret note", StringComparison.Ordinal));
        // Alice made the ticket herself: she is not told about her own action.
        Assert.DoesNotContain(await app.NotificationsAsync(id), n => n.Event == NotificationEvents.TicketCreated && n.RecipientId == aliceId);

        var mails = (await app.OutboxAsync(id, "email")).Select(m => NotificationsApp.Parse(m.Payload)).ToList();
        var mail = Assert.Single(mails, m => m.GetProperty("event").GetString() == NotificationEvents.CommentAdded);
        Assert.Equal("alice@flowdesk.example", mail.GetProperty("to").GetProperty("address").GetString());
        Assert.Equal(ticket.Str("number"), mail.GetProperty("number").GetString());
        Assert.Contains("&lt;", NotificationHtml.From("s", "<b>x</b>", "en"), StringComparison.Ordinal);
        Assert.Contains("http://flowdesk.test/tickets/" + ticket.Str("number"), mail.GetProperty("html").GetString());
    }

    [Fact]
    public async Task Fanning_out_the_same_message_twice_writes_nothing_twice()
    {
        var alice = await app.ClientFor("alice");
        var id = Guid.Parse((await alice.CreateTicket(subject: "Monitor flickers")).Id());
        await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "On my way." })).ShouldBe(HttpStatusCode.Created);

        await app.FanOutAsync(id);
        var notifications = (await app.NotificationsAsync(id)).Count;
        var mails = (await app.OutboxAsync(id, "email")).Count;
        await app.FanOutAsync(id);

        Assert.True(notifications > 0);
        Assert.Equal(notifications, (await app.NotificationsAsync(id)).Count);
        Assert.Equal(mails, (await app.OutboxAsync(id, "email")).Count);
    }

    [Fact]
    public async Task A_recipient_reads_notifications_in_their_own_language()
    {
        var person = await app.CreatePersonAsync("wang.fang");
        await app.Db(async db =>
        {
            var row = await db.Users.SingleAsync(u => u.Id == person.Id);
            row.Language = "zh-CN";
            return await db.SaveChangesAsync();
        });
        var id = Guid.Parse((await (await app.ClientFor("wang.fang")).CreateTicket(subject: "打印机卡纸")).Id());
        await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "已处理。" })).ShouldBe(HttpStatusCode.Created);

        await app.FanOutAsync(id);

        var reply = Assert.Single(await app.NotificationsAsync(id), n => n.Event == NotificationEvents.CommentAdded);
        Assert.StartsWith($"[", reply.Title, StringComparison.Ordinal);
        Assert.Contains("新回复", reply.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_notifications_page_counts_unread_and_marks_read_only_my_own()
    {
        var person = await app.CreatePersonAsync("notify.reader");
        var reader = await app.ClientFor("notify.reader");
        var id = Guid.Parse((await reader.CreateTicket(subject: "Badge does not open door")).Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "First." })).ShouldBe(HttpStatusCode.Created);
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Second." })).ShouldBe(HttpStatusCode.Created);
        await app.FanOutAsync(id);

        var page = await (await reader.GetAsync("/api/v1/me/notifications?pageSize=1")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, page.GetProperty("unread").GetInt32());
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray().ToList());
        var first = page.GetProperty("items")[0].Str("id");

        // Someone else's notification is not there for them.
        await (await agent.PostAsync($"/api/v1/me/notifications/{first}/read", null)).ShouldBe(HttpStatusCode.NotFound);
        await (await reader.PostAsync($"/api/v1/me/notifications/{first}/read", null)).ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal(1, (await (await reader.GetAsync("/api/v1/me/notifications")).ShouldBe(HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        var marked = await (await reader.PostAsync("/api/v1/me/notifications/read-all", null)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, marked.GetProperty("marked").GetInt32());
        var after = await (await reader.GetAsync("/api/v1/me/notifications?unread=true")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, after.GetProperty("unread").GetInt32());
        Assert.Empty(after.GetProperty("items").EnumerateArray());
        await (await reader.GetAsync("/api/v1/me/notifications?pageSize=500")).ShouldBe(HttpStatusCode.BadRequest);
        foreach (var (query, field) in new[] { ("page=0", "page"), ("page=x", "page"), ("page=2147483647", "page"), ("pageSize=-1", "pageSize") })
        {
            var problem = await (await reader.GetAsync($"/api/v1/me/notifications?{query}")).ShouldBe(HttpStatusCode.BadRequest);
            Assert.True(problem.Errors().ContainsKey(field), $"{query}: {problem}");
        }
        Assert.NotEqual(Guid.Empty, person.Id);
    }

    [Fact]
    public async Task Resolving_tells_the_requester_and_asks_for_a_survey()
    {
        var alice = await app.ClientFor("alice");
        var id = Guid.Parse((await alice.CreateTicket(subject: "Keyboard missing keys")).Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to = "in_progress" })).ShouldBe(HttpStatusCode.OK);
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.OK);

        await app.FanOutAsync(id);

        var aliceId = await app.PersonIdAsync("alice");
        var events = (await app.NotificationsAsync(id)).Where(n => n.RecipientId == aliceId).Select(n => n.Event).ToList();
        Assert.Contains(NotificationEvents.Resolved, events);
        Assert.Contains(NotificationEvents.SurveyRequest, events);
        Assert.Single(events, e => e == NotificationEvents.Resolved);
    }
}
