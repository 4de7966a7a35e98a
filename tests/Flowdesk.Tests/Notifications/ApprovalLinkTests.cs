using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Flowdesk.Notifications;
using Flowdesk.Processes;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Flowdesk.Tests.Notifications;

[Collection(NotificationsCollection.Name)]
public sealed partial class ApprovalLinkTests(NotificationsApp app)
{
    /// <summary>alice orders software access; bob, her manager, is asked. Returns the ticket id and bob's approve / reject links from his e-mail.</summary>
    async Task<(Guid Ticket, Guid Approval, string Approve, string Reject)> RequestAsync()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await (await alice.PostAsJsonAsync("/api/v1/catalog/it.software-access/requests",
            new { fields = new { application = "jira", access_level = "read", reason = "Org charts" } })).ShouldBe(HttpStatusCode.Created);
        var id = Guid.Parse(ticket.Id());
        await app.FanOutAsync(id);
        var bob = await app.PersonIdAsync("bob");
        var approval = await app.Db(db => db.Approvals.Where(a => a.TicketId == id && a.ApproverId == bob).Select(a => a.Id).SingleAsync());
        var mail = (await app.OutboxAsync(id, "email")).Select(m => NotificationsApp.Parse(m.Payload))
            .Single(m => m.GetProperty("event").GetString() == NotificationEvents.ApprovalNeeded);
        Assert.Equal("bob@flowdesk.example", mail.GetProperty("to").GetProperty("address").GetString());
        var links = Link().Matches(mail.GetProperty("text").GetString()!).Select(m => m.Value).ToList();
        Assert.Equal(2, links.Count);
        return (id, approval, links[0], links[1]);
    }

    HttpClient Browser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    static string PathOf(string url) => new Uri(url).PathAndQuery;

    static async Task<HttpResponseMessage> ConfirmAsync(HttpClient browser, string url, string comment)
    {
        var page = await (await browser.GetAsync(PathOf(url))).Content.ReadAsStringAsync();
        var antiforgery = Antiforgery().Match(page).Groups[1].Value;
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["token"]!;
        return await browser.PostAsync(PathOf(url), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "approval-act",
            ["__RequestVerificationToken"] = antiforgery,
            ["FormToken"] = token,
            ["Comment"] = comment,
        }));
    }

    Task<ApprovalDecision> DecisionAsync(Guid approval) => app.Db(db => db.Approvals.Where(a => a.Id == approval).Select(a => a.Decision).SingleAsync());

    [Fact]
    public async Task Opening_a_link_asks_for_confirmation_and_decides_nothing()
    {
        var (_, approval, approve, _) = await RequestAsync();
        using var browser = Browser();
        var response = await browser.GetAsync(PathOf(approve));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-state=\"confirm\"", html, StringComparison.Ordinal);
        Assert.Contains("data-decision=\"approve\"", html, StringComparison.Ordinal);
        Assert.Equal(ApprovalDecision.Pending, await DecisionAsync(approval));
    }

    [Fact]
    public async Task A_link_works_once_then_says_already_decided()
    {
        var (ticket, approval, approve, reject) = await RequestAsync();
        using var browser = Browser();
        var response = await ConfirmAsync(browser, approve, "Go ahead");
        var first = await response.Content.ReadAsStringAsync();
        Assert.True(first.Contains("data-state=\"decided\"", StringComparison.Ordinal), $"{(int)response.StatusCode}: {first[..Math.Min(first.Length, 3000)]}");
        Assert.Equal(ApprovalDecision.Approved, await DecisionAsync(approval));

        var again = await (await ConfirmAsync(browser, approve, "again")).Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"alreadydecided\"", again, StringComparison.Ordinal);
        Assert.Contains("data-state=\"alreadydecided\"", await (await browser.GetAsync(PathOf(approve))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var other = await (await browser.GetAsync(PathOf(reject))).Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"alreadydecided\"", other, StringComparison.Ordinal);
        Assert.Equal(ApprovalDecision.Approved, await DecisionAsync(approval));
        // The decision went through the engine: the requester hears about it.
        await app.FanOutAsync(ticket);
        Assert.Contains(await app.NotificationsAsync(ticket), n => n.Event == NotificationEvents.ApprovalApproved);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason()
    {
        var (_, approval, _, reject) = await RequestAsync();
        using var browser = Browser();
        var html = await (await ConfirmAsync(browser, reject, "  ")).Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"reasonrequired\"", html, StringComparison.Ordinal);
        Assert.Equal(ApprovalDecision.Pending, await DecisionAsync(approval));
        await ConfirmAsync(browser, reject, "No budget this quarter");
        Assert.Equal(ApprovalDecision.Rejected, await DecisionAsync(approval));
    }

    [Fact]
    public async Task Tampered_expired_and_other_approvers_links_are_refused()
    {
        var (_, approval, approve, _) = await RequestAsync();
        using var browser = Browser();
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(approve).Query)["token"]!;
        var tampered = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        var options = app.Services.GetRequiredService<IOptions<NotificationOptions>>();
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-8));
        var expired = await new ApprovalLinks(scopes, options, past).UrlAsync(approval, await app.PersonIdAsync("bob"), ApprovalDecision.Approved, CancellationToken.None);
        var links = app.Services.GetRequiredService<ApprovalLinks>();
        var carols = await links.UrlAsync(approval, await app.PersonIdAsync("carol"), ApprovalDecision.Approved, CancellationToken.None);

        foreach (var (url, state) in new[] { ("http://x/approvals/act?token=" + tampered, "invalid"), (expired, "expired"), (carols, "invalid") })
        {
            var page = await (await browser.GetAsync(PathOf(url))).Content.ReadAsStringAsync();
            Assert.Contains($"data-state=\"{state}\"", page, StringComparison.Ordinal);
            Assert.DoesNotContain("data-decision=", page, StringComparison.Ordinal);
            // Posting anyway (a forged form) decides nothing either.
            var posted = await ConfirmAsync(browser, url, "ok");
            Assert.DoesNotContain("data-state=\"decided\"", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(ApprovalDecision.Pending, await DecisionAsync(approval));
    }

    [GeneratedRegex(@"http://flowdesk\.test/approvals/act\?token=[A-Za-z0-9_\-\.]+")]
    private static partial Regex Link();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
