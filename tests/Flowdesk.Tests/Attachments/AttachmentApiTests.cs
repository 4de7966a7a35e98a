using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flowdesk.Attachments;
using Flowdesk.People;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Attachments;

/// <summary>Upload, download, type sniffing, names and who may see what, through the real host.</summary>
[Collection(ApiCollection.Name)]
public sealed class AttachmentApiTests(FlowdeskApp app)
{
    static readonly string[] CarolWatches = ["carol"];

    static string AttachmentsOf(JsonElement ticket) => $"/api/v1/tickets/{ticket.Id()}/attachments";

    async Task<(HttpClient Alice, JsonElement Ticket)> AliceWithTicket(string desk = "it")
    {
        var alice = await app.ClientFor("alice");
        return (alice, await alice.CreateTicket(desk, "Screen flickers"));
    }

    static async Task<JsonElement> Upload(HttpClient client, JsonElement ticket, byte[] bytes, string name, string? commentId = null)
    {
        var response = await client.PostAsync(AttachmentsOf(ticket), Samples.Form(bytes, name, commentId));
        return await response.ShouldBe(HttpStatusCode.Created);
    }

    async Task<bool> Stored(string sha256) =>
        File.Exists(Path.Combine(app.DataPath, "attachments", sha256[..2], sha256[2..4], sha256))
        || await app.Db(db => db.Attachments.AnyAsync(a => a.Sha256 == sha256));

    [Fact]
    public async Task Upload_then_download_returns_the_same_bytes_with_safe_headers_and_the_chinese_name()
    {
        var (alice, ticket) = await AliceWithTicket();
        var bytes = Samples.Png();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "网络故障截图 2026.png" } };

        var response = await alice.PostAsync(AttachmentsOf(ticket), form);
        var created = await response.ShouldBe(HttpStatusCode.Created);

        Assert.Equal("网络故障截图 2026.png", created.Str("fileName"));
        Assert.Equal("image/png", created.Str("contentType"));
        Assert.Equal(bytes.Length, created.GetProperty("size").GetInt64());
        Assert.Equal(Samples.Sha256(bytes), created.Str("sha256"));
        Assert.Equal("alice", created.GetProperty("uploadedBy").Str("username"));
        Assert.Equal(created.Str("download"), response.Headers.Location!.OriginalString);

        var download = await alice.GetAsync(created.Str("download"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("网络故障截图 2026.png", disposition.FileNameStar);
        Assert.Equal("nosniff", string.Join(",", download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox; default-src 'none'", string.Join(",", download.Headers.GetValues("Content-Security-Policy")));
        Assert.True(download.Headers.CacheControl!.Private);
        Assert.Equal($"\"{Samples.Sha256(bytes)}\"", download.Headers.ETag!.Tag);

        var again = new HttpRequestMessage(HttpMethod.Get, created.Str("download"));
        again.Headers.IfNoneMatch.Add(download.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await alice.SendAsync(again)).StatusCode);

        var list = await (await alice.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(created.Str("id"), Assert.Single(list.EnumerateArray()).Str("id"));
    }

    [Fact]
    public async Task Utf8_text_is_served_as_text_plain_with_its_chinese_name()
    {
        var (alice, ticket) = await AliceWithTicket();
        var bytes = Samples.Text($"错误日志 {Guid.NewGuid()}\nERROR 0x80070005 access denied\n");

        var created = await Upload(alice, ticket, bytes, "错误日志.log");

        var download = await alice.GetAsync(created.Str("download"));
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", download.Content.Headers.ContentType.CharSet);
        Assert.Equal("错误日志.log", download.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task A_png_named_txt_is_served_as_image_png_and_gets_a_png_extension()
    {
        var (alice, ticket) = await AliceWithTicket();

        var created = await Upload(alice, ticket, Samples.Png(), "notes.txt");

        Assert.Equal("image/png", created.Str("contentType"));
        Assert.Equal("notes.txt.png", created.Str("fileName"));
        var download = await alice.GetAsync(created.Str("download"));
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
    }

    public static TheoryData<string, string, string> TypesByBytes => new()
    {
        { "jpeg", "photo.jpg", "image/jpeg" },
        { "gif", "anim.gif", "image/gif" },
        { "webp", "pic.webp", "image/webp" },
        { "bmp", "scan.bmp", "image/bmp" },
        { "pdf", "manual.pdf", "application/pdf" },
        { "docx", "report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        { "xlsm", "budget.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12" },
        { "zip", "logs.zip", "application/zip" },
        { "ole", "old.doc", "application/msword" },
        { "ole", "mail.msg", "application/vnd.ms-outlook" },
        { "7z", "dump.7z", "application/x-7z-compressed" },
        { "gz", "trace.tar.gz", "application/gzip" },
        { "rar", "files.rar", "application/vnd.rar" },
        { "csv", "export.csv", "text/csv; charset=utf-8" },
        { "json", "config.json", "application/json" },
    };

    [Theory]
    [MemberData(nameof(TypesByBytes))]
    public async Task Allowed_types_are_accepted_with_the_type_their_bytes_show(string sample, string name, string contentType)
    {
        var (alice, ticket) = await AliceWithTicket();
        byte[] bytes = sample switch
        {
            "jpeg" => Samples.Jpeg(), "gif" => Samples.Gif(), "webp" => Samples.WebP(), "bmp" => Samples.Bmp(),
            "pdf" => Samples.Pdf(), "docx" => Samples.Docx(), "xlsm" => Samples.Xlsm(), "zip" => Samples.Zip("a.txt", "b/c.log"),
            "ole" => Samples.Ole(), "7z" => Samples.SevenZip(), "gz" => Samples.Gzip(), "rar" => Samples.Rar(),
            "csv" => Samples.Text($"id,name\n1,{Guid.NewGuid()}\n"), "json" => Samples.Text($"{{\"id\":\"{Guid.NewGuid()}\"}}"),
            _ => throw new ArgumentOutOfRangeException(nameof(sample)),
        };

        var created = await Upload(alice, ticket, bytes, name);

        Assert.Equal(contentType, created.Str("contentType"));
        Assert.Equal(name, created.Str("fileName"));
    }

    public static TheoryData<string, string> ForbiddenFiles => new()
    {
        { "exe", "invoice.pdf" },
        { "elf", "readme.txt" },
        { "macho", "photo.png" },
        { "msi", "setup.doc" },
        { "shebang", "notes.txt" },
        { "html", "page.txt" },
        { "svg", "logo.png" },
        { "xml", "data.txt" },
        { "binary", "blob.bin" },
        { "gbk", "中文.txt" },
        { "broken-zip", "a.docx" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenFiles))]
    public async Task Forbidden_types_are_refused_with_400_and_nothing_is_stored(string sample, string name)
    {
        var (alice, ticket) = await AliceWithTicket();
        byte[] bytes = sample switch
        {
            "exe" => Samples.Exe(),
            "elf" => Samples.Elf(),
            "macho" => Samples.MachO(),
            "msi" => Samples.Ole(Samples.MsiClsid),
            "shebang" => Samples.Text($"#!/bin/sh\nrm -rf / # {Guid.NewGuid()}\n"),
            "html" => Samples.Text($"  <!DOCTYPE html><html><script>alert('{Guid.NewGuid()}')</script></html>"),
            "svg" => Samples.Text($"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert('{Guid.NewGuid()}')\"/>"),
            "xml" => Samples.Text($"\uFEFF<?xml version=\"1.0\"?><x>{Guid.NewGuid()}</x>"),
            "binary" => [0, 1, 2, 3, .. Guid.NewGuid().ToByteArray()],
            "gbk" => [0xD6, 0xD0, 0xCE, 0xC4, 0x20, .. Encoding.ASCII.GetBytes(Guid.NewGuid().ToString())],
            "broken-zip" => [.. "PK\x03\x04"u8, .. Guid.NewGuid().ToByteArray()],
            _ => throw new ArgumentOutOfRangeException(nameof(sample)),
        };

        var response = await alice.PostAsync(AttachmentsOf(ticket), Samples.Form(bytes, name));

        var problem = await response.ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("file"), problem.ToString());
        Assert.False(await Stored(Samples.Sha256(bytes)));
        var list = await (await alice.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(list.EnumerateArray());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataPath, "attachments", "tmp")));
    }

    [Fact]
    public async Task The_exe_refusal_names_the_detected_type_in_the_callers_language()
    {
        var (alice, ticket) = await AliceWithTicket();
        var request = new HttpRequestMessage(HttpMethod.Post, AttachmentsOf(ticket)) { Content = Samples.Form(Samples.Exe(), "invoice.pdf") };
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");

        var problem = await (await alice.SendAsync(request)).ShouldBe(HttpStatusCode.BadRequest);

        var message = Assert.Single(problem.Errors()["file"]);
        Assert.Contains("application/x-msdownload", message);
        Assert.Contains("不接受", message);
    }

    public static TheoryData<string, string> UnsafeNames => new()
    {
        { "../../etc/passwd", "passwd.txt" },
        { "..\\..\\windows\\win.ini", "win.ini" },
        { "C:\\x\\y.txt", "y.txt" },
        { "/var/log/syslog.log", "syslog.log" },
        { "a\u0001b\u0007c.txt", "abc.txt" },
        { "line\r\nbreak.txt", "linebreak.txt" },
        { "invoice\u202Efdp.exe", "invoicefdp.exe.txt" },
        { "run.bat", "run.bat.txt" },
        { "CON.txt", "_CON.txt" },
        { ".bashrc", "bashrc.txt" },
        { "a<b>c?.txt", "a_b_c_.txt" },
        { "report.txt:hidden", "hidden.txt" },
    };

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public async Task Path_like_and_tricky_names_are_stored_as_a_safe_base_name(string sent, string stored)
    {
        var (alice, ticket) = await AliceWithTicket();

        var created = await Upload(alice, ticket, Samples.Text($"hello {Guid.NewGuid()}"), sent);

        Assert.Equal(stored, created.Str("fileName"));
        var download = await alice.GetAsync(created.Str("download"));
        Assert.Equal(stored, download.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task A_300_character_name_is_shortened_to_255_keeping_its_extension()
    {
        var (alice, ticket) = await AliceWithTicket();

        var created = await Upload(alice, ticket, Samples.Png(), new string('图', 296) + ".png");

        var name = created.Str("fileName");
        Assert.Equal(255, name.Length);
        Assert.EndsWith("图.png", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../..")]
    [InlineData("\u202E\u0000")]
    [InlineData("   ")]
    public async Task A_name_with_nothing_usable_left_is_refused(string name)
    {
        var (alice, ticket) = await AliceWithTicket();
        var bytes = Samples.Png();

        var problem = await (await alice.PostAsync(AttachmentsOf(ticket), Samples.Form(bytes, name))).ShouldBe(HttpStatusCode.BadRequest);

        Assert.True(problem.Errors().ContainsKey("file"));
        Assert.False(await Stored(Samples.Sha256(bytes)));
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var (alice, ticket) = await AliceWithTicket();

        var problem = await (await alice.PostAsync(AttachmentsOf(ticket), Samples.Form([], "empty.txt"))).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("The file is empty.", Assert.Single(problem.Errors()["file"]));
    }

    [Fact]
    public async Task A_form_without_the_file_field_is_refused()
    {
        var (alice, ticket) = await AliceWithTicket();

        var wrongField = await (await alice.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "a.png", field: "upload"))).ShouldBe(HttpStatusCode.BadRequest);
        var noFile = await (await alice.PostAsync(AttachmentsOf(ticket), new MultipartFormDataContent { { new StringContent("x"), "commentId" } })).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("Attach a file in the form field 'file'.", Assert.Single(wrongField.Errors()["file"]));
        Assert.Equal("Attach a file in the form field 'file'.", Assert.Single(noFile.Errors()["file"]));
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_refused()
    {
        var (alice, ticket) = await AliceWithTicket();

        var json = await (await alice.PostJson(AttachmentsOf(ticket), "{\"file\":\"aGVsbG8=\"}")).ShouldBe(HttpStatusCode.BadRequest);
        var raw = await (await alice.PostAsync(AttachmentsOf(ticket), new ByteArrayContent(Samples.Png()))).ShouldBe(HttpStatusCode.BadRequest);

        Assert.True(json.Errors().ContainsKey("file"));
        Assert.True(raw.Errors().ContainsKey("file"));
    }

    [Fact]
    public async Task A_truncated_multipart_body_is_refused_not_a_500()
    {
        var (alice, ticket) = await AliceWithTicket();
        var body = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello");
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        await (await alice.PostAsync(AttachmentsOf(ticket), body)).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_same_bytes_uploaded_twice_are_stored_once()
    {
        var (alice, ticket) = await AliceWithTicket();
        var li = await app.ClientFor("li.agent");
        var bytes = Samples.Pdf();

        var first = await Upload(alice, ticket, bytes, "manual.pdf");
        var second = await Upload(li, ticket, bytes, "manual (1).pdf");

        Assert.NotEqual(first.Str("id"), second.Str("id"));
        var sha = Samples.Sha256(bytes);
        var folder = Path.Combine(app.DataPath, "attachments", sha[..2], sha[2..4]);
        Assert.Equal([Path.Combine(folder, sha)], Directory.GetFiles(folder).Where(f => f.EndsWith(sha, StringComparison.Ordinal)).ToArray());
        Assert.Equal(bytes, await (await li.GetAsync(second.Str("download"))).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Attachments_follow_the_ticket_other_requesters_and_other_desks_get_404()
    {
        var (alice, itTicket) = await AliceWithTicket("it");
        var hrTicket = await alice.CreateTicket("hr", "请假流程 leave request", "request");
        var onIt = await Upload(alice, itTicket, Samples.Png(), "it.png");
        var onHr = await Upload(alice, hrTicket, Samples.Png(), "hr.png");
        var missing = await (await alice.GetAsync($"/api/v1/attachments/{Guid.NewGuid()}")).ShouldBe(HttpStatusCode.NotFound);

        var bob = await app.ClientFor("bob");
        var li = await app.ClientFor("li.agent");
        var zhang = await app.ClientFor("zhang.hr");

        foreach (var (client, attachment, ticket) in new[] { (bob, onIt, itTicket), (li, onHr, hrTicket), (zhang, onIt, itTicket) })
        {
            var download = await (await client.GetAsync(attachment.Str("download"))).ShouldBe(HttpStatusCode.NotFound);
            Assert.Equal(missing.Str("title"), download.Str("title"));
            Assert.Equal(missing.Str("detail"), download.Str("detail"));
            Assert.Equal(missing.Str("type"), download.Str("type"));
            await (await client.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.NotFound);
            await (await client.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "x.png"))).ShouldBe(HttpStatusCode.NotFound);
        }

        Assert.Equal(HttpStatusCode.OK, (await li.GetAsync(onIt.Str("download"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await zhang.GetAsync(onHr.Str("download"))).StatusCode);
        await (await alice.GetAsync("/api/v1/attachments/not-a-guid")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_attachment_on_an_internal_note_is_invisible_to_the_requester()
    {
        var (alice, ticket) = await AliceWithTicket();
        var li = await app.ClientFor("li.agent");
        var note = await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = "AD export attached", @internal = true }))
            .ShouldBe(HttpStatusCode.Created);
        var reply = await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = "See the screenshot", @internal = false }))
            .ShouldBe(HttpStatusCode.Created);

        var secret = await Upload(li, ticket, Samples.Text($"user,dn\nalice,{Guid.NewGuid()}\n"), "ad-export.csv", note.Str("id"));
        var shared = await Upload(li, ticket, Samples.Png(), "steps.png", reply.Str("id"));

        Assert.Equal(note.Str("id"), secret.Str("commentId"));
        await (await alice.GetAsync(secret.Str("download"))).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(shared.Str("download"))).StatusCode);
        var aliceSees = (await (await alice.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(a => a.Str("id")).ToList();
        Assert.Equal([shared.Str("id")], aliceSees);
        var liSees = (await (await li.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(a => a.Str("id")).ToList();
        Assert.Equal([secret.Str("id"), shared.Str("id")], liSees);

        // To the requester the internal note does not exist, so attaching to it is attaching to an unknown comment.
        var refused = await (await alice.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "mine.png", note.Str("id")))).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(refused.Errors().ContainsKey("commentId"));
        var bogus = await (await alice.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "mine.png", "nope"))).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(bogus.Errors().ContainsKey("commentId"));
    }

    [Fact]
    public async Task Watchers_may_attach_and_auditors_only_read()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket("it", "Badge reader broken", "incident", new { watchers = CarolWatches });
        var carol = await app.ClientFor("carol");
        await Upload(carol, ticket, Samples.Png(), "reader.png");

        await app.InScope(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Person>>();
            if (await users.FindByNameAsync("attachment.auditor") is not null) return;
            var auditor = new Person { UserName = "attachment.auditor", DisplayName = "Attachment Auditor" };
            await users.CreateAsync(auditor, FlowdeskApp.Password);
            await users.AddToRoleAsync(auditor, SystemRoles.Auditor);
        });
        var auditorClient = await app.ClientFor("attachment.auditor");

        await (await auditorClient.GetAsync(AttachmentsOf(ticket))).ShouldBe(HttpStatusCode.OK);
        await (await auditorClient.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "audit.png"))).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Upload_without_a_token_is_401()
    {
        var (_, ticket) = await AliceWithTicket();
        using var anonymous = app.Anonymous();

        var response = await anonymous.PostAsync(AttachmentsOf(ticket), Samples.Form(Samples.Png(), "a.png"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_store_is_registered_under_the_data_path()
    {
        var store = await app.InScope(sp => Task.FromResult(sp.GetRequiredService<AttachmentStore>()));
        Assert.Equal(Path.GetFullPath(Path.Combine(app.DataPath, "attachments")), store.Root);
    }
}
