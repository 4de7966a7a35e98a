using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed partial class BellTests(NotificationsApp app)
{
    [Fact]
    public async Task The_bell_in_the_top_bar_shows_the_unread_count_and_nothing_for_anonymous_visitors()
    {
        await app.CreatePersonAsync("bell.owner");
        var owner = await app.ClientFor("bell.owner");
        var id = Guid.Parse((await owner.CreateTicket(subject: "Bell test")).Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "One." })).ShouldBe(HttpStatusCode.Created);
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Two." })).ShouldBe(HttpStatusCode.Created);
        await app.FanOutAsync(id);

        using var browser = Browser.Open(app);
        Assert.DoesNotContain("fd-bell", (await browser.Get("/signin")).Html, StringComparison.Ordinal);
        await browser.SignedInAs("bell.owner");
        var page = await browser.Get("/tickets");
        Assert.Contains("data-unread=\"2\"", page.Html, StringComparison.Ordinal);
        var bell = page.Html[page.Html.IndexOf("fd-bell", StringComparison.Ordinal)..][..600];
        Assert.True(page.Html.Contains("Notifications, 2 unread", StringComparison.Ordinal), bell);

        await (await owner.PostAsync("/api/v1/me/notifications/read-all", null)).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("data-unread=\"0\"", (await browser.Get("/tickets")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_shows_a_bell_without_a_circuit_and_its_count_follows_new_and_read_notifications()
    {
        await app.CreatePersonAsync("bell.portal");
        var owner = await app.ClientFor("bell.portal");
        var id = Guid.Parse((await owner.CreateTicket(subject: "Static bell")).Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "One." })).ShouldBe(HttpStatusCode.Created);
        await app.FanOutAsync(id);

        using var browser = Browser.Open(app);
        await browser.SignedInAs("bell.portal");
        var portal = await browser.Get("/portal");
        Assert.Contains("href=\"/notifications\" data-unread=\"1\" aria-label=\"Notifications, 1 unread\"", portal.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"server\"", portal.Html, StringComparison.Ordinal); // no interactive island, so no circuit

        // A new notification is counted on the next page at once, not after the cache time.
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "Two." })).ShouldBe(HttpStatusCode.Created);
        await app.FanOutAsync(id);
        Assert.Contains("data-unread=\"2\"", (await browser.Get("/portal")).Html, StringComparison.Ordinal);

        var list = await browser.Get("/notifications");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("2 notifications, 2 unread", list.Html, StringComparison.Ordinal);
        var opens = OpenAction().Matches(list.Html).Select(m => m.Value).ToList();
        Assert.Equal(2, opens.Count);
        Assert.Equal(2, Regex.Count(list.Html, "fd-notification fd-notification-unread"));

        // Opening one marks it read and goes where it points.
        var newest = Guid.Parse(opens[0].Split('/')[2]);
        var link = await app.Db(db => db.Notifications.Where(n => n.Id == newest).Select(n => n.Link).SingleAsync());
        var opened = await browser.Submit(list, opens[0], new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, opened.Status);
        Assert.Equal(link, opened.Location);
        Assert.Contains("data-unread=\"1\"", (await browser.Get("/portal")).Html, StringComparison.Ordinal);

        list = await browser.Get("/notifications");
        Assert.Contains("2 notifications, 1 unread", list.Html, StringComparison.Ordinal);
        var all = await browser.Submit(list, "/notifications/read-all", new Dictionary<string, string>());
        Assert.Equal("/notifications", all.Location);
        Assert.Contains("2 notifications, 0 unread", (await browser.Get("/notifications")).Html, StringComparison.Ordinal);
        Assert.Contains("data-unread=\"0\"", (await browser.Get("/portal")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_elses_notification_is_404_and_a_form_without_its_token_is_refused()
    {
        await app.CreatePersonAsync("bell.mine");
        await app.CreatePersonAsync("bell.other");
        var owner = await app.ClientFor("bell.mine");
        var id = Guid.Parse((await owner.CreateTicket(subject: "Not yours")).Id());
        var agent = await app.ClientFor("li.agent");
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "For the owner." })).ShouldBe(HttpStatusCode.Created);
        await app.FanOutAsync(id);
        var mine = await app.PersonIdAsync("bell.mine");
        var notification = await app.Db(db => db.Notifications.Where(n => n.RecipientId == mine).Select(n => n.Id).FirstAsync());

        using var other = Browser.Open(app);
        await other.SignedInAs("bell.other");
        var page = await other.Get("/notifications");
        Assert.Contains("No notifications yet.", page.Html, StringComparison.Ordinal);
        var (_, hidden) = page.Form("/signout"); // the page's own token, for this person
        var stolen = await other.Client.PostAsync($"/notifications/{notification}/open", new FormUrlEncodedContent(hidden));
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);

        using var me = Browser.Open(app);
        await me.SignedInAs("bell.mine");
        var noToken = await me.Client.PostAsync($"/notifications/{notification}/open", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Null(await app.Db(db => db.Notifications.Where(n => n.Id == notification).Select(n => n.ReadAt).SingleAsync()));
    }

    [Fact]
    public async Task Interactive_pages_keep_the_live_bell_and_static_pages_get_the_link_and_no_circuit_state()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("li.agent");
        var console = (await browser.Get("/console")).Html;
        Assert.Contains("aria-haspopup=\"true\"", console, StringComparison.Ordinal); // NotificationBell, prerendered for its circuit
        Assert.DoesNotContain("href=\"/notifications\"", console, StringComparison.Ordinal);
        var portal = (await browser.Get("/portal")).Html;
        Assert.Contains("href=\"/notifications\"", portal, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-haspopup=\"true\"", portal, StringComparison.Ordinal);
        // State for a circuit is written only into pages that start one (PageModes.StaticPagesConfigureNoRenderMode).
        Assert.Contains("<!--Blazor-Server-Component-State:", console, StringComparison.Ordinal);
        Assert.DoesNotContain("Component-State:", portal, StringComparison.Ordinal);
    }

    [GeneratedRegex("/notifications/[0-9a-f-]{36}/open")]
    private static partial Regex OpenAction();
}
