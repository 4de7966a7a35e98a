using System.Net;
using System.Text;
using Flowdesk.Mail;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Flowdesk.Tests.Mail;

/// <summary>
/// Email in, end to end: the recorded fixture messages (and a few made here) go through a real Postfix into a real
/// Dovecot mailbox, the poller fetches them over IMAP, and the tests look at the tickets, comments, attachments and
/// records that came out — and at the mailbox, where a message is flagged \Seen only once it was processed.
/// </summary>
[Collection(MailCollection.Name)]
public sealed class MailIntakeTests(MailApp app)
{
    [Fact]
    public async Task PlainTextMail_FromUnknownSender_OpensTicketWithNewRequester_AndIsMarkedSeen()
    {
        var inbox = MailApp.NewInbox();
        await app.ReceiveAsync(inbox, MailFixtures.Raw("01-plain-text-swaks", MailFixtures.NewTag()), MailFixtures.EnvelopeFrom("01-plain-text-swaks"));
        Assert.Equal(1, await app.Mail.UnseenCountAsync(inbox.User!));

        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 1), (result.Fetched, result.Tickets));
        var record = Assert.Single(await app.RecordsAsync(inbox.User!.Split('@')[0]));
        Assert.Equal(MailOutcome.Ticket, record.Outcome);
        var ticket = await app.TicketAsync(record.TicketId!.Value);
        Assert.Equal("Printer on 3rd floor not working", ticket.Subject);
        Assert.StartsWith("IT-", ticket.Number);
        Assert.Contains("the printer PRN-3F-01 on the 3rd floor shows \"Paper jam\"", ticket.Description);
        Assert.Equal("alice@example.org", ticket.Requester!.Email);
        Assert.Equal("Alice Johnson", ticket.Requester.DisplayName);
        Assert.False(await app.Db(db => db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => u.PasswordHash != null).SingleAsync()));
        Assert.Equal(0, await app.Mail.UnseenCountAsync(inbox.User!));
    }

    [Fact]
    public async Task KnownSender_IsTheRequester()
    {
        var inbox = MailApp.NewInbox();
        var carolMail = await app.Db(db => db.Users.Where(u => u.UserName == "carol").Select(u => u.Email!).SingleAsync());
        var message = Compose(from: new MailboxAddress("Carol", carolMail.ToUpperInvariant()), subject: "Monitor flickers", text: "The left monitor flickers.");
        await app.ReceiveAsync(inbox, message, carolMail);

        await app.PollAsync(inbox);

        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        var ticket = await app.TicketAsync(record.TicketId!.Value);
        Assert.Equal("carol", ticket.Requester!.UserName);
    }

    [Fact]
    public async Task HtmlMailWithAttachments_KeepsSanitisedHtml_TextVersion_AndBothFiles()
    {
        var inbox = MailApp.NewInbox();
        await app.ReceiveAsync(inbox, MailFixtures.Raw("02-html-with-attachments-mutt", MailFixtures.NewTag()), MailFixtures.EnvelopeFrom("02-html-with-attachments-mutt"));

        await app.PollAsync(inbox);

        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        Assert.Equal(MailOutcome.Ticket, record.Outcome);
        var ticket = await app.TicketAsync(record.TicketId!.Value);
        Assert.Equal("VPN connection fails since this morning", ticket.Subject);
        Assert.Contains("Since this morning the VPN client fails with the error below.", ticket.Description);
        Assert.Contains("- Laptop: LT-0457", ticket.Description);
        Assert.DoesNotContain("<", ticket.Description);
        Assert.Contains("<b>VPN client</b>", record.Html);
        Assert.DoesNotContain("<title>", record.Html);
        Assert.DoesNotContain("<meta", record.Html);

        var files = await app.Db(db => db.Attachments.AsNoTracking().Where(a => a.TicketId == ticket.Id).OrderBy(a => a.FileName).ToListAsync());
        Assert.Equal(["vpn-client.log", "vpn-error-screenshot.png"], files.Select(f => f.FileName));
        Assert.Equal(["text/plain; charset=utf-8", "image/png"], files.Select(f => f.ContentType));
        Assert.Equal(914, files[1].Size);
        Assert.All(files, f => Assert.Equal(ticket.RequesterId, f.UploadedById));
    }

    [Fact]
    public async Task Reply_WithInReplyToAndReferences_BecomesPublicCommentOnItsTicket_WithoutTheQuote()
    {
        var inbox = MailApp.NewInbox();
        var tag = MailFixtures.NewTag();
        await app.ReceiveAsync(inbox, MailFixtures.Raw("01-plain-text-swaks", tag), "alice@example.org");
        await app.PollAsync(inbox);
        var original = Assert.Single(await app.RecordsAsync(Local(inbox)));

        await app.ReceiveAsync(inbox, MailFixtures.Raw("03-reply-in-reply-to-references-mutt", tag), MailFixtures.EnvelopeFrom("03-reply-in-reply-to-references-mutt"));
        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 0), (result.Comments, result.Tickets));
        var reply = (await app.RecordsAsync(Local(inbox))).Single(r => r.Id != original.Id);
        Assert.Equal((MailOutcome.Comment, original.TicketId), (reply.Outcome, reply.TicketId));
        var ticket = await app.TicketAsync(original.TicketId!.Value);
        var comment = Assert.Single(ticket.Comments);
        Assert.False(comment.Internal);
        Assert.Equal(ticket.RequesterId, comment.AuthorId);
        Assert.Equal("Hi,\n\nthe technician was here - it works again now. You can close the ticket.\n\nAlice", comment.Body);
    }

    [Fact]
    public async Task Reply_WithTicketNumberInSubject_BecomesComment_ButNotFromSomeoneWhoMayNotSeeIt()
    {
        var inbox = MailApp.NewInbox();
        var requester = $"req-{MailFixtures.NewTag()}@example.com";
        await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Requester", requester), "Keyboard missing keys", "Two keys are gone."), requester);
        await app.PollAsync(inbox);
        var ticketId = Assert.Single(await app.RecordsAsync(Local(inbox))).TicketId!.Value;
        var number = (await app.TicketAsync(ticketId)).Number;

        await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Requester", requester), $"Re: [{number}] Keyboard missing keys", "Found one of them."), requester);
        var stranger = $"stranger-{MailFixtures.NewTag()}@example.com";
        await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Stranger", stranger), $"Re: [{number}] Keyboard missing keys", "Let me in."), stranger);
        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 1), (result.Comments, result.Tickets));
        var ticket = await app.TicketAsync(ticketId);
        Assert.Equal("Found one of them.", Assert.Single(ticket.Comments).Body);
        var strangers = (await app.RecordsAsync(Local(inbox))).Single(r => r.FromAddress == stranger);
        Assert.NotEqual(ticketId, strangers.TicketId);
        Assert.Equal(MailOutcome.Ticket, strangers.Outcome);
    }

    [Fact]
    public async Task ChineseEncodedWordSubject_IsDecoded_AndTheNewRequesterGetsChinese()
    {
        var inbox = MailApp.NewInbox();
        await app.ReceiveAsync(inbox, MailFixtures.Raw("04-chinese-encoded-word-mutt", MailFixtures.NewTag()), MailFixtures.EnvelopeFrom("04-chinese-encoded-word-mutt"));

        await app.PollAsync(inbox);

        var ticket = await app.TicketAsync(Assert.Single(await app.RecordsAsync(Local(inbox))).TicketId!.Value);
        Assert.Equal("打印机无法连接 - 紧急（三楼会议室）", ticket.Subject);
        Assert.Contains("三楼会议室的打印机（PRN-3F-02）", ticket.Description);
        Assert.Equal("张伟", ticket.Requester!.DisplayName);
        Assert.Equal("zh-CN", ticket.Requester.Language);
    }

    [Fact]
    public async Task AutoRepliesBouncesAndOurOwnMail_NeverOpenTicketsOrComments_ButAreRecorded()
    {
        var inbox = MailApp.NewInbox();
        var tag = MailFixtures.NewTag();
        await app.ReceiveAsync(inbox, MailFixtures.Raw("06-itsm-notification-swaks", tag), MailFixtures.EnvelopeFrom("06-itsm-notification-swaks"));
        await app.ReceiveAsync(inbox, MailFixtures.Raw("07-auto-reply-sieve-vacation-default", tag), MailFixtures.EnvelopeFrom("07-auto-reply-sieve-vacation-default"));
        await app.ReceiveAsync(inbox, MailFixtures.Raw("08-auto-reply-sieve-vacation-auto-submitted", tag), MailFixtures.EnvelopeFrom("08-auto-reply-sieve-vacation-auto-submitted"));
        // A real bounce: Postfix accepts mail for bounce-me@example.com, fails it and reports to the envelope sender.
        await app.Mail.SendRawAsync(Compose(new MailboxAddress("Desk", inbox.Address!), "Your request", "Hello", to: MailServer.BouncingRecipient).Bytes(),
            inbox.Address!, MailServer.BouncingRecipient);
        await app.Mail.WaitForMessagesAsync(inbox.User!, 4);

        var result = await app.PollAsync(inbox);

        Assert.Equal((4, 4, 0, 0), (result.Fetched, result.Ignored, result.Tickets, result.Comments));
        var records = await app.RecordsAsync(Local(inbox));
        Assert.All(records, r => Assert.Equal((MailOutcome.Ignored, (Guid?)null), (r.Outcome, r.TicketId)));
        // Postfix marks its bounce Auto-Submitted: auto-replied (it also has Return-Path <> and is a multipart/report).
        Assert.Equal(["auto-submitted", "auto-submitted", "no-sender", "own-address"], records.Select(r => r.Reason!).Order(StringComparer.Ordinal));
        Assert.Contains(records, r => r.FromAddress is { } from && from.StartsWith("MAILER-DAEMON@", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await app.Mail.UnseenCountAsync(inbox.User!));
    }

    [Fact]
    public async Task RealSieveVacationReply_IsIgnored()
    {
        var inbox = MailApp.NewInbox();
        var bob = $"bob-{MailFixtures.NewTag()}@example.org";
        await app.Mail.SetSieveAsync(bob, """
            require ["vacation"];
            vacation :days 1 :subject "Out of office: Bob Martin" "I am out of the office until Tuesday.";
            """);
        // An old-style notification without Auto-Submitted (like the recorded one), which vacation answers.
        await app.Mail.SendRawAsync(Compose(new MailboxAddress("IT Service Desk", inbox.Address!), "[#1043] Your request has been updated",
            "Please try again.", to: bob).Bytes(), inbox.Address!, bob);
        await app.Mail.WaitForMessagesAsync(inbox.User!, 1);

        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 1, 0), (result.Fetched, result.Ignored, result.Tickets));
        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        Assert.Equal("auto-submitted", record.Reason);
        Assert.Contains("auto-replied", record.Detail);
    }

    [Fact]
    public async Task OurOwnOutgoingMail_ArrivingAtADeskMailbox_IsIgnored()
    {
        var inbox = MailApp.NewInbox();
        var message = MailDeliveryTests.Outbox(new EmailPayload(new EmailRecipient(inbox.Address!, "Desk"), "Ticket updated", "Hello", Number: "IT-000042"));
        await app.DeliverAsync(message);
        await app.Mail.WaitForMessagesAsync(inbox.User!, 1);

        var result = await app.PollAsync(inbox);

        Assert.Equal(1, result.Ignored);
        Assert.Equal("own-mail", Assert.Single(await app.RecordsAsync(Local(inbox))).Reason);
    }

    [Fact]
    public async Task SameMessageDeliveredTwiceAndFetchedAgain_MakesOneTicket()
    {
        var inbox = MailApp.NewInbox();
        var raw = MailFixtures.Raw("01-plain-text-swaks", MailFixtures.NewTag());
        await app.ReceiveAsync(inbox, raw, "alice@example.org");
        await app.ReceiveAsync(inbox, raw, "alice@example.org");

        var first = await app.PollAsync(inbox);
        await app.Mail.MarkAllUnseenAsync(inbox.User!);
        var second = await app.PollAsync(inbox);

        Assert.Equal((2, 1, 1), (first.Fetched, first.Tickets, first.Duplicates));
        Assert.Equal((2, 0, 2), (second.Fetched, second.Tickets, second.Duplicates));
        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        Assert.Equal(1, await app.Db(db => db.Tickets.CountAsync(t => t.Id == record.TicketId)));
    }

    [Fact]
    public async Task MoreMailThanOneBatch_IsAllTakenInOnePoll()
    {
        var inbox = MailApp.NewInbox();
        var tag = MailFixtures.NewTag();
        for (var i = 0; i < 8; i++) // batches of three (MailApp): three full batches would stop after 3 without the carry-on
        {
            var sender = $"burst-{i}-{tag}@example.com";
            await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Burst", sender), $"Burst {i} {tag}", "Printer offline."), sender);
        }

        var result = await app.PollAsync(inbox);

        Assert.Equal((8, 8), (result.Fetched, result.Tickets));
        Assert.Equal(8, await app.Db(db => db.Tickets.CountAsync(t => t.Subject.EndsWith(" " + tag))));
        Assert.Equal(0, (await app.PollAsync(inbox)).Fetched);
    }

    [Fact]
    public async Task MessageWithoutMessageId_FetchedTwice_IsRecognisedByItsContent()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"noid-{MailFixtures.NewTag()}@example.com";
        var message = Compose(new MailboxAddress("No Id", sender), "Scanner jammed " + sender, "It jams.");
        message.Headers.Remove(HeaderId.MessageId);
        await app.ReceiveAsync(inbox, message, sender);
        await app.ReceiveAsync(inbox, message, sender);

        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 1), (result.Tickets, result.Duplicates));
        Assert.StartsWith("sha256:", Assert.Single(await app.RecordsAsync(Local(inbox))).Key);
        Assert.Equal(1, await app.TicketCountAsync("Scanner jammed " + sender));
    }

    [Fact]
    public async Task ThirtyMegabyteMail_IsQuarantinedWithItsRawMessage_VisibleToAdminsOnly()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"big-{MailFixtures.NewTag()}@example.com";
        var message = Compose(new MailboxAddress("Big", sender), "Huge log", "See the attachment.");
        var bytes = new byte[30 * 1024 * 1024];
        Random.Shared.NextBytes(bytes);
        var body = new BodyBuilder { TextBody = "See the attachment." };
        body.Attachments.Add("huge.bin", bytes, new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        await app.ReceiveAsync(inbox, message, sender);

        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 1, 0), (result.Fetched, result.Quarantined, result.Tickets));
        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        Assert.Equal((MailOutcome.Quarantined, "too-large"), (record.Outcome, record.Reason));
        Assert.Equal("Huge log", record.Subject);
        Assert.True(record.Size > 30 * 1024 * 1024);
        Assert.Equal(0, await app.TicketCountAsync("Huge log"));
        Assert.Equal(0, await app.Mail.UnseenCountAsync(inbox.User!));

        using var admin = await app.ClientFor("admin");
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        var list = await (await admin.GetAsync("/api/v1/admin/mail/quarantine?pageSize=200")).ShouldBe(HttpStatusCode.OK);
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.Str("id") == record.Id.ToString());
        Assert.Equal("邮件过大", item.Str("reasonText"));
        Assert.Equal("it", item.Str("desk"));
        var raw = await admin.GetAsync(item.Str("raw"));
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal(record.Size, (await raw.Content.ReadAsByteArrayAsync()).LongLength);

        using var alice = await app.ClientFor("alice");
        await (await alice.GetAsync("/api/v1/admin/mail/quarantine")).ShouldBe(HttpStatusCode.NotFound);
        await (await alice.GetAsync(item.Str("raw"))).ShouldBe(HttpStatusCode.NotFound);
        using var li = await app.ClientFor("li.agent");
        await (await li.GetAsync("/api/v1/admin/mail/quarantine")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MalformedMimeTree_IsTakenBestEffort_WithTheDefectNoted()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"broken-{MailFixtures.NewTag()}@example.com";
        // The closing boundary never comes and the base64 attachment is cut off mid-line.
        var raw = Encoding.ASCII.GetBytes(
            $"From: Broken <{sender}>\r\nTo: <{inbox.Address}>\r\nSubject: Broken MIME {sender}\r\nMessage-ID: <broken.{sender}>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n" +
            "--XYZ\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe screen stays black.\r\n" +
            "--XYZ\r\nContent-Type: image/png; name=\"shot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAACAAAAAQCAIAAAD4Yu\r\n");
        await app.ReceiveAsync(inbox, raw, sender);

        var result = await app.PollAsync(inbox);

        Assert.Equal(1, result.Tickets);
        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        var ticket = await app.TicketAsync(record.TicketId!.Value);
        Assert.Equal("The screen stays black.", ticket.Description);
        Assert.Contains("shot.png", record.Detail);
    }

    [Fact]
    public async Task MultipartWithoutReadableParts_IsQuarantined_WithItsRawMessage()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"garbage-{MailFixtures.NewTag()}@example.com";
        // A multipart that names no boundary: no part of it can be found, so nothing of it can be read.
        var raw = Encoding.ASCII.GetBytes($"From: <{sender}>\r\nSubject: Garbage {sender}\r\nMessage-ID: <garbage.{sender}>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n\u0001\u0002binary junk\r\n");
        await app.ReceiveAsync(inbox, raw, sender);

        var result = await app.PollAsync(inbox);

        Assert.Equal((1, 0), (result.Quarantined, result.Tickets));
        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        Assert.Equal((MailOutcome.Quarantined, "unparseable"), (record.Outcome, record.Reason));
        Assert.Contains("multipart/mixed", record.Detail);
        Assert.Equal(sender, record.FromAddress);
        using var admin = await app.ClientFor("admin");
        var download = await admin.GetAsync($"/api/v1/admin/mail/quarantine/{record.Id}/raw");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains("binary junk", Encoding.ASCII.GetString(await download.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task QuarantineOfAConfidentialDesk_IsForItsOwnAdminsOnly()
    {
        var inbox = MailApp.NewInbox("hr");
        var sender = $"hr-{MailFixtures.NewTag()}@example.com";
        var raw = Encoding.ASCII.GetBytes($"From: <{sender}>\r\nSubject: Salary {sender}\r\nMessage-ID: <hr.{sender}>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"none\"\r\n\r\nno parts here\r\n");
        await app.ReceiveAsync(inbox, raw, sender);
        await app.PollAsync(inbox);
        var id = Assert.Single(await app.RecordsAsync(Local(inbox))).Id.ToString();

        using var zhang = await app.ClientFor("zhang.hr");
        var hrAdmin = await (await zhang.GetAsync("/api/v1/admin/mail/quarantine?desk=hr&pageSize=200")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(hrAdmin.GetProperty("items").EnumerateArray(), i => i.Str("id") == id);
        using var admin = await app.ClientFor("admin");
        var systemAdmin = await (await admin.GetAsync("/api/v1/admin/mail/quarantine?pageSize=200")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(systemAdmin.GetProperty("items").EnumerateArray(), i => i.Str("id") == id);
        await (await admin.GetAsync($"/api/v1/admin/mail/quarantine/{id}/raw")).ShouldBe(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/admin/mail/messages?outcome=sideways")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ProcessedMessages_AreMovedWhenTheInboxSaysSo()
    {
        var inbox = MailApp.NewInbox(moveTo: "Processed");
        using (var imap = await app.Mail.ImapAsync(inbox.User!))
        {
            await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Processed", true);
            await imap.DisconnectAsync(true);
        }
        var sender = $"move-{MailFixtures.NewTag()}@example.com";
        await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Move", sender), "Move me " + sender, "Hi"), sender);

        var result = await app.PollAsync(inbox);

        Assert.Equal(1, result.Tickets);
        Assert.Empty(await app.Mail.MessagesAsync(inbox.User!));
        using var check = await app.Mail.ImapAsync(inbox.User!);
        var processed = await check.GetFolderAsync("Processed");
        await processed.OpenAsync(MailKit.FolderAccess.ReadOnly);
        Assert.Equal(1, processed.Count);
    }

    [Fact]
    public async Task HeaderInjectionInAnIncomingSubject_StaysOneLine_AndCannotInjectIntoOurReplies()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"inject-{MailFixtures.NewTag()}@example.com";
        // An encoded-word may carry CR LF once decoded; a naive mailer would then write "Bcc:" as a header of its own.
        var evil = Convert.ToBase64String(Encoding.UTF8.GetBytes("Printer\r\nBcc: victim@example.com\r\nX-Evil: yes"));
        var raw = Encoding.ASCII.GetBytes($"From: <{sender}>\r\nTo: <{inbox.Address}>\r\nSubject: =?utf-8?B?{evil}?=\r\nMessage-ID: <inject.{sender}>\r\n\r\nHello\r\n");
        await app.ReceiveAsync(inbox, raw, sender);
        await app.PollAsync(inbox);
        var ticket = await app.TicketAsync(Assert.Single(await app.RecordsAsync(Local(inbox))).TicketId!.Value);
        // MimeKit unfolds the decoded subject; whatever is left is one line.
        Assert.Equal("PrinterBcc: victim@example.comX-Evil: yes", ticket.Subject);

        var reply = MailDeliveryTests.Outbox(new EmailPayload(new EmailRecipient(sender), ticket.Subject + "\r\nBcc: victim@example.com", "We are on it.", Number: ticket.Number));
        await app.DeliverAsync(reply);
        await app.Mail.WaitForMessagesAsync(sender, 1);
        var delivered = Assert.Single(await app.Mail.MessagesAsync(sender));
        Assert.Null(delivered.Headers["X-Evil"]);
        Assert.Null(delivered.Headers[HeaderId.Bcc]);
        Assert.Single(delivered.Headers, h => h.Id == HeaderId.Subject);
        Assert.Equal($"[{ticket.Number}] {ticket.Subject} Bcc: victim@example.com", delivered.Subject);
    }

    [Fact]
    public async Task HostileHtmlReply_IsSanitised_AndInlineImagesPointAtTheirAttachments()
    {
        var inbox = MailApp.NewInbox();
        var requester = $"html-{MailFixtures.NewTag()}@example.com";
        await app.ReceiveAsync(inbox, Compose(new MailboxAddress("Html", requester), "Broken screen " + requester, "It is cracked."), requester);
        await app.PollAsync(inbox);
        var ticketId = Assert.Single(await app.RecordsAsync(Local(inbox))).TicketId!.Value;
        var number = (await app.TicketAsync(ticketId)).Number;

        var png = Samples();
        var body = new BodyBuilder
        {
            HtmlBody = """
                <p onclick="steal()">Here is <b>the photo</b>: <img src="cid:photo1@x" onerror="alert(1)"> and
                <img src="https://tracker.example.com/pixel.gif"> <a href="javascript:alert(2)">click</a>
                <a href="https://example.com/help">help</a></p><script>alert(3)</script><iframe src="https://evil.example.com"></iframe>
                """,
        };
        var image = body.LinkedResources.Add("photo.png", png, new ContentType("image", "png"));
        image.ContentId = "photo1@x";
        var message = Compose(new MailboxAddress("Html", requester), $"Re: [{number}] Broken screen", null);
        message.Body = body.ToMessageBody();
        await app.ReceiveAsync(inbox, message, requester);

        var result = await app.PollAsync(inbox);

        Assert.Equal(1, result.Comments);
        var record = (await app.RecordsAsync(Local(inbox))).Single(r => r.Outcome == MailOutcome.Comment);
        var attachment = await app.Db(db => db.Attachments.AsNoTracking().SingleAsync(a => a.CommentId == record.CommentId));
        Assert.Equal("photo.png", attachment.FileName);
        var html = record.Html!;
        Assert.Contains($"src=\"/api/v1/attachments/{attachment.Id}\"", html);
        Assert.Contains("<b>the photo</b>", html);
        Assert.Contains("href=\"https://example.com/help\"", html);
        foreach (var bad in new[] { "onclick", "onerror", "<script", "javascript:", "tracker.example.com", "<iframe", "alert" })
            Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
        var comment = Assert.Single((await app.TicketAsync(ticketId)).Comments);
        Assert.Contains("Here is the photo", comment.Body);
        Assert.DoesNotContain("alert", comment.Body);
    }

    [Fact]
    public async Task RefusedAttachment_IsNotedOnTheTicket_AndTheRestIsKept()
    {
        var inbox = MailApp.NewInbox();
        var sender = $"exe-{MailFixtures.NewTag()}@example.com";
        var message = Compose(new MailboxAddress("Exe", sender), "Tool crashes " + sender, null);
        var body = new BodyBuilder { TextBody = "The tool crashes, installer attached." };
        body.Attachments.Add("setup.exe", [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0], new ContentType("application", "octet-stream"));
        body.Attachments.Add("notes.txt", Encoding.UTF8.GetBytes("crash at 10:02"), new ContentType("text", "plain"));
        message.Body = body.ToMessageBody();
        await app.ReceiveAsync(inbox, message, sender);

        await app.PollAsync(inbox);

        var record = Assert.Single(await app.RecordsAsync(Local(inbox)));
        var files = await app.Db(db => db.Attachments.Where(a => a.TicketId == record.TicketId).Select(a => a.FileName).ToListAsync());
        Assert.Equal(["notes.txt"], files);
        var history = await app.Db(db => db.TicketHistory.Where(h => h.TicketId == record.TicketId && h.Field == "attachment_refused").Select(h => h.NewValue).ToListAsync());
        Assert.StartsWith("setup.exe: ", Assert.Single(history));
        Assert.Contains("setup.exe", record.Detail);
    }

    [Fact]
    public async Task ConfiguredMailbox_IsPolledByTheJob()
    {
        var tag = MailFixtures.NewTag();
        var sender = $"job-{tag}@example.com";
        await app.Mail.SendRawAsync(Compose(new MailboxAddress("Job", sender), "Desk mailbox " + tag, "Polled by the job.").Bytes(), sender, MailApp.DeskMailbox);
        await app.Mail.WaitForMessagesAsync(MailApp.DeskMailbox, 1);

        await app.InScope(async sp =>
        {
            var job = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<Flowdesk.Jobs.IScheduledJob>(sp).Single(j => j.Name == "mail.poll");
            await job.RunAsync(sp, CancellationToken.None);
        });

        Assert.Equal(1, await app.TicketCountAsync("Desk mailbox " + tag));
        Assert.Equal(0, await app.Mail.UnseenCountAsync(MailApp.DeskMailbox));
    }

    static string Local(InboxSettings inbox) => inbox.User!.Split('@')[0];

    static byte[] Samples() => Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    internal static MimeMessage Compose(MailboxAddress from, string subject, string? text, string to = "desk@flowdesk.test")
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("tests.flowdesk.test");
        if (text is not null) message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}

static class MailMessageBytes
{
    /// <summary>The message as it goes over the wire (CRLF line endings).</summary>
    public static byte[] Bytes(this MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return stream.ToArray();
    }
}
