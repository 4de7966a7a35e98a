using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;
using Flowdesk.Web.Components.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tests.Portal;

/// <summary>
/// What a requester does with a request — cancel, reopen within the window, rate — through the API and the page
/// (one code path), and the portal's announcements.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RequestActionTests(PortalApp app)
{
    [Fact]
    public async Task Requester_CancelsAnOpenRequest_OthersMayNot()
    {
        var alice = await app.ClientFor("alice");
        var number = await OrderAsync(alice);

        await (await (await app.ClientFor("carol")).PostAsJsonAsync($"/api/v1/tickets/{number}/cancel", new { })).ShouldBe(HttpStatusCode.NotFound);
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{number}/cancel", new { reason = "Found a spare one" })).ShouldBe(HttpStatusCode.NoContent);

        var ticket = await (await alice.GetAsync($"/api/v1/tickets/{number}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("cancelled", ticket.Str("status"));
        var again = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{number}/cancel", new { })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("https://flowdesk.dev/problems/cancel-refused", again.Str("type"));
    }

    [Fact]
    public async Task Requester_ReopensWithinTheWindow_ButNotAfterIt_AndRatesOnlyOnceResolved()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var first = await CreateIncidentAsync(alice);
        var second = await CreateIncidentAsync(alice);

        var early = await (await alice.PutAsJsonAsync($"/api/v1/tickets/{first}/survey", new { rating = 5 })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("https://flowdesk.dev/problems/survey-not-resolved", early.Str("type"));
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{first}/reopen", new { comment = "Still broken" })).ShouldBe(HttpStatusCode.Conflict);

        foreach (var number in new[] { first, second })
            await (await li.PostAsJsonAsync($"/api/v1/tickets/{number}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.OK);

        var bad = await (await alice.PutAsJsonAsync($"/api/v1/tickets/{first}/survey", new { rating = 7 })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("rating", bad.Errors().Keys);
        await (await alice.PutAsJsonAsync($"/api/v1/tickets/{first}/survey", new { rating = 4, comment = "Quick, thanks" })).ShouldBe(HttpStatusCode.NoContent);
        await (await alice.PutAsJsonAsync($"/api/v1/tickets/{first}/survey", new { rating = 5 })).ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal(5, (await (await alice.GetAsync($"/api/v1/tickets/{first}/survey")).ShouldBe(HttpStatusCode.OK)).GetProperty("rating").GetInt32());

        var noReason = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{first}/reopen", new { comment = "" })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("comment", noReason.Errors().Keys);
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{first}/reopen", new { comment = "Still broken" })).ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal("in_progress", (await (await alice.GetAsync($"/api/v1/tickets/{first}")).ShouldBe(HttpStatusCode.OK)).Str("status"));

        // The window is three days here (Flowdesk:Portal:ReopenWindow); the second one was resolved a minute longer ago.
        var longAgo = app.Clock.GetUtcNow() - TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1);
        await app.Db(db => db.Tickets.Where(t => t.Number == second).ExecuteUpdateAsync(u => u.SetProperty(t => t.ResolvedAt, longAgo)));
        var late = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{second}/reopen", new { comment = "Still broken" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("https://flowdesk.dev/problems/reopen-window-passed", late.Str("type"));
        Assert.Contains("3", late.Str("detail"));
        Assert.Equal("resolved", (await (await alice.GetAsync($"/api/v1/tickets/{second}")).ShouldBe(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task RequestPage_OffersTheSurveyWhenResolved_AndTheRatingAppearsOnTheTimeline()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");
        var alice = await app.ClientFor("alice");
        var number = await CreateIncidentAsync(alice);
        Assert.DoesNotContain("@formname=\"survey\"", (await browser.Get($"/portal/requests/{number}")).Html);
        await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{number}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.OK);

        var page = await browser.Get($"/portal/requests/{number}");
        var rated = await browser.Submit(page, "survey", new Dictionary<string, string> { ["rating"] = "4", ["comment"] = "谢谢" });

        Assert.Equal(HttpStatusCode.Redirect, rated.Status);
        var after = await browser.Get(rated.Location!);
        Assert.Contains("王爱丽 评分 4/5", after.Html);
        Assert.Contains("谢谢", after.Html);
    }

    [Fact]
    public async Task Reply_WithAFile_FromThePage_HandsAWaitingRequestBackToTheDesk()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");
        var alice = await app.ClientFor("alice");
        var number = await CreateIncidentAsync(alice);
        await (await (await app.ClientFor("li.agent")).PostAsJsonAsync($"/api/v1/tickets/{number}/transitions", new { to = "waiting_on_requester" })).ShouldBe(HttpStatusCode.OK);
        var page = await browser.Get($"/portal/requests/{number}");
        Assert.Contains("等待回复期间暂停计时", page.Html);

        var (_, hidden) = page.Form("reply");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in hidden) content.Add(new StringContent(value), name);
        content.Add(new StringContent("Here is the screenshot"), "body");
        content.Add(new ByteArrayContent(Attachments.Samples.Png()), "files", "error.png");
        var response = await browser.Client.PostAsync($"/portal/requests/{number}", content);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var ticket = await (await alice.GetAsync($"/api/v1/tickets/{number}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("in_progress", ticket.Str("status"));
        var after = await browser.Get($"/portal/requests/{number}");
        Assert.Contains("Here is the screenshot", after.Html);
        Assert.Contains("error.png", after.Html);
    }

    [Fact]
    public async Task Announcements_AreManagedByAdmins_AndShownOnTheHomePage()
    {
        var alice = await app.ClientFor("alice");
        var admin = await app.ClientFor("admin");
        await (await alice.PostAsJsonAsync("/api/v1/announcements", new { titleEn = "x", titleZh = "x" })).ShouldBe(HttpStatusCode.Forbidden);
        var invalid = await (await admin.PostAsJsonAsync("/api/v1/announcements", new { titleEn = "", titleZh = "邮件", level = "loud" })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("titleEn", invalid.Errors().Keys);
        Assert.Contains("level", invalid.Errors().Keys);

        var created = await (await admin.PostAsJsonAsync("/api/v1/announcements",
            new { titleEn = "Email is slow this morning", titleZh = "今天上午邮件较慢", level = "warning" })).ShouldBe(HttpStatusCode.Created);

        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");
        Assert.Contains("今天上午邮件较慢", (await browser.Get("/portal")).Html);

        await (await admin.DeleteAsync($"/api/v1/announcements/{created.Str("id")}")).ShouldBe(HttpStatusCode.NoContent);
        Assert.DoesNotContain("今天上午邮件较慢", (await browser.Get("/portal")).Html);
    }

    [Fact]
    public async Task Catalog_FollowsAPublishAtOnce_DespiteItsCache()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("alice");
        Assert.DoesNotContain("test.fresh", (await browser.Get("/portal/catalog")).Html);

        var admin = await app.ClientFor("admin");
        var yaml = PortalApp.EverythingYaml.Replace("key: test.everything", "key: test.fresh", StringComparison.Ordinal)
            .Replace("Everything form", "Fresh form", StringComparison.Ordinal);
        var saved = await admin.PostAsync("/api/v1/processes", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        await (await admin.PostAsJsonAsync("/api/v1/processes/test.fresh/versions/1/publish", new { })).ShouldBe(HttpStatusCode.OK);

        Assert.Contains("/portal/catalog/test.fresh", (await browser.Get("/portal/catalog")).Html);
        await (await admin.PostAsJsonAsync("/api/v1/processes/test.fresh/retire", new { })).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("/portal/catalog/test.fresh", (await browser.Get("/portal/catalog")).Html);
    }

    [Theory]
    [InlineData("en", "2026-11-24T09:00:00Z", "Due by today 17:00")]
    [InlineData("zh-CN", "2026-11-24T09:00:00Z", "预计 今天 17:00 前完成")]
    [InlineData("en", "2026-11-25T01:00:00Z", "Due by tomorrow 09:00")]
    [InlineData("en", "2026-11-26T09:00:00Z", "Due by Thursday 17:00")]
    [InlineData("zh-CN", "2026-11-26T09:00:00Z", "预计 周四 17:00 前完成")]
    [InlineData("en", "2026-12-03T09:00:00Z", "Due by Thursday 3 December 17:00")]
    [InlineData("zh-CN", "2026-12-03T09:00:00Z", "预计 12月3日（周四）17:00 前完成")]
    [InlineData("en", "2026-11-23T09:00:00Z", "Was due by Monday 23 November 17:00 — we are on it")]
    public async Task SlaPromise_InPlainWords_InThePersonsZoneAndLanguage(string language, string due, string expected)
    {
        var now = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero); // Tuesday 10:00 in Shanghai
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var text = await app.InScope(sp =>
        {
            var culture = CultureInfo.CurrentUICulture;
            try
            {
                CultureInfo.CurrentUICulture = new CultureInfo(language);
                var t = sp.GetRequiredService<IStringLocalizer<PortalText>>();
                return Task.FromResult(SlaPromise.Describe(DateTimeOffset.Parse(due, CultureInfo.InvariantCulture), false, false, now, zone, t));
            }
            finally
            {
                CultureInfo.CurrentUICulture = culture;
            }
        });
        Assert.Equal(expected, text);
    }

    [Fact]
    public async Task PortalText_HasEveryEntryInBothLanguages()
    {
        await app.InScope(sp =>
        {
            var t = sp.GetRequiredService<IStringLocalizer<PortalText>>();
            var culture = CultureInfo.CurrentUICulture;
            try
            {
                CultureInfo.CurrentUICulture = new CultureInfo("en");
                var en = t.GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);
                CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
                var zh = t.GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);
                Assert.True(en.Count > 100);
                Assert.Equal(en.Keys.Order(), zh.Keys.Order());
                Assert.All(zh, entry => Assert.False(string.IsNullOrWhiteSpace(entry.Value), entry.Key));
            }
            finally
            {
                CultureInfo.CurrentUICulture = culture;
            }
            return Task.CompletedTask;
        });
    }

    static async Task<string> OrderAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/v1/catalog/it.laptop/requests", new { fields = new { model = "standard", reason = "Old one broke" } });
        return (await response.ShouldBe(HttpStatusCode.Created)).Str("number");
    }

    static async Task<string> CreateIncidentAsync(HttpClient client) =>
        (await client.CreateTicket(subject: "VPN drops every hour")).Str("number");
}
