using System.Net;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Ui;

[Collection(ApiCollection.Name)]
public sealed class SignInPageTests(FlowdeskApp app)
{
    [Fact]
    public async Task SignIn_WithWrongPassword_ShowsMessage_AndKeepsUserName()
    {
        var person = await app.CreatePersonAsync("ui.wrong.password");
        using var browser = Browser.Open(app);

        var page = await browser.SignIn(person.UserName!, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("The user name or password is not correct.", page.Html);
        Assert.Contains("value=\"ui.wrong.password\"", page.Html);
        Assert.DoesNotContain("not-the-password", page.Html);
        Assert.Null(browser.Cookie("flowdesk.auth"));
    }

    [Fact]
    public async Task SignIn_AfterFiveWrongPasswords_SaysTheAccountIsLocked()
    {
        var person = await app.CreatePersonAsync("ui.locked");
        using var browser = Browser.Open(app);

        for (var i = 0; i < 5; i++) await browser.SignIn(person.UserName!, "wrong-" + i);
        var page = await browser.SignIn(person.UserName!);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("This account is locked", page.Html);
    }

    [Fact]
    public async Task SignIn_OfUnknownPerson_ShowsTheSameMessage_InChinese()
    {
        using var browser = Browser.Open(app, acceptLanguage: "zh-CN");

        var page = await browser.SignIn("nobody.here", "whatever-password");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<html lang=\"zh-CN\"", page.Html);
        Assert.Contains("用户名或密码不正确", page.Html);
    }

    [Fact]
    public async Task SignIn_WithRightPassword_SetsCookie_AndGoesToLocalReturnUrl()
    {
        using var browser = Browser.Open(app);

        var page = await browser.SignIn("bob", url: "/signin?ReturnUrl=%2Ftickets");

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/tickets", page.Location);
        Assert.NotNull(browser.Cookie("flowdesk.auth"));
        Assert.Equal(HttpStatusCode.OK, (await browser.Get("/tickets")).Status);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task SignIn_WithForeignReturnUrl_GoesHome(string returnUrl)
    {
        using var browser = Browser.Open(app);

        var page = await browser.SignIn("carol", url: "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/", page.Location);
    }

    [Fact]
    public async Task Tickets_WhenSignedOut_RedirectsToSignIn()
    {
        using var browser = Browser.Open(app);

        var page = await browser.Get("/tickets");

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin?ReturnUrl=%2Ftickets", page.Location);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("carol");
        var tickets = await browser.Get("/tickets");

        var result = await browser.Submit(tickets, "/signout", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, result.Status);
        Assert.Equal("/signin", result.Location);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Get("/tickets")).Status);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRefused()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("carol");

        var response = await browser.Client.PostAsync("/signout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get("/tickets")).Status);
    }
}
