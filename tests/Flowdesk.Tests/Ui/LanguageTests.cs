using System.Globalization;
using System.Net;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Web.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tests.Ui;

[Collection(ApiCollection.Name)]
public sealed class LanguageTests(FlowdeskApp app)
{
    [Fact]
    public async Task LanguageSwitch_IsRememberedForThePerson_OnAnotherBrowser()
    {
        var person = await app.CreatePersonAsync("ui.language");
        using (var first = Browser.Open(app))
        {
            await first.SignedInAs(person.UserName!);
            var tickets = await first.Get("/tickets");
            Assert.Contains("<html lang=\"en\"", tickets.Html);

            var switched = await first.Submit(tickets, "/culture", new Dictionary<string, string> { ["culture"] = "zh-CN" });

            Assert.Equal(HttpStatusCode.Redirect, switched.Status);
            Assert.Equal("/tickets", switched.Location);
            Assert.Contains("<html lang=\"zh-CN\"", (await first.Get("/tickets")).Html);
        }

        using var second = Browser.Open(app, acceptLanguage: "en");
        await second.SignedInAs(person.UserName!);
        var page = await second.Get("/tickets");

        Assert.Contains("<html lang=\"zh-CN\"", page.Html);
        Assert.Contains("<h1>工单</h1>", page.Html);
        Assert.Equal("zh-CN", await app.Db(db => Task.FromResult(db.Users.Single(p => p.Id == person.Id).Language)));
    }

    [Fact]
    public async Task LanguageSwitch_RefusesUnknownLanguages()
    {
        using var browser = Browser.Open(app);
        var page = await browser.Get("/signin");

        var result = await browser.Submit(page, "/culture", new Dictionary<string, string> { ["culture"] = "fr-FR" });

        Assert.Equal(HttpStatusCode.Redirect, result.Status);
        Assert.Null(browser.Cookie(".AspNetCore.Culture"));
    }

    [Fact]
    public async Task LanguageSwitch_WithoutAntiforgeryToken_IsRefused()
    {
        using var browser = Browser.Open(app);

        var response = await browser.Client.PostAsync("/culture",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "zh-CN", ["returnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(browser.Cookie(".AspNetCore.Culture"));
    }

    [Fact]
    public async Task LanguageSwitch_ToForeignReturnUrl_StaysOnSite()
    {
        using var browser = Browser.Open(app);
        var page = await browser.Get("/signin");

        var result = await browser.Submit(page, "/culture",
            new Dictionary<string, string> { ["culture"] = "zh-CN", ["returnUrl"] = "https://evil.example/" });

        Assert.Equal("/", result.Location);
    }

    [Fact]
    public async Task TextResources_HaveEveryEntryInBothLanguages()
    {
        await app.InScope(sp =>
        {
            var localizer = sp.GetRequiredService<IStringLocalizer<UiText>>();
            var previous = CultureInfo.CurrentUICulture;
            try
            {
                CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                var english = localizer.GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);
                CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
                var chinese = localizer.GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);

                Assert.NotEmpty(english);
                Assert.Equal(english.Keys.Order(StringComparer.Ordinal), chinese.Keys.Order(StringComparer.Ordinal));
                Assert.Equal("工单", localizer["nav.tickets"].Value);
                Assert.False(localizer["nav.tickets"].ResourceNotFound);
            }
            finally
            {
                CultureInfo.CurrentUICulture = previous;
            }
            return Task.CompletedTask;
        });
    }
}
