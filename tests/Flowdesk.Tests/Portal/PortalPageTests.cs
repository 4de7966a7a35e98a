using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Portal;

/// <summary>
/// The self-service portal as a browser without JavaScript uses it: the landing page, the catalog by audience, ordering
/// through the dynamic form with the server validator's messages next to the fields, one request per form however often
/// it is sent, the typed text kept through an ended session, and the request page's timeline without internal notes.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalPageTests(PortalApp app)
{
    [Fact]
    public async Task Employee_LandsOnThePortal_AndSeesPopularServicesInTheirLanguage()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");

        var root = await alice.Get("/");
        Assert.Equal(HttpStatusCode.Redirect, root.Status);
        Assert.Equal("/portal", root.Location);

        var home = await alice.Get("/portal");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains("<html lang=\"zh-CN\"", home.Html);
        Assert.Contains("常用服务", home.Html);
        Assert.Contains("笔记本电脑申请", home.Html);
        Assert.Contains("href=\"/portal/catalog/it.laptop\"", home.Html);
    }

    [Theory]
    [InlineData("/portal/requests?page=2147483647")]
    [InlineData("/portal/requests?all=true&page=999999999")]
    [InlineData("/notifications?page=2147483647")]
    public async Task APageNumberFarPastTheEnd_ShowsAnEmptyPage_NotAnError(string address)
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get(address);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("trace id", page.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeskStaff_KeepTheirHomePage()
    {
        using var li = Browser.Open(app);
        await li.SignedInAs("li.agent");
        Assert.Equal(HttpStatusCode.OK, (await li.Get("/")).Status);
    }

    [Fact]
    public async Task Catalog_ShowsOnlyItemsWhoseAudienceIncludesTheCaller()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        using var bob = Browser.Open(app);
        await bob.SignedInAs("bob");

        var forAlice = await alice.Get("/portal/catalog");
        var forBob = await bob.Get("/portal/catalog");

        // Onboarding is for managers and technicians: bob manages alice, alice manages no one.
        Assert.DoesNotContain("/portal/catalog/hr.onboarding", forAlice.Html);
        Assert.Contains("/portal/catalog/hr.onboarding", forBob.Html);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Get("/portal/catalog/hr.onboarding")).Status);
        Assert.Contains("/portal/catalog/it.laptop", (await alice.Get("/portal/catalog?q=电脑")).Html);
        Assert.DoesNotContain("/portal/catalog/it.password", (await alice.Get("/portal/catalog?q=电脑")).Html);
        Assert.Contains("/portal/catalog/it.laptop", (await alice.Get("/portal/catalog?category=hardware")).Html);
        Assert.Contains("/portal/catalog/it.laptop", (await alice.Get("/portal/search?q=laptop")).Html);
    }

    [Fact]
    public async Task ItemPage_RendersEveryFieldType_WithDefaultsFromTheProfile_AndConditionalFieldsHidden()
    {
        await app.Db(async db =>
        {
            var alice = await db.Users.SingleAsync(u => u.UserName == "alice");
            alice.Location = "Shanghai HQ 12F";
            await db.SaveChangesAsync();
            return true;
        });
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");

        var page = await alice.Get($"/portal/catalog/{PortalApp.EverythingKey}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        foreach (var input in new[] { "type=\"text\" id=\"f-title\"", "<textarea id=\"f-details\"", "type=\"number\" id=\"f-count\"", "type=\"date\" id=\"f-needed_by\"",
                     "type=\"datetime-local\" id=\"f-meeting\"", "type=\"checkbox\" id=\"f-urgent\"", "<select id=\"f-size\"", "id=\"f-extras-1\"",
                     "id=\"f-colleague\"", "<select id=\"f-team\"", "id=\"f-asset\"", "type=\"file\" id=\"f-screenshot\"" })
            Assert.Contains(input, page.Html);
        Assert.Contains("标题", page.Html);
        Assert.Contains("简短描述。", page.Html);
        Assert.Contains("value=\"Shanghai HQ 12F\"", page.Html);
        Assert.Matches("<div class=\"fd-field\" data-field=\"why_urgent\" hidden", page.Html);
        Assert.Contains("2 个工作日", page.Html);
    }

    [Fact]
    public async Task Ordering_WithMissingAndWrongValues_ShowsTheServerValidatorsMessagesNextToTheFields_AndKeepsWhatWasTyped()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get($"/portal/catalog/{PortalApp.EverythingKey}");
        var before = await TicketCountAsync("alice");

        var answer = await alice.Submit(page, "order", new Dictionary<string, string>
        {
            ["f.title"] = "",
            ["f.details"] = "我的详细说明保留下来",
            ["f.count"] = "42",
            ["f.urgent"] = "true",
            ["f.colleague"] = "nobody.here",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(before, await TicketCountAsync("alice"));
        Assert.Matches(FieldError("title", "此字段为必填项。|This field is required."), answer.Html);
        Assert.Matches(FieldError("count", "[^<]*10"), answer.Html);
        Assert.Matches(FieldError("colleague", "[^<]*nobody.here"), answer.Html);
        // The urgent box made its reason visible and required; the server says so next to it.
        Assert.Matches("<div class=\"fd-field fd-field-invalid\" data-field=\"why_urgent\">", answer.Html);
        Assert.Contains("我的详细说明保留下来</textarea>", answer.Html);
    }

    [Fact]
    public async Task Ordering_TheSameFormTwice_CreatesOneRequest()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get("/portal/catalog/it.laptop");
        var fields = new Dictionary<string, string> { ["f.model"] = "standard", ["f.reason"] = "Double click " + Guid.NewGuid() };
        var before = await TicketCountAsync("alice");

        var answers = await Task.WhenAll(alice.Submit(page, "order", fields), alice.Submit(page, "order", fields));
        var third = await alice.Submit(page, "order", fields);

        Assert.All(answers.Append(third), a => Assert.Equal(HttpStatusCode.Redirect, a.Status));
        var locations = answers.Append(third).Select(a => a.Location!.Split('?')[0]).Distinct().ToList();
        Assert.Single(locations);
        Assert.Equal(before + 1, await TicketCountAsync("alice"));
        Assert.EndsWith("?sent=again", third.Location);

        var request = await alice.Get(locations[0]);
        Assert.Equal(HttpStatusCode.OK, request.Status);
        Assert.Contains(fields["f.reason"], request.Html);
    }

    [Fact]
    public async Task Ordering_AfterTheSessionEnded_ShowsASignInThatKeepsTheTypedText_AndThenSends()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get("/portal/catalog/it.laptop");
        var reason = "Typed before the session ended " + Guid.NewGuid();
        var before = await TicketCountAsync("alice");

        // The session ends (cookie gone) while the form is open; the form is sent anyway.
        using var expired = Browser.Open(app);
        var (_, hidden) = page.Form("order");
        var values = new Dictionary<string, string>(hidden) { ["f.model"] = "developer", ["f.admin_rights"] = "true", ["f.reason"] = reason };
        var response = await expired.Client.PostAsync("/portal/catalog/it.laptop", new FormUrlEncodedContent(values));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await TicketCountAsync("alice"));
        Assert.Contains($"name=\"f.reason\" value=\"{reason}\"", body);
        Assert.Contains("name=\"signin.password\"", body);

        var signedIn = await expired.Submit(new Browser.Page(response, body), "order", new Dictionary<string, string>
        {
            ["signin.username"] = "alice",
            ["signin.password"] = FlowdeskApp.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.StartsWith("/portal/requests/IT-", signedIn.Location);
        Assert.Equal(before + 1, await TicketCountAsync("alice"));
        var request = await expired.Get(signedIn.Location!);
        Assert.Contains(reason, request.Html);
        Assert.Contains("开发型", request.Html);
    }

    [Fact]
    public async Task Ordering_AfterTheSessionEnded_WithAWrongPassword_KeepsTheTextAndSendsNothing()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get("/portal/catalog/it.laptop");
        using var expired = Browser.Open(app);
        var (_, hidden) = page.Form("order");
        var response = await expired.Client.PostAsync("/portal/catalog/it.laptop",
            new FormUrlEncodedContent(new Dictionary<string, string>(hidden) { ["f.model"] = "standard", ["f.reason"] = "keep me" }));
        var body = await response.Content.ReadAsStringAsync();
        var before = await TicketCountAsync("alice");

        var wrong = await expired.Submit(new Browser.Page(response, body), "order",
            new Dictionary<string, string> { ["signin.username"] = "alice", ["signin.password"] = "not the password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("name=\"f.reason\" value=\"keep me\"", wrong.Html);
        Assert.Equal(before, await TicketCountAsync("alice"));
    }

    [Fact]
    public async Task Ordering_WithAFileOfAForbiddenType_SaysSoNextToTheField_AndAGoodFileIsAttached()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var page = await alice.Get($"/portal/catalog/{PortalApp.EverythingKey}");
        var before = await TicketCountAsync("alice");

        var refused = await PostMultipart(alice, page, "program.exe", Attachments.Samples.Exe());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Matches(FieldError("screenshot", "[^<]+"), refused.Html);
        Assert.Equal(before, await TicketCountAsync("alice"));

        var tooLarge = await PostMultipart(alice, page, "big.png", [.. Attachments.Samples.Png(), .. new byte[PortalApp.MaxBytes]]);
        Assert.Matches(FieldError("screenshot", "[^<]*64 KB"), tooLarge.Html);

        var accepted = await PostMultipart(alice, page, "screen.png", Attachments.Samples.Png());
        Assert.Equal(HttpStatusCode.Redirect, accepted.Status);
        var request = await alice.Get(accepted.Location!);
        Assert.Contains("screen.png", request.Html);
        var link = Regex.Match(request.Html, "href=\"(/portal/files/[0-9a-f-]+)\"").Groups[1].Value;
        var file = await alice.Client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);

        // Someone who may not see the request may not fetch its file either.
        using var carol = Browser.Open(app);
        await carol.SignedInAs("carol");
        Assert.Equal(HttpStatusCode.NotFound, (await carol.Client.GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task RequestPage_ShowsTheTimelineAndSlaPromise_ButNeverInternalNotes()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var number = await OrderLaptopAsync(alice, "Timeline " + Guid.NewGuid());
        var li = await app.ClientFor("li.agent");
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{number}/comments", new { body = "SECRET internal note", @internal = true })).ShouldBe(HttpStatusCode.Created);
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{number}/comments", new { body = "We ordered your laptop.", @internal = false })).ShouldBe(HttpStatusCode.Created);

        var page = await alice.Get($"/portal/requests/{number}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("We ordered your laptop.", page.Html);
        Assert.DoesNotContain("SECRET", page.Html);
        Assert.Contains("王爱丽 提交了申请", page.Html);
        Assert.Contains("经理审批：等待 Bob Chen 审批", page.Html);
        Assert.Matches("预计 (今天|明天|周[一二三四五六日]) \\d\\d:\\d\\d 前完成", page.Html);

        var timeline = await (await app.ClientFor("alice")).GetAsync($"/api/v1/tickets/{number}/timeline");
        var entries = await timeline.ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("SECRET", entries.GetRawText());

        // Someone else's request does not exist for carol.
        using var carol = Browser.Open(app);
        await carol.SignedInAs("carol");
        Assert.Equal(HttpStatusCode.NotFound, (await carol.Get($"/portal/requests/{number}")).Status);
    }

    [Fact]
    public async Task Approver_SeesTheFormValues_RejectNeedsAReason_AndApprovingMovesTheRequestOn()
    {
        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        var reason = "Approve me " + Guid.NewGuid();
        var number = await OrderLaptopAsync(alice, reason);
        using var bob = Browser.Open(app);
        await bob.SignedInAs("bob");

        var approvals = await bob.Get("/portal/approvals");
        Assert.Contains(number, approvals.Html);
        Assert.Contains(reason, approvals.Html);
        Assert.Contains("Standard (14 inch, 16 GB)", approvals.Html);
        var id = ApprovalId(approvals.Html, number);

        var noReason = await bob.Submit(approvals, $"decide-{id}", new Dictionary<string, string> { ["approval"] = id, ["decision"] = "reject", ["comment"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.Status);
        Assert.Contains("Give the reason for the rejection", noReason.Html);

        var approved = await bob.Submit(approvals, $"decide-{id}", new Dictionary<string, string> { ["approval"] = id, ["decision"] = "approve", ["comment"] = "OK" });
        Assert.Equal(HttpStatusCode.Redirect, approved.Status);
        Assert.DoesNotContain(number, (await bob.Get("/portal/approvals")).Html);

        var request = await alice.Get($"/portal/requests/{number}");
        Assert.Contains("Bob Chen 已批准（经理审批）", request.Html);
        Assert.Contains("data-status=\"in_progress\"", request.Html);
    }

    static string ApprovalId(string html, string number) =>
        Regex.Match(html, $"data-number=\"{number}\".*?name=\"approval\" value=\"([0-9a-f-]+)\"", RegexOptions.Singleline).Groups[1].Value;

    /// <summary>The error paragraph of a field, inside the field's wrapper.</summary>
    static string FieldError(string field, string message) =>
        $"data-field=\"{field}\">(?:(?!data-field=).)*?<p class=\"fd-field-error\" id=\"f-{field}-error\" role=\"alert\">(?:{message})";

    async Task<int> TicketCountAsync(string userName) =>
        await app.Db(db => db.Tickets.CountAsync(t => t.Requester!.UserName == userName));

    internal static async Task<string> OrderLaptopAsync(Browser browser, string reason)
    {
        var page = await browser.Get("/portal/catalog/it.laptop");
        var answer = await browser.Submit(page, "order", new Dictionary<string, string> { ["f.model"] = "standard", ["f.reason"] = reason });
        Assert.True(answer.Status == HttpStatusCode.Redirect, answer.Text(3000));
        return answer.Location!.Split('?')[0].Split('/').Last();
    }

    static async Task<Browser.Page> PostMultipart(Browser browser, Browser.Page page, string fileName, byte[] bytes)
    {
        var (_, hidden) = page.Form("order");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in hidden) content.Add(new StringContent(value), name);
        content.Add(new StringContent("With a file"), "f.title");
        content.Add(new ByteArrayContent(bytes), "f.screenshot", fileName);
        var response = await browser.Client.PostAsync($"/portal/catalog/{PortalApp.EverythingKey}", content);
        return new Browser.Page(response, await response.Content.ReadAsStringAsync());
    }
}
