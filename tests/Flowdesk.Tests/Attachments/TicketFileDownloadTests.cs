using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;

namespace Flowdesk.Tests.Attachments;

/// <summary>
/// GET /files/{id}: attachments for a browser signed in with the cookie (the ticket page's links), through the same
/// access rule as the ticket — a file the person may not see is the same 404 as one that does not exist.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TicketFileDownloadTests(FlowdeskApp app)
{
    static async Task<string> Upload(HttpClient client, JsonElement ticket, byte[] bytes, string name, string? commentId = null)
    {
        var response = await client.PostAsync($"/api/v1/tickets/{ticket.Id()}/attachments", Samples.Form(bytes, name, commentId));
        return (await response.ShouldBe(HttpStatusCode.Created)).Str("id");
    }

    static async Task<Browser> SignedIn(FlowdeskApp app, string userName)
    {
        var browser = Browser.Open(app);
        await browser.SignedInAs(userName);
        return browser;
    }

    [Fact]
    public async Task TheTicketPage_LinksEachFile_AndTheCookieDownloadsIt_WithTheChineseNameAndSafeHeaders()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket("it", "VPN drops every hour");
        var bytes = Samples.Text($"错误日志 {Guid.NewGuid()}\nVPN tunnel reset\n");
        var id = await Upload(alice, ticket, bytes, "网络故障 日志.log");
        using var li = await SignedIn(app, "li.agent");

        var page = await li.Get($"/tickets/{ticket.Str("number")}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"href=\"/files/{id}\"", page.Html);

        var download = await li.Client.GetAsync($"/files/{id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("网络故障 日志.log", disposition.FileNameStar);
        // The raw header carries the RFC 5987 form, percent-encoded UTF-8, and an ASCII fallback.
        var raw = string.Join(",", download.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains("filename*=UTF-8''%E7%BD%91%E7%BB%9C%E6%95%85%E9%9A%9C%20%E6%97%A5%E5%BF%97.log", raw);
        Assert.Matches("(^|;\\s*)filename=[^;]+", raw);
        Assert.Equal("nosniff", string.Join(",", download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox; default-src 'none'", string.Join(",", download.Headers.GetValues("Content-Security-Policy")));
        Assert.True(download.Headers.CacheControl!.Private);
    }

    [Fact]
    public async Task RasterImages_OpenInPlace_OtherFilesAreSavedOnly()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket("it", "Screen shows stripes");
        var png = await Upload(alice, ticket, Samples.Png(), "屏幕截图.png");
        var jpeg = await Upload(alice, ticket, Samples.Jpeg(), "photo.jpg");
        var pdf = await Upload(alice, ticket, Samples.Pdf(), "说明.pdf");
        using var browser = await SignedIn(app, "alice");

        var image = await browser.Client.GetAsync($"/files/{png}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline", image.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("屏幕截图.png", image.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("inline", (await browser.Client.GetAsync($"/files/{jpeg}")).Content.Headers.ContentDisposition!.DispositionType);

        var document = await browser.Client.GetAsync($"/files/{pdf}");
        Assert.Equal("application/pdf", document.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", document.Content.Headers.ContentDisposition!.DispositionType);

        // The API keeps answering "save as" for every type.
        var api = await alice.GetAsync($"/api/v1/attachments/{png}");
        Assert.Equal("attachment", api.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task SomeoneElsesTicket_AnInternalNotesFile_AConfidentialDesk_AndUnknownIds_AreAllNotFound()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket("it", "Keyboard missing keys");
        var mine = await Upload(alice, ticket, Samples.Png(), "keyboard.png");
        var li = await app.ClientFor("li.agent");
        var note = await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = "Check the asset tag first.", @internal = true }))
            .ShouldBe(HttpStatusCode.Created);
        var internalFile = await Upload(li, ticket, Samples.Text($"asset list {Guid.NewGuid()}"), "assets.txt", note.Str("id"));
        var hrCase = await alice.CreateTicket("hr", "Question about my contract", "request");
        var hrFile = await Upload(alice, hrCase, Samples.Pdf(), "合同.pdf");

        using var carol = await SignedIn(app, "carol");
        using var aliceBrowser = await SignedIn(app, "alice");
        using var liBrowser = await SignedIn(app, "li.agent");

        Assert.Equal(HttpStatusCode.OK, (await aliceBrowser.Client.GetAsync($"/files/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await liBrowser.Client.GetAsync($"/files/{internalFile}")).StatusCode);
        // Another employee's ticket, the requester and an internal note's file, IT staff and an HR case.
        Assert.Equal(HttpStatusCode.NotFound, (await carol.Client.GetAsync($"/files/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await aliceBrowser.Client.GetAsync($"/files/{internalFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liBrowser.Client.GetAsync($"/files/{hrFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liBrowser.Client.GetAsync($"/files/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liBrowser.Client.GetAsync("/files/not-a-file")).StatusCode);
        // The hidden and the missing answer the same page.
        var hidden = await carol.Client.GetAsync($"/files/{mine}");
        Assert.Equal("text/html", hidden.Content.Headers.ContentType!.MediaType);
        Assert.Null(hidden.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task WithoutASession_TheDownloadAsksToSignIn()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket("it", "Mouse double-clicks");
        var id = await Upload(alice, ticket, Samples.Png(), "mouse.png");
        using var anonymous = Browser.Open(app);

        var response = await anonymous.Client.GetAsync($"/files/{id}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("/signin", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
    }
}
