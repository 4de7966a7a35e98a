using System.Net;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Ui;

[Collection(ApiCollection.Name)]
public sealed class StaticAssetTests(FlowdeskApp app)
{
    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/Radzen.Blazor/css/material.css")]
    [InlineData("/app.css")]
    public async Task Asset_IsServed(string path)
    {
        using var client = app.Anonymous();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignInPage_LinksOnlyScriptsOfThisSite()
    {
        using var browser = Browser.Open(app);

        var page = await browser.Get("/signin");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("<script>", page.Html);
        Assert.DoesNotContain("src=\"http", page.Html);
        Assert.Contains("<label for=\"username\">", page.Html);
    }
}
