using System.Net;
using System.Net.Http.Json;
using Flowdesk.Notifications;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed class TemplateAdminTests(NotificationsApp app)
{
    [Fact]
    public async Task Templates_are_for_system_admins_only()
    {
        var alice = await app.ClientFor("alice");
        await (await alice.GetAsync("/api/v1/admin/notification-templates")).ShouldBe(HttpStatusCode.NotFound);
        await (await alice.PutAsJsonAsync("/api/v1/admin/notification-templates/resolved/en", new { subject = "x", body = "y" })).ShouldBe(HttpStatusCode.NotFound);
        var list = await (await (await app.ClientFor("admin")).GetAsync("/api/v1/admin/notification-templates")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(NotificationEvents.All.Count * 2, list.GetArrayLength());
    }

    [Theory]
    [InlineData("Hello {{ ticket.number }}\nline two {{ ticket.title ", "Line 2")]
    [InlineData("Hello {{ ticket.number }}\n{{ ticket.titel }}", "Line 2")]
    [InlineData("Hello\n\n{{ ticket.title | shout }}", "Line 3")]
    [InlineData("{% if ticket.title %}\nopen if", "Line 2")]
    public async Task A_broken_template_is_refused_with_422_naming_the_line(string body, string line)
    {
        var admin = await app.ClientFor("admin");
        var response = await admin.PutAsJsonAsync("/api/v1/admin/notification-templates/ticket_created/en", new { subject = "[{{ ticket.number }}]", body });
        var problem = await response.ShouldBe(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.Errors()["body"], m => m.StartsWith(line, StringComparison.Ordinal));
        // Nothing was saved: the default still applies.
        var current = await (await admin.GetAsync("/api/v1/admin/notification-templates/ticket_created/en")).ShouldBe(HttpStatusCode.OK);
        Assert.False(current.GetProperty("custom").GetBoolean());
    }

    [Fact]
    public async Task An_override_is_previewed_saved_used_and_reset()
    {
        var admin = await app.ClientFor("admin");
        var template = new { subject = "[{{ ticket.number }}] Done: {{ ticket.title }}", body = "Hi {{ recipient.name }}, {{ ticket.number }} is done." };
        var preview = await (await admin.PostAsJsonAsync("/api/v1/admin/notification-templates/resolved/en/preview", template)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("[IT-000123] Done: Printer on 3F does not print", preview.Str("subject"));
        Assert.Contains("Hi Bob Zhang, IT-000123 is done.", preview.Str("text"));
        await (await admin.PutAsJsonAsync("/api/v1/admin/notification-templates/resolved/zh-CN", template)).ShouldBe(HttpStatusCode.OK);

        // alice reads Chinese: her language's template applies.
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket(subject: "Mouse wheel stuck");
        var id = Guid.Parse(ticket.Id());
        await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.OK);
        await app.FanOutAsync(id);
        var resolved = Assert.Single(await app.NotificationsAsync(id), n => n.Event == NotificationEvents.Resolved);
        Assert.Equal($"[{ticket.Str("number")}] Done: Mouse wheel stuck", resolved.Title);
        Assert.StartsWith("Hi ", resolved.Body, StringComparison.Ordinal);
        await (await admin.DeleteAsync("/api/v1/admin/notification-templates/resolved/zh-CN")).ShouldBe(HttpStatusCode.NoContent);
        var reset = await (await admin.GetAsync("/api/v1/admin/notification-templates/resolved/zh-CN")).ShouldBe(HttpStatusCode.OK);
        Assert.False(reset.GetProperty("custom").GetBoolean());
    }

    [Fact]
    public async Task A_template_that_fails_when_sending_falls_back_to_the_default_and_is_reported()
    {
        // Saved before a model change (written straight to the table, as an old release would have left it).
        await app.Db(async db =>
        {
            foreach (var language in new[] { "en", "zh-CN" })
                db.NotificationTemplates.Add(new NotificationTemplate(NotificationEvents.CommentAdded, language, "{{ ticket.number", "x", Guid.Empty, DateTimeOffset.UtcNow));
            return await db.SaveChangesAsync();
        });
        try
        {
            var id = Guid.Parse((await (await app.ClientFor("alice")).CreateTicket(subject: "Dock has no power")).Id());
            await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Swapped the dock." })).ShouldBe(HttpStatusCode.Created);
            await app.FanOutAsync(id);

            var reply = Assert.Single(await app.NotificationsAsync(id), n => n.Event == NotificationEvents.CommentAdded);
            Assert.True(reply.Title.Contains("新回复", StringComparison.Ordinal) || reply.Title.Contains("New reply", StringComparison.Ordinal), reply.Title);
            var errors = await (await (await app.ClientFor("admin")).GetAsync("/api/v1/admin/notification-template-errors")).ShouldBe(HttpStatusCode.OK);
            Assert.Contains(errors.EnumerateArray(), e => e.Str("event") == NotificationEvents.CommentAdded && e.GetProperty("ticketId").GetString() == id.ToString());
        }
        finally
        {
            await (await (await app.ClientFor("admin")).DeleteAsync("/api/v1/admin/notification-templates/comment_added/en")).ShouldBe(HttpStatusCode.NoContent);
            await (await (await app.ClientFor("admin")).DeleteAsync("/api/v1/admin/notification-templates/comment_added/zh-CN")).ShouldBe(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task Every_shipped_template_passes_its_own_check()
    {
        var options = new NotificationOptions();
        foreach (var e in NotificationEvents.All)
            foreach (var language in new[] { "en", "zh-CN" })
            {
                var text = DefaultTemplates.For(e, language);
                Assert.Empty(TemplateRenderer.Validate(text.Subject, text.Body, TemplateModels.Sample(language, options)));
            }
    }
}
