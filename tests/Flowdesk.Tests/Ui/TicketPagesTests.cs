using System.Net;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Ui;

[Collection(ApiCollection.Name)]
public sealed class TicketPagesTests(FlowdeskApp app)
{
    [Fact]
    public async Task TicketList_ShowsOnlyTicketsTheCallerMaySee()
    {
        var alicesTicket = await (await app.ClientFor("alice")).CreateTicket("it", "Alice's monitor flickers");
        var bobsHrTicket = await (await app.ClientFor("bob")).CreateTicket("hr", "Bob's salary question", kind: "request");
        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");

        var page = await browser.Get("/tickets");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(alicesTicket.Str("number"), page.Html);
        Assert.Contains("Alice&#x27;s monitor flickers", page.Html);
        Assert.DoesNotContain(bobsHrTicket.Str("number"), page.Html);
        Assert.DoesNotContain("salary", page.Html);
    }

    [Fact]
    public async Task TicketList_FiltersByDesk()
    {
        var bob = await app.ClientFor("bob");
        var it = await bob.CreateTicket("it", "Bob's keyboard");
        var hr = await bob.CreateTicket("hr", "Bob's leave balance", kind: "request");
        using var browser = Browser.Open(app);
        await browser.SignedInAs("bob");

        var page = await browser.Get("/tickets?desk=hr");

        Assert.Contains(hr.Str("number"), page.Html);
        Assert.DoesNotContain(it.Str("number"), page.Html);
    }

    [Fact]
    public async Task Ticket_NotVisibleToCaller_Answers404_LikeAMissingOne()
    {
        var hidden = await (await app.ClientFor("bob")).CreateTicket("hr", "Bob's private HR case", kind: "request");
        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");

        var invisible = await browser.Get("/tickets/" + hidden.Str("number"));
        var missing = await browser.Get("/tickets/HR-999999");

        Assert.Equal(HttpStatusCode.NotFound, invisible.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.DoesNotContain("private HR case", invisible.Html);
        Assert.Equal(missing.Stable.Replace("HR-999999", "", StringComparison.Ordinal),
            invisible.Stable.Replace(hidden.Str("number"), "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ticket_ForRequester_HidesInternalNotes_WhichStaffSee()
    {
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "VPN drops every hour");
        await AddComment(ticket.Str("number"), "li.agent", "We are looking into it.", isInternal: false);
        await AddComment(ticket.Str("number"), "li.agent", "Secret: her laptop is on the recall list.", isInternal: true);

        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var requesterPage = await alice.Get("/tickets/" + ticket.Str("number"));
        using var li = Browser.Open(app);
        await li.SignedInAs("li.agent");
        var staffPage = await li.Get("/tickets/" + ticket.Str("number"));

        Assert.Equal(HttpStatusCode.OK, requesterPage.Status);
        Assert.Contains("VPN drops every hour", requesterPage.Html);
        Assert.Contains("We are looking into it.", requesterPage.Html);
        Assert.DoesNotContain("recall list", requesterPage.Html);
        Assert.DoesNotContain("fd-comment-internal", requesterPage.Html);
        Assert.Contains("recall list", staffPage.Html);
        Assert.Contains("fd-comment-internal", staffPage.Html);
    }

    [Fact]
    public async Task UnknownAddress_ShowsTheLocalisedNotFoundPage()
    {
        using var browser = Browser.Open(app, acceptLanguage: "zh-CN");

        var page = await browser.Get("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("<html lang=\"zh-CN\"", page.Html);
        Assert.Contains("页面未找到", page.Html);
    }

    /// <summary>Adds a reply or note straight through the domain (the comment API has tests of its own).</summary>
    Task AddComment(string ticketNumber, string authorUserName, string body, bool isInternal) => app.InScope(async sp =>
    {
        var db = sp.GetRequiredService<FlowdeskDb>();
        var author = await db.Users.SingleAsync(p => p.UserName == authorUserName);
        var ticket = await db.Tickets.SingleAsync(t => t.Number == ticketNumber);
        var comment = ticket.AddComment(author.Id, body, isInternal, byStaff: true, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        db.Comments.Add(comment); // a new entity with its key already set must be marked as added
        await db.SaveChangesAsync();
    });
}
