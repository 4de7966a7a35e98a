using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;

namespace Flowdesk.Tests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed class BellTests(NotificationsApp app)
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
}
