using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Browser.Tests.Infrastructure;

namespace Flowdesk.Browser.Tests.Console;

/// <summary>
/// The Kanban board in a real browser: dragging a card moves the ticket through the same rules as the API, other
/// technicians of the desk see it move without reloading, another desk's technician never sees it, and a move the
/// process refuses snaps back with the reason.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task DraggingACard_MovesTheTicket_AndTheOtherItTechniciansBoardFollowsLive()
    {
        var ticket = await CreateItTicketAsync("Docking station not detected");
        var number = ticket.GetProperty("number").GetString()!;

        var li = await app.SignedInPageAsync("li.agent");
        var wu = await app.SignedInPageAsync(BrowserApp.SecondItTechnician);
        var zhang = await app.SignedInPageAsync("zhang.hr");
        await BrowserApp.OpenBoardAsync(li, "?desk=it");
        await BrowserApp.OpenBoardAsync(wu, "?desk=it");
        await BrowserApp.OpenBoardAsync(zhang);
        // Proves the second board was not reloaded: a reload would lose this.
        await wu.EvaluateAsync("() => { window.flowdeskNotReloaded = true; }");

        await Expect(Card(wu, "new", number)).ToBeVisibleAsync();
        await Card(li, "new", number).DragToAsync(ColumnHead(li, "in_progress"));

        await Expect(Card(li, "in_progress", number)).ToBeVisibleAsync();
        Assert.Equal("in_progress", (await GetTicketAsync("li.agent", number)).GetProperty("status").GetString());

        await Expect(Card(wu, "in_progress", number)).ToBeVisibleAsync();
        await Expect(Card(wu, "new", number)).ToHaveCountAsync(0);
        Assert.True(await wu.EvaluateAsync<bool>("() => window.flowdeskNotReloaded === true"));

        // The HR technician's board is HR's: the IT ticket is on it neither before nor after the move.
        await Expect(zhang.Locator($".fd-card[data-number='{number}']")).ToHaveCountAsync(0);
        Assert.DoesNotContain(number, await zhang.ContentAsync());

        await li.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("console-board.png") });
        await Task.WhenAll(li.Context.CloseAsync(), wu.Context.CloseAsync(), zhang.Context.CloseAsync());
    }

    [Fact]
    public async Task ARefusedMove_SnapsBack_WithTheReasonInTheTechniciansLanguage()
    {
        var ticket = await CreateItTicketAsync("Printer jams on tray 2");
        var number = ticket.GetProperty("number").GetString()!;
        var li = await app.SignedInPageAsync("li.agent"); // Li Wei works in zh-CN
        await BrowserApp.OpenBoardAsync(li, "?desk=it");

        await Card(li, "new", number).DragToAsync(ColumnHead(li, "closed"));

        var alert = li.Locator("[role=alert]");
        await Expect(alert).ToContainTextAsync(number);
        await Expect(alert).ToContainTextAsync("流程不允许从“新建”移到“已关闭”");
        await Expect(Card(li, "new", number)).ToBeVisibleAsync();
        await Expect(Card(li, "closed", number)).ToHaveCountAsync(0);
        Assert.Equal("new", (await GetTicketAsync("li.agent", number)).GetProperty("status").GetString());
        await li.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMoveButton_MovesACardWithoutDragging_AndKeepsTheFocusOnIt()
    {
        var ticket = await CreateItTicketAsync("Need a second monitor");
        var number = ticket.GetProperty("number").GetString()!;
        var wu = await app.SignedInPageAsync(BrowserApp.SecondItTechnician);
        await BrowserApp.OpenBoardAsync(wu, "?desk=it");

        await Card(wu, "new", number).GetByRole(AriaRole.Button, new() { Name = $"Move {number} to another state" }).ClickAsync();
        await Expect(Card(wu, "new", number).Locator(".fd-move-menu button").First).ToBeFocusedAsync();
        await Card(wu, "new", number).Locator("button[data-target=waiting_on_requester]").ClickAsync();

        var moved = Card(wu, "waiting_on_requester", number);
        await Expect(moved).ToBeVisibleAsync();
        await Expect(moved.Locator(".fd-card-move")).ToBeFocusedAsync();
        await Expect(wu.Locator("[role=status]").Filter(new() { HasText = number })).ToContainTextAsync("moved to Waiting for requester");
        Assert.Equal("waiting_on_requester", (await GetTicketAsync(BrowserApp.SecondItTechnician, number)).GetProperty("status").GetString());
        await wu.Context.CloseAsync();
    }

    [Fact]
    public async Task TheQueues_ListTheTechniciansTickets_AndFollowChangesLive()
    {
        var ticket = await CreateItTicketAsync("Outlook keeps asking for the password");
        var number = ticket.GetProperty("number").GetString()!;
        var wu = await app.SignedInPageAsync(BrowserApp.SecondItTechnician);
        await wu.GotoAsync("/console?queue=unassigned");
        await Expect(wu.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        var row = wu.Locator("tr", new() { Has = wu.GetByRole(AriaRole.Link, new() { Name = number, Exact = true }) });
        await Expect(row).ToContainTextAsync("New");

        using var api = await app.ApiAsync("li.agent");
        var moved = await api.PostAsJsonAsync($"/api/v1/tickets/{number}/transitions", new { to = "in_progress" });
        moved.EnsureSuccessStatusCode();
        await Expect(row).ToContainTextAsync("In progress");

        var li = await app.SignedInPageAsync("li.agent");
        await li.GotoAsync("/console?queue=all&desk=it");
        await Expect(li.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await li.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("console-queues.png") });
        await Task.WhenAll(wu.Context.CloseAsync(), li.Context.CloseAsync());
    }

    /// <summary>
    /// Drops land on a column's heading: a long column's middle can be below the fold, and the page scrolling in the
    /// middle of a synthetic drag would make Chromium start the drag from whatever card slid under the pointer.
    /// </summary>
    static ILocator ColumnHead(IPage page, string state) => page.Locator($".fd-column[data-state={state}] .fd-column-head");

    static ILocator Card(IPage page, string state, string number) =>
        page.Locator($".fd-column[data-state={state}] .fd-card[data-number='{number}']");

    async Task<JsonElement> CreateItTicketAsync(string subject)
    {
        using var alice = await app.ApiAsync("alice");
        var response = await alice.PostAsJsonAsync("/api/v1/tickets", new { kind = "incident", desk = "it", subject, description = "From the browser tests.", impact = "high", urgency = "high" });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<JsonElement> GetTicketAsync(string userName, string number)
    {
        using var client = await app.ApiAsync(userName);
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{number}");
    }
}
