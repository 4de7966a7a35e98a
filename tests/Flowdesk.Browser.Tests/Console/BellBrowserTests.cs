using Flowdesk.Browser.Tests.Infrastructure;

namespace Flowdesk.Browser.Tests.Console;

/// <summary>
/// The notification bell in the top bar: a notification written for the person raises the count live, without a
/// reload; opening the panel lists it (the list is loaded only when opened); opening the entry marks it read.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BellBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task ANewNotification_RaisesTheCountLive_AndTheOpenedPanelListsIt()
    {
        var page = await app.SignedInPageAsync("li.agent");
        await page.GotoAsync("/console");
        await Expect(page.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        var bell = page.Locator(".fd-bell");
        await Expect(page.Locator(".fd-bell-button")).ToBeEnabledAsync(); // interactive
        var before = int.Parse((await bell.GetAttributeAsync("data-unread"))!, System.Globalization.CultureInfo.InvariantCulture);

        var title = $"Bell test {Guid.NewGuid():N}"[..22];
        await app.NotifyAsync("li.agent", title, "/console");

        await Expect(bell).ToHaveAttributeAsync("data-unread", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator(".fd-bell-button").ClickAsync();
        var entry = page.Locator(".fd-bell-list li", new() { HasText = title });
        await Expect(entry).ToHaveClassAsync("fd-bell-unread");

        await entry.Locator("a").ClickAsync();
        await page.WaitForURLAsync("**/console");
        await Expect(page.Locator(".fd-bell")).ToHaveAttributeAsync("data-unread", before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
    }
}
