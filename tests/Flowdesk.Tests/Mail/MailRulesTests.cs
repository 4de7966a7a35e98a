using Flowdesk.Mail;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace Flowdesk.Tests.Mail;

/// <summary>The pure parts of mail: recognising robots, building outgoing mail, reading bodies, and the settings.</summary>
public sealed class MailRulesTests
{
    static readonly MailSettings Settings = MailSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "smtp.example.org",
        ["Smtp:From"] = "IT Service Desk <servicedesk@example.org>",
        ["Mail:Inboxes:0:Desk"] = "IT",
        ["Mail:Inboxes:0:Host"] = "imap.example.org",
        ["Mail:Inboxes:0:User"] = "support@example.org",
    }).Build());

    static MimeMessage Fixture(string name) => MimeMessage.Load(new MemoryStream(MailFixtures.Raw(name)));

    [Theory]
    [InlineData("01-plain-text-swaks", null)]
    [InlineData("02-html-with-attachments-mutt", null)]
    [InlineData("03-reply-in-reply-to-references-mutt", null)]
    [InlineData("04-chinese-encoded-word-mutt", null)]
    [InlineData("06-itsm-notification-swaks", "own-address")]
    [InlineData("07-auto-reply-sieve-vacation-default", "no-sender")]
    [InlineData("08-auto-reply-sieve-vacation-auto-submitted", "auto-submitted")]
    public void RecordedMessages_AreTakenOrIgnoredForTheRightReason(string fixture, string? reason) =>
        Assert.Equal(reason, AutoReplyDetector.Check(Fixture(fixture), Settings)?.Reason);

    [Theory]
    [InlineData("Auto-Submitted: auto-replied", "auto-submitted")]
    [InlineData("Auto-Submitted: auto-generated", "auto-submitted")]
    [InlineData("Auto-Submitted: no", null)]
    [InlineData("Precedence: bulk", "precedence")]
    [InlineData("Precedence: junk", "precedence")]
    [InlineData("Precedence: list", "precedence")]
    [InlineData("X-Autoreply: yes", "auto-reply-header")]
    [InlineData("List-Id: <staff.example.org>", "mailing-list")]
    [InlineData("Return-Path: <>", "null-sender")]
    [InlineData("X-Flowdesk-Ticket: IT-000001", "own-mail")]
    [InlineData("In-Reply-To: Your message of Wed, 25 Nov 2026", "vacation")]
    [InlineData("Subject: Automatic reply: Printer", "auto-reply-subject")]
    [InlineData("Subject: 自动回复：打印机", "auto-reply-subject")]
    [InlineData("Subject: Out of office hours printer problem", null)]
    public void OneHeader_IsEnoughToRecogniseARobot(string header, string? reason)
    {
        var text = $"From: Alice <alice@example.org>\r\n{(header.StartsWith("Subject:") ? "" : "Subject: Printer\r\n")}{header}\r\nMessage-ID: <a@b>\r\n\r\nHi\r\n";
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal(reason, AutoReplyDetector.Check(message, Settings)?.Reason);
    }

    [Fact]
    public void Bounces_AreRecognisedByTheirReportAndTheirSender()
    {
        var report = new MimeMessage();
        report.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mail.example.org"));
        report.Subject = "Undelivered Mail Returned to Sender";
        report.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "failed" }, new MessageDeliveryStatus() };
        Assert.Equal("report", AutoReplyDetector.Check(report, Settings)?.Reason);

        report.Body = new TextPart("plain") { Text = "failed" };
        Assert.Equal("bounce", AutoReplyDetector.Check(report, Settings)?.Reason);
    }

    [Fact]
    public void OurOwnMessageId_IsALoop()
    {
        var id = Guid.NewGuid();
        var message = new MimeMessage { MessageId = MailIds.ForOutbox(id, "example.org"), Subject = "x" };
        message.From.Add(new MailboxAddress("Someone", "someone@example.com"));
        Assert.Equal("own-mail", AutoReplyDetector.Check(message, Settings)?.Reason);
        Assert.True(MailIds.TryParseOutbox("<" + message.MessageId + ">", out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("Printer broken", "IT-000123", "[IT-000123] Printer broken")]
    [InlineData("Re: [IT-000123] Printer broken", "IT-000123", "Re: [IT-000123] Printer broken")]
    [InlineData("Printer broken", null, "Printer broken")]
    [InlineData("  Line\r\nBcc: x@example.com\tTab  ", "IT-1", "[IT-1] Line Bcc: x@example.com Tab")]
    [InlineData("Zero\u200bwidth\u2028separator", null, "Zero width separator")]
    public void Subject_IsOneLineAndTagged(string subject, string? number, string expected) =>
        Assert.Equal(expected, OutgoingMail.Subject(subject, number));

    [Fact]
    public void SameOutboxMessage_BuildsTheSameMessageId()
    {
        var payload = new EmailPayload(new EmailRecipient("a@example.org"), "S", "T");
        var id = Guid.NewGuid();
        var first = OutgoingMail.Build(payload, id, Settings, DateTimeOffset.UnixEpoch);
        var again = OutgoingMail.Build(payload, id, Settings, DateTimeOffset.UnixEpoch);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal($"outbox-{id:N}@example.org", first.MessageId);
    }

    [Fact]
    public void QuotedConversation_IsCutFromReplies()
    {
        Assert.Equal("Thanks, it works.", MailContent.WithoutQuotedReply("Thanks, it works.\r\n\r\nOn Mon, 1 Dec 2026, IT wrote:\r\n> Try again\r\n>\r\n> IT\r\n"));
        Assert.Equal("好的，谢谢。", MailContent.WithoutQuotedReply("好的，谢谢。\n\n在 2026年12月1日 IT 写道：\n> 请重试\n"));
        Assert.Equal("Done.", MailContent.WithoutQuotedReply("Done.\n\n-----Original Message-----\nFrom: IT\nSubject: x\n"));
        // An attribution followed by more of the person's own words is not a quote.
        Assert.Contains("More text", MailContent.WithoutQuotedReply("On Monday Bob wrote:\nMore text\n"));
        Assert.Equal("> only a quote", MailContent.WithoutQuotedReply("> only a quote"));
    }

    [Fact]
    public void HtmlToText_KeepsParagraphsListsAndLinks()
    {
        var text = MailContent.HtmlToText("<html><head><title>T</title><style>p{}</style></head><body><p>Hello <b>IT</b>,</p><ul><li>one</li><li>two</li></ul>" +
            "<p>See <a href=\"https://example.com/x\">the page</a>.<br>Bye</p><script>alert(1)</script></body></html>");
        Assert.Equal("Hello IT,\n\n- one\n- two\n\nSee the page (https://example.com/x).\nBye", text);
    }

    [Fact]
    public void SanitizeHtml_RemovesScriptsHandlersRemoteImagesAndLinksIntoTheApp()
    {
        var html = MailContent.SanitizeHtml(
            "<p style=\"color:red;background-image:url(https://t.example/x)\" onmouseover=\"x()\">Hi <img src=\"cid:Part1.ABC@host\"> <img src=\"http://t.example/p.gif\">" +
            "<a href=\"/api/v1/admin/outbox\">in</a> <a href=\"vbscript:x\">vb</a> <a href=\"https://ok.example\">ok</a> <a href=\"mailto:a@b.c\">m</a></p>" +
            "<form action=\"https://x\"><input name=\"p\"></form><object data=\"x\"></object><svg onload=\"x()\"></svg>",
            new Dictionary<string, string> { ["part1.abc@host"] = "/api/v1/attachments/42" });
        Assert.Contains("<img src=\"/api/v1/attachments/42\">", html);
        Assert.Contains("color: rgba(255, 0, 0, 1)", html);
        Assert.Contains("href=\"https://ok.example\"", html);
        Assert.Contains("href=\"mailto:a@b.c\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
        foreach (var bad in new[] { "onmouseover", "t.example", "/api/v1/admin", "vbscript", "<form", "<input", "<object", "<svg", "background" })
            Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Smtp:Tls", "sometimes", "Smtp:Tls")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Smtp:From", "not an address", "Smtp:From")]
    [InlineData("Mail:MaxMessageBytes", "-1", "Mail:MaxMessageBytes")]
    [InlineData("Mail:Inboxes:0:Kind", "problem", "Mail:Inboxes:0:Kind")]
    [InlineData("Mail:Inboxes:0:Host", "", "Mail:Inboxes:0:Host")]
    public void BadSettings_NameTheKeyAtFault(string key, string value, string named)
    {
        var values = new Dictionary<string, string?> { ["Mail:Inboxes:0:Desk"] = "it", ["Mail:Inboxes:0:Host"] = "imap.example.org", [key] = value };
        var error = Assert.Throws<InvalidOperationException>(() => MailSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Settings_HaveDefaultsAndKnowOurAddresses()
    {
        Assert.Equal((587, MailTls.StartTls), (Settings.Smtp.Port, Settings.Smtp.Tls));
        var inbox = Assert.Single(Settings.Inboxes);
        Assert.Equal(("it", 993, MailTls.Tls, "INBOX", "support@example.org"), (inbox.Desk, inbox.Port, inbox.Tls, inbox.Folder, inbox.Address));
        Assert.Equal(25L * 1024 * 1024, Settings.MaxMessageBytes);
        Assert.Equal("example.org", Settings.MessageIdHost);
        Assert.True(Settings.OwnAddresses.SetEquals(["servicedesk@example.org", "support@example.org"]));
    }
}
