using System.Net.Http.Json;
using System.Text;
using Flowdesk.Browser.Tests.Infrastructure;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Browser.Tests.Portal;

/// <summary>
/// The self-service portal in a real browser: Alice (zh-CN) orders a laptop and follows it, Bob (en) approves it in the
/// portal, a double click sends one request, a forbidden file is refused next to its field, and the portal fits a phone.
/// Screenshots of the main portal screens are saved in both languages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task AnEmployeeOrdersALaptopInChinese_TheManagerApprovesInThePortal_AndTheEmployeeSeesTheNewStatus()
    {
        var alice = await app.SignedInPageAsync("alice");
        await alice.GotoAsync("/portal");
        await Expect(alice.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "常用服务" })).ToBeVisibleAsync();
        await alice.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-home-zh.png"), FullPage = true });

        await alice.GetByRole(AriaRole.Link, new() { Name = "笔记本电脑申请" }).First.ClickAsync();
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "笔记本电脑申请" })).ToBeVisibleAsync();
        var adminRights = alice.Locator("[data-field=admin_rights]");
        await Expect(adminRights).ToBeHiddenAsync();
        // The developer model shows its extra question at once (the portal script asks the server's rules).
        await alice.GetByLabel("型号").SelectOptionAsync("developer");
        await Expect(adminRights).ToBeVisibleAsync();
        await alice.GetByLabel("型号").SelectOptionAsync("standard");
        await Expect(adminRights).ToBeHiddenAsync();
        var reason = "旧电脑已经用了五年，经常死机 " + Guid.NewGuid().ToString("N")[..6];
        await alice.GetByLabel("申请原因").FillAsync(reason);
        await alice.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-item-zh.png"), FullPage = true });
        await alice.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();

        await Expect(alice.GetByRole(AriaRole.Status)).ToContainTextAsync("已提交");
        var number = alice.Url.Split('/').Last().Split('?')[0];
        await Expect(alice.Locator(".fd-status")).ToHaveTextAsync("等待审批");
        await Expect(alice.Locator(".fd-timeline")).ToContainTextAsync("经理审批：等待 Bob Chen 审批");
        await Expect(alice.Locator(".fd-promise")).ToContainTextAsync("前完成");

        await alice.Locator(".fd-portal-nav").GetByRole(AriaRole.Link, new() { Name = "我的申请" }).ClickAsync();
        await Expect(alice.Locator(".fd-requests")).ToContainTextAsync(number);

        var bob = await app.SignedInPageAsync("bob");
        await bob.GotoAsync("/portal/approvals");
        var card = bob.Locator($".fd-approval[data-number='{number}']");
        await Expect(card).ToContainTextAsync(reason);
        await Expect(card).ToContainTextAsync("Standard (14 inch, 16 GB)");
        await bob.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-approvals-en.png"), FullPage = true });
        await card.GetByLabel("Comment").FillAsync("Enjoy the new laptop");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(bob.GetByRole(AriaRole.Status)).ToContainTextAsync($"You approved {number}.");
        await Expect(bob.Locator($".fd-approval[data-number='{number}']")).ToHaveCountAsync(0);

        await alice.GotoAsync($"/portal/requests/{number}");
        await Expect(alice.Locator(".fd-status")).ToHaveTextAsync("处理中");
        await Expect(alice.Locator(".fd-timeline")).ToContainTextAsync("Bob Chen 已批准（经理审批）");
        await Expect(alice.Locator(".fd-timeline")).ToContainTextAsync("Enjoy the new laptop");
        await alice.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-request-zh.png"), FullPage = true });

        await bob.GotoAsync("/portal/catalog");
        await bob.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-catalog-en.png"), FullPage = true });
        await Task.WhenAll(alice.Context.CloseAsync(), bob.Context.CloseAsync());
    }

    [Fact]
    public async Task ADoubleClickOnSubmit_CreatesOneRequest()
    {
        var before = await RequestsOfAsync("carol");
        var carol = await app.SignedInPageAsync("carol");
        await carol.GotoAsync("/portal/catalog/it.password-reset");
        await FillRequiredAsync(carol);

        await carol.Locator("button[data-submit]").DblClickAsync();

        await Expect(carol).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/portal/requests/IT-"));
        await Expect(carol.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
        Assert.Equal(before + 1, await RequestsOfAsync("carol"));
        await carol.Context.CloseAsync();
    }

    [Fact]
    public async Task AFileOfAForbiddenType_GetsAMessageNextToTheField_AndTheTypedTextStays()
    {
        await PublishEverythingFormAsync();
        var bob = await app.SignedInPageAsync("bob");
        await bob.GotoAsync("/portal/catalog/test.browser");
        await bob.GetByLabel("Title").FillAsync("Screen flickers");
        await bob.GetByLabel("Urgent", new() { Exact = true }).CheckAsync();
        await Expect(bob.Locator("[data-field=why_urgent]")).ToBeVisibleAsync();
        await bob.GetByLabel("Why urgent").FillAsync("Board meeting at 3");
        await bob.GetByLabel("Screenshot").SetInputFilesAsync(new FilePayload
        {
            Name = "setup.exe",
            MimeType = "application/octet-stream",
            Buffer = [.. "MZ"u8, 0x90, 0, 3, 0, .. new byte[200]],
        });
        await bob.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-form-en.png"), FullPage = true });
        await bob.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();

        var error = bob.Locator("#f-screenshot-error");
        await Expect(error).ToContainTextAsync("not accepted");
        await Expect(bob.Locator("#f-screenshot")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(bob.GetByLabel("Title")).ToHaveValueAsync("Screen flickers");
        await Expect(bob.GetByLabel("Why urgent")).ToHaveValueAsync("Board meeting at 3");
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task ThePortal_FitsAPhone()
    {
        var context = await app.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var phone = await context.NewPageAsync();
        await phone.GotoAsync("/signin?returnUrl=%2Fportal");
        await phone.Locator("#username").FillAsync("alice");
        await phone.Locator("#password").FillAsync(BrowserApp.Password);
        await phone.Locator("form.fd-form button[type=submit]").ClickAsync();
        await phone.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal));

        // Nothing wider than the screen: no sideways scrolling.
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The home page is {overflow}px wider than the phone.");
        await phone.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-phone-zh.png"), FullPage = true });

        await phone.GotoAsync("/portal/catalog/it.laptop");
        var submit = phone.Locator("button[data-submit]");
        var box = await submit.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box!.Width > 300, "The submit button spans the phone's width.");
        overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The form is {overflow}px wider than the phone.");
        await phone.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("portal-phone-form-zh.png"), FullPage = true });
        await context.CloseAsync();
    }

    static async Task FillRequiredAsync(IPage page)
    {
        foreach (var select in await page.Locator("form[data-portal-form] select[required]").AllAsync())
            await select.SelectOptionAsync(new SelectOptionValue { Index = 1 });
        foreach (var input in await page.Locator("form[data-portal-form] input[type=text][required], form[data-portal-form] textarea[required]").AllAsync())
            if (await input.IsVisibleAsync()) await input.FillAsync("Double click test");
    }

    async Task<int> RequestsOfAsync(string userName)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        return await db.Tickets.CountAsync(t => t.Requester!.UserName == userName);
    }

    static readonly SemaphoreSlim Publishing = new(1, 1);
    static bool published;

    async Task PublishEverythingFormAsync()
    {
        await Publishing.WaitAsync();
        try
        {
            if (published) return;
            using var admin = await app.ApiAsync("admin");
            var saved = await admin.PostAsync("/api/v1/processes", new StringContent(EverythingYaml, Encoding.UTF8, "application/yaml"));
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
            var done = await admin.PostAsJsonAsync("/api/v1/processes/test.browser/versions/1/publish", new { });
            Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
            published = true;
        }
        finally
        {
            Publishing.Release();
        }
    }

    const string EverythingYaml = """
        key: test.browser
        name: { en: Report a screen problem, zh-CN: 屏幕问题报告 }
        desk: it
        kind: request
        group: service-desk
        catalog:
          category: support
          audience: [everyone]
          tags: [screen]
          description: { en: Tell us what is wrong with your screen., zh-CN: 告诉我们屏幕出了什么问题。 }
        form:
          - { id: title, type: text, required: true, label: { en: Title, zh-CN: 标题 }, help: { en: A few words., zh-CN: 简短描述。 }, max: 100 }
          - { id: details, type: multiline, label: { en: Details, zh-CN: 详情 } }
          - { id: count, type: number, min: 1, max: 10, label: { en: How many screens, zh-CN: 屏幕数量 } }
          - { id: since, type: date, label: { en: Since, zh-CN: 开始日期 } }
          - { id: visit, type: datetime, label: { en: Best time to visit, zh-CN: 上门时间 } }
          - { id: urgent, type: bool, label: { en: Urgent, zh-CN: 紧急 } }
          - { id: why_urgent, type: text, visibleIf: "form.urgent", requiredIf: "form.urgent", label: { en: Why urgent, zh-CN: 紧急原因 } }
          - { id: size, type: select, label: { en: Screen size, zh-CN: 屏幕尺寸 }, options: [ { value: s, label: { en: 24 inch, zh-CN: 24 英寸 } }, { value: l, label: { en: 27 inch, zh-CN: 27 英寸 } } ] }
          - { id: symptoms, type: multiselect, label: { en: Symptoms, zh-CN: 症状 }, options: [ { value: flicker, label: { en: Flickers, zh-CN: 闪烁 } }, { value: dark, label: { en: Stays dark, zh-CN: 黑屏 } } ] }
          - { id: colleague, type: person, label: { en: Who else is affected, zh-CN: 其他受影响的同事 } }
          - { id: team, type: group, label: { en: Team, zh-CN: 团队 } }
          - { id: screenshot, type: attachment, label: { en: Screenshot, zh-CN: 截图 } }
          - { id: office, type: text, label: { en: Office, zh-CN: 办公地点 }, defaultFrom: requester.location }
        sla: { response: 4h, resolution: 2bd, calendar: cn-mainland }
        """;
}
