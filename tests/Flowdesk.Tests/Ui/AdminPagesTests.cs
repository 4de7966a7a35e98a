using System.Net;
using System.Text;
using Flowdesk.Attachments;
using Flowdesk.Mail;
using Flowdesk.Notifications;
using Flowdesk.Outbox;
using Flowdesk.People;
using Flowdesk.Security;
using Flowdesk.Persistence;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Ui;

/// <summary>
/// The console's admin screens as first rendered (no JavaScript): who sees which screen and the nav entry, and that
/// each shows what the admin API's Core services return — the same template text, outbox counts and quarantine.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AdminPagesTests(FlowdeskApp app)
{
    [Theory]
    [InlineData("/console/admin/templates")]
    [InlineData("/console/admin/templates/assigned/en")]
    [InlineData("/console/admin/outbox")]
    [InlineData("/console/admin/mail")]
    public async Task AdminScreens_ForATechnician_AreTheOrdinary404(string address)
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("li.agent");

        var page = await browser.Get(address);
        var missing = await browser.Get("/console/admin/no-such-screen");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains("fd-notfound-heading", page.Html);
        Assert.DoesNotContain("data-nav=\"admin\"", page.Html);
    }

    [Fact]
    public async Task ConsoleNav_ShowsAdministration_ToAdminsOnly()
    {
        using var admin = Browser.Open(app);
        await admin.SignedInAs("admin");
        using var technician = Browser.Open(app);
        await technician.SignedInAs("li.agent");

        Assert.Contains("href=\"/console/admin/templates\" data-nav=\"admin\"", (await admin.Get("/console/processes")).Html);
        Assert.DoesNotContain("data-nav=\"admin\"", (await technician.Get("/console/processes")).Html);
    }

    [Fact]
    public async Task DeskAdmin_SeesTheMailQuarantine_ButNotTemplatesOrOutbox()
    {
        using var browser = Browser.Open(app);
        await browser.SignedInAs("zhang.hr");

        Assert.Equal(HttpStatusCode.OK, (await browser.Get("/console/admin/mail")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get("/console/admin/templates")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get("/console/admin/outbox")).Status);
        var home = await browser.Get("/console/admin");
        Assert.Equal(HttpStatusCode.Redirect, home.Status);
        Assert.EndsWith("/console/admin/mail", home.Response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateEditor_ShowsTheSavedOverride_AndItsPreview()
    {
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            var admin = await db.Users.SingleAsync(p => p.UserName == "admin");
            await TemplateAdmin.ResetAsync(db, "resolved", "zh-CN", default);
            await TemplateAdmin.SaveAsync(db, "resolved", "zh-CN", "已解决：{{ ticket.number }}", "{{ recipient.name }}，您好：工单已解决。", admin.Id,
                DateTimeOffset.UtcNow, default);
        }
        using var browser = Browser.Open(app);
        await browser.SignedInAs("admin");

        var page = await browser.Get("/console/admin/templates/resolved/zh-CN");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("value=\"已解决：{{ ticket.number }}\"", page.Html);
        Assert.Contains("data-custom=\"true\"", page.Html);
        // Rendered with the sample ticket, as the preview endpoint renders it.
        Assert.Contains("已解决：IT-000123", page.Html);
        Assert.Contains("张敏，您好：工单已解决。", page.Html);
    }

    [Fact]
    public async Task Outbox_ShowsTheCounts_AndTheDeadLettersWithTheirLastError()
    {
        Guid id;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            var message = new OutboxMessage("admin-pages-test", "{}", null, DateTimeOffset.UtcNow);
            db.OutboxMessages.Add(message);
            await db.SaveChangesAsync();
            await db.OutboxMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Dead).SetProperty(m => m.LastError, "webhook answered 410 Gone <b>"));
            id = message.Id;
        }
        using var browser = Browser.Open(app);
        await browser.SignedInAs("admin");

        var page = await browser.Get("/console/admin/outbox");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"data-id=\"{id}\"", page.Html);
        Assert.Contains("webhook answered 410 Gone &lt;b&gt;", page.Html);
        using var scope2 = app.Services.CreateScope();
        var counts = await OutboxAdmin.CountsAsync(scope2.ServiceProvider.GetRequiredService<FlowdeskDb>(), default);
        Assert.Contains($"data-status=\"dead\" data-count=\"{counts.Dead}\"", page.Html);
        Assert.True(counts.Dead >= 1);
    }

    [Fact]
    public async Task Outbox_WarnsOfMessagesThatNothingHereCanDeliver()
    {
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            db.OutboxMessages.Add(new OutboxMessage("fax-no-delivery", "{}", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        using var browser = Browser.Open(app);
        await browser.SignedInAs("admin");

        var page = await browser.Get("/console/admin/outbox");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-waiting=\"fax-no-delivery\" data-count=\"1\"", page.Html);
        Assert.Contains("nothing installed here delivers this kind of message.", page.Html);
        var api = await app.ClientFor("admin");
        var waiting = await (await api.GetAsync("/api/v1/admin/outbox/waiting")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(waiting.EnumerateArray(), w => w.Str("kind") == "fax-no-delivery" && w.GetProperty("count").GetInt32() == 1);
        await (await (await app.ClientFor("li.agent")).GetAsync("/api/v1/admin/outbox/waiting")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Quarantine_ShowsTheReasonAndSender_AndTheRawHeaderBlockReader_StopsAtTheBody()
    {
        Guid id;
        FileInfo raw;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
            var bytes = Encoding.UTF8.GetBytes("From: Broken Sender <broken@test.example>\r\nSubject: =?bad?Q?x\r\nContent-Type: multipart/mixed\r\n\r\nSECRET BODY LINE\r\n");
            await using var staged = await store.StageAsync(new MemoryStream(bytes), 1 << 20, default);
            await staged.CommitAsync();
            var hr = await db.Desks.SingleAsync(d => d.Key == "hr");
            var mail = new InboundMail(hr.Id, "hr@test.example:993/INBOX", "sha256:" + staged.Sha256 + Guid.NewGuid().ToString("N"), null,
                "broken@test.example", "Broken Sender", "Quarantine page test", bytes.Length, null, DateTimeOffset.UtcNow);
            mail.Quarantined("unparseable", "multipart boundary missing", staged.Sha256);
            db.InboundMail.Add(mail);
            await db.SaveChangesAsync();
            id = mail.Id;
            raw = store.Find(staged.Sha256)!;
        }
        using var browser = Browser.Open(app);
        await browser.SignedInAs("zhang.hr");

        var page = await browser.Get("/console/admin/mail");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"data-id=\"{id}\"", page.Html);
        Assert.Contains("broken@test.example", page.Html);
        Assert.Contains("Quarantine page test", page.Html);
        var headers = await MailAdmin.HeaderBlockAsync(raw, default);
        Assert.StartsWith("From: Broken Sender", headers, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/mixed", headers, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET BODY LINE", headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Screens_SpeakThePersonsLanguage_AndListTemplatesThatFailedWhenSent()
    {
        var person = await app.CreatePersonAsync("admin.zh.pages");
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var stored = (await users.FindByIdAsync(person.Id.ToString()))!;
            stored.Language = "zh-CN";
            await users.UpdateAsync(stored);
            await users.AddToRoleAsync(stored, SystemRoles.SystemAdmin);
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            db.NotificationTemplateErrors.Add(new NotificationTemplateError("sla_breach", "en", null, "Line 2: there is no placeholder 'sla.deu'.", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        using var browser = Browser.Open(app, acceptLanguage: "en");
        await browser.SignedInAs(person.UserName!);

        var templates = await browser.Get("/console/admin/templates");
        var outbox = await browser.Get("/console/admin/outbox");

        Assert.Contains("<h1>通知模板</h1>", templates.Html);
        Assert.Contains(">管理</a>", templates.Html);
        Assert.Contains("SLA 已违约 · 英文", templates.Html);
        Assert.Contains("there is no placeholder &#x27;sla.deu&#x27;", templates.Html);
        Assert.Contains("<h1>发件箱</h1>", outbox.Html);
        Assert.Contains("死信", outbox.Html);
    }
}
