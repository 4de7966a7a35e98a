using System.Globalization;
using Flowdesk.Browser.Tests.Infrastructure;

namespace Flowdesk.Browser.Tests.Portal;

/// <summary>
/// The portal's bell is a plain link (no circuit): it shows the unread count of the page load, leads to the
/// notifications page, and opening an entry there marks it read and follows its link.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationsBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task ThePortalBell_LeadsToTheNotificationsPage_WhereOpeningAnEntryMarksItReadAndFollowsItsLink()
    {
        var title = $"Portal bell {Guid.NewGuid():N}"[..24];
        var page = await app.SignedInPageAsync("alice");
        await page.GotoAsync("/portal");
        var bell = page.Locator("a.fd-bell");
        var before = int.Parse((await bell.GetAttributeAsync("data-unread"))!, CultureInfo.InvariantCulture);

        await app.NotifyAsync("alice", title, "/portal/requests");
        await page.ReloadAsync();
        await Expect(bell).ToHaveAttributeAsync("data-unread", (before + 1).ToString(CultureInfo.InvariantCulture));

        await bell.ClickAsync();
        await page.WaitForURLAsync("**/notifications");
        var entry = page.Locator(".fd-notification", new() { HasText = title });
        await Expect(entry).ToHaveClassAsync("fd-notification fd-notification-unread");
        await entry.Locator("button.fd-notification-open").ClickAsync();
        await page.WaitForURLAsync("**/portal/requests");

        await page.GotoAsync("/notifications");
        await Expect(page.Locator(".fd-notification", new() { HasText = title })).ToHaveClassAsync("fd-notification");
        await Expect(page.Locator("a.fd-bell")).ToHaveAttributeAsync("data-unread", before.ToString(CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
    }
}
