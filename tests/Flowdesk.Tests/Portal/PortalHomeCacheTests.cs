using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Portal;

/// <summary>
/// The portal home keeps each person's own rows in memory for a few seconds (Flowdesk:Portal:HomeCacheTime). A page seen a
/// moment ago must still never hide a change: every test first loads the home (filling the cache), changes something
/// through the API, and expects the very next load to show it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalHomeCacheTests(PortalApp app)
{
    [Fact]
    public async Task Home_ListsARequestTheMomentItIsMade_AndDropsItTheMomentItIsCancelled()
    {
        await app.CreatePersonAsync("home.cache.requester");
        using var browser = Browser.Open(app);
        await browser.SignedInAs("home.cache.requester");
        Assert.Contains("Nothing open right now.", (await browser.Get("/portal")).Html);

        var api = await app.ClientFor("home.cache.requester");
        var ticket = await api.CreateTicket(subject: "Monitor flickers");
        var number = ticket.Str("number");
        Assert.Contains(number, (await browser.Get("/portal")).Html);

        await (await api.PostAsJsonAsync($"/api/v1/tickets/{ticket.Str("id")}/cancel", new { reason = "It works again." })).ShouldBe(HttpStatusCode.NoContent);
        var after = (await browser.Get("/portal")).Html;
        Assert.DoesNotContain(number, after);
        Assert.Contains("Nothing open right now.", after);
    }

    [Fact]
    public async Task Home_ShowsFiveRequests_AndLinksToAllOfThemOnlyWhenThereAreMore()
    {
        await app.CreatePersonAsync("home.cache.many");
        using var browser = Browser.Open(app);
        await browser.SignedInAs("home.cache.many");
        var api = await app.ClientFor("home.cache.many");

        foreach (var i in Enumerable.Range(1, 5)) await api.CreateTicket(subject: $"Request {i}");
        var five = (await browser.Get("/portal")).Html;
        Assert.Equal(5, CountOf(five, "class=\"fd-request\""));
        Assert.DoesNotContain("open requests</a>", five);

        await api.CreateTicket(subject: "Request 6");
        var six = (await browser.Get("/portal")).Html;
        Assert.Equal(5, CountOf(six, "class=\"fd-request\""));
        Assert.Contains("All 6 open requests", six);
    }

    [Fact]
    public async Task Approver_SeesAWaitingApprovalTheMomentItIsAsked_AndNoLongerOnceDecided()
    {
        var manager = await app.CreatePersonAsync("home.cache.manager");
        var employee = await app.CreatePersonAsync("home.cache.employee");
        await app.InScope(async sp =>
        {
            var db = sp.GetRequiredService<Flowdesk.Persistence.FlowdeskDb>();
            var person = await db.Users.SingleAsync(p => p.Id == employee.Id);
            person.ManagerId = manager.Id;
            await db.SaveChangesAsync();
        });
        using var browser = Browser.Open(app);
        await browser.SignedInAs("home.cache.manager");
        Assert.DoesNotContain("waiting for you", (await browser.Get("/portal")).Html);

        var employeeApi = await app.ClientFor("home.cache.employee");
        var ticket = await (await employeeApi.PostAsJsonAsync("/api/v1/catalog/it.laptop/requests",
            new { fields = new { model = "standard", reason = "Old one is five years old" } })).ShouldBe(HttpStatusCode.Created);
        Assert.Contains("1 approvals are waiting for you", (await browser.Get("/portal")).Html);

        var managerApi = await app.ClientFor("home.cache.manager");
        var approval = (await (await managerApi.GetAsync("/api/v1/approvals")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("ticket").Str("number") == ticket.Str("number"));
        await (await managerApi.PostAsJsonAsync($"/api/v1/approvals/{approval.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("waiting for you", (await browser.Get("/portal")).Html);
    }

    static int CountOf(string html, string text)
    {
        var count = 0;
        for (var at = html.IndexOf(text, StringComparison.Ordinal); at >= 0; at = html.IndexOf(text, at + text.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
