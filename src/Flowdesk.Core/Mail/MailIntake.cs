using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Flowdesk.Api;
using Flowdesk.Attachments;
using Flowdesk.Desks;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Flowdesk.Mail;

/// <summary>What the intake did with one message.</summary>
public sealed record IntakeResult(MailOutcome? Outcome, string? Reason, Guid? TicketId, Guid? CommentId, bool Duplicate = false)
{
    public static readonly IntakeResult AlreadyProcessed = new(null, null, null, null, Duplicate: true);
}

/// <summary>
/// Turns one fetched message into a ticket, a public comment, an ignored record or a quarantined one — each in one
/// transaction together with its <see cref="InboundMail"/> row, whose unique (desk, key) makes a second fetch of the
/// same message a no-op. Use a fresh scope (DbContext) per message.
/// </summary>
public sealed partial class MailIntake(FlowdeskDb db, AttachmentStore store, MailSettings settings, IConfiguration configuration,
    TimeProvider clock, IStringLocalizer<Messages> t, ILogger<MailIntake> log, CallerCache callers)
{
    /// <summary>More parts than this in one mail are not stored (and noted as refused).</summary>
    public const int MaxAttachments = 50;

    static readonly string[] TraceHeaders = ["Received", "Return-Path", "Delivered-To", "X-Original-To", "X-Delivered-To"];

    /// <param name="desk">The inbox's desk when the caller has it already (the poller reads it once per poll), else read here.</param>
    public async Task<IntakeResult> ProcessAsync(InboxSettings inbox, byte[] raw, CancellationToken ct, Desk? desk = null)
    {
        desk ??= await DeskAsync(inbox, ct);
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = await MimeMessage.LoadAsync(stream, ct);
            if (message.Headers.Count == 0) throw new FormatException("The message has no header fields.");
        }
        catch (FormatException e)
        {
            using var stream = new MemoryStream(raw, writable: false);
            return await QuarantineAsync(inbox, desk, stream, raw.LongLength, null, "unparseable",
                $"The message cannot be read as MIME: {e.Message}", ct);
        }

        var key = KeyOf(message) ?? "sha256:" + ContentHash(message);
        if (await db.InboundMail.AnyAsync(m => m.DeskId == desk.Id && m.Key == key, ct))
        {
            log.LogInformation("Mail {Key} in {Mailbox} was processed before; skipped.", key, inbox.Name);
            return IntakeResult.AlreadyProcessed;
        }

        var record = NewRecord(inbox, desk, key, message, raw.LongLength);
        try
        {
            if (AutoReplyDetector.Check(message, settings) is { } verdict)
            {
                record.Ignored(verdict.Reason, verdict.Detail);
                log.LogInformation("Mail {Key} in {Mailbox} ignored ({Reason}): {Detail}", key, inbox.Name, verdict.Reason, verdict.Detail);
                return await SaveAsync(record, null, ct);
            }

            if (Unreadable(message) is { } why)
            {
                using var stream = new MemoryStream(raw, writable: false);
                return await QuarantineAsync(inbox, desk, stream, raw.LongLength, message, "unparseable", why, ct, key);
            }
            if (Sender(message) is not { } from)
            {
                using var stream = new MemoryStream(raw, writable: false);
                return await QuarantineAsync(inbox, desk, stream, raw.LongLength, message, "no-sender",
                    "The From address cannot be read, so nobody could be told about a ticket.", ct, key);
            }
            return await OpenOrReplyAsync(inbox, desk, record, message, raw, from, ct);
        }
        catch (FormatException e)
        {
            // MimeKit reads leniently; what it still cannot decode (a broken part) is kept for an admin, not lost.
            db.ChangeTracker.Clear();
            using var stream = new MemoryStream(raw, writable: false);
            return await QuarantineAsync(inbox, desk, stream, raw.LongLength, message, "unparseable",
                $"A part of the message cannot be decoded: {e.Message}", ct, key);
        }
    }

    /// <summary>
    /// Keeps a message that is not processed (too large, unreadable) for admins: the raw bytes go into the attachment
    /// store when they fit <see cref="MailSettings.QuarantineKeepBytes"/>, the reason and what the headers say into a row.
    /// </summary>
    public async Task<IntakeResult> QuarantineAsync(InboxSettings inbox, Desk? desk, Stream raw, long size, MimeMessage? headers,
        string reason, string detail, CancellationToken ct, string? key = null)
    {
        desk ??= await DeskAsync(inbox, ct);
        string? sha = null;
        await using (var staged = await store.StageAsync(raw, settings.QuarantineKeepBytes, ct))
        {
            if (!staged.TooLarge)
            {
                await staged.CommitAsync();
                sha = staged.Sha256;
            }
        }
        key ??= (headers is not null ? KeyOf(headers) : null) ?? "sha256:" + (sha ?? HeaderHash(headers) ?? Guid.NewGuid().ToString("N"));
        if (await db.InboundMail.AnyAsync(m => m.DeskId == desk.Id && m.Key == key, ct)) return IntakeResult.AlreadyProcessed;

        var record = headers is null
            ? new InboundMail(desk.Id, inbox.Name, key, null, null, null, null, size, null, clock.GetUtcNow())
            : NewRecord(inbox, desk, key, headers, size);
        record.Quarantined(reason, sha is null ? $"{detail} The raw message was larger than {Problems.Bytes(settings.QuarantineKeepBytes)} and was not kept." : detail, sha);
        log.LogWarning("Mail {Key} in {Mailbox} quarantined ({Reason}): {Detail}", key, inbox.Name, reason, detail);
        return await SaveAsync(record, null, ct);
    }

    async Task<IntakeResult> OpenOrReplyAsync(InboxSettings inbox, Desk desk, InboundMail record, MimeMessage message, byte[] raw, MailboxAddress from, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var language = LanguageOf(message);
        var (person, personError) = await SenderPersonAsync(from, language, ct);
        if (person is null)
        {
            record.Quarantined("sender-inactive", personError!, null);
            log.LogWarning("Mail {Key} in {Mailbox} quarantined: {Detail}", record.Key, inbox.Name, personError);
            return await SaveAsync(record, transaction, ct);
        }
        language = Languages.Normalize(person.Language);

        var (ticket, caller) = await RepliedTicketAsync(message, person, ct);
        var attachments = new MailAttachments();
        Comment? comment = null;
        if (ticket is null)
        {
            var subject = OutgoingMail.OneLine(message.Subject, TicketLimits.SubjectMax);
            if (subject.Length == 0) subject = InLanguage(language, () => t.Text("mail.no_subject"));
            var text = Clip(BodyText(message), TicketLimits.DescriptionMax);
            ticket = await TicketFactory.CreateAsync(db, desk, inbox.Kind, subject, text, person.Id,
                Level.Medium, Level.Medium, null, person.Id, now, ct);
        }
        else
        {
            var staff = caller?.MayWorkOn(ticket.DeskId) ?? false;
            var text = Clip(MailContent.WithoutQuotedReply(BodyText(message)), TicketLimits.CommentMax);
            if (text.Length == 0) text = InLanguage(language, () => t.Text("mail.no_text"));
            comment = ticket.AddComment(person.Id, text, isInternal: false, byStaff: staff, now);
        }

        var incomplete = IncompleteParts(message, raw);
        var refused = await StoreAttachmentsAsync(message, ticket, comment, person, language, attachments, incomplete, now, ct);
        var html = message.HtmlBody is { Length: > 0 } rawHtml ? MailContent.SanitizeHtml(rawHtml, attachments.InlinePaths) : null;
        List<string> notes = [];
        if (incomplete.Count > 0)
        {
            notes.Add("The MIME structure is broken: a multipart has no closing boundary, so the message was cut off; what could be read was taken.");
            log.LogWarning("Mail {Key} in {Mailbox} has a broken MIME structure (a multipart without its closing boundary); read as far as it goes.",
                record.Key, inbox.Name);
        }
        if (refused.Count > 0) notes.Add("Attachments not kept: " + string.Join("; ", refused));
        var detail = notes.Count == 0 ? null : string.Join(" ", notes);
        if (comment is null) record.BecameTicket(ticket, html, detail);
        else record.BecameComment(ticket, comment, html, detail);

        var result = await SaveAsync(record, transaction, ct);
        if (!result.Duplicate)
            log.LogInformation("Mail {Key} from {From} in {Mailbox}: {Outcome} on {Number}.", record.Key, from.Address, inbox.Name,
                comment is null ? "new ticket" : "comment", ticket.Number);
        return result;
    }

    /// <summary>Saves the record (and whatever else was added) and commits; a concurrent twin that won makes this a duplicate.</summary>
    async Task<IntakeResult> SaveAsync(InboundMail record, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction, CancellationToken ct)
    {
        db.InboundMail.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
            if (transaction is not null) await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (!await ExistsElsewhereAsync(record, transaction, ct)) throw;
            log.LogInformation("Mail {Key} was processed at the same time elsewhere; this copy is dropped.", record.Key);
            return IntakeResult.AlreadyProcessed;
        }
        return new IntakeResult(record.Outcome, record.Reason, record.TicketId, record.CommentId);
    }

    async Task<bool> ExistsElsewhereAsync(InboundMail record, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction, CancellationToken ct)
    {
        if (transaction is not null) await transaction.RollbackAsync(ct);
        db.ChangeTracker.Clear();
        return await db.InboundMail.AnyAsync(m => m.DeskId == record.DeskId && m.Key == record.Key, ct);
    }

    /// <summary>The desk an inbox delivers to (read without tracking; only its id, key and prefix are used).</summary>
    public async Task<Desk> DeskAsync(InboxSettings inbox, CancellationToken ct) =>
        await db.Desks.AsNoTracking().SingleOrDefaultAsync(d => d.Key == inbox.Desk, ct)
        ?? throw new InvalidOperationException($"Mail configuration: the mailbox {inbox.Name} names desk '{inbox.Desk}', which does not exist.");

    InboundMail NewRecord(InboxSettings inbox, Desk desk, string key, MimeMessage message, long size)
    {
        var from = Sender(message);
        DateTimeOffset? sent = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date.ToUniversalTime() : null;
        return new InboundMail(desk.Id, inbox.Name, key, MailIds.Normalize(message.MessageId), from?.Address,
            OutgoingMail.OneLine(from?.Name, 200), OutgoingMail.OneLine(message.Subject, 500), size, sent, clock.GetUtcNow());
    }

    /// <summary>"id:" and the Message-ID, or null when there is none (or it is too long to be a key).</summary>
    static string? KeyOf(MimeMessage message) =>
        MailIds.Normalize(message.MessageId) is { } id && id.Length <= InboundMail.KeyMax - 3 ? "id:" + id : null;

    /// <summary>A hash of the message without the trace fields servers add on the way, so a second delivery hashes the same.</summary>
    static string ContentHash(MimeMessage message)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var header in message.Headers)
        {
            if (TraceHeaders.Contains(header.Field, StringComparer.OrdinalIgnoreCase)) continue;
            hash.AppendData(Encoding.UTF8.GetBytes(header.Field + ":"));
            hash.AppendData(header.RawValue);
        }
        using (var body = new MemoryStream())
        {
            message.Body?.WriteTo(body);
            hash.AppendData(body.GetBuffer(), 0, (int)body.Length);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static string? HeaderHash(MimeMessage? message)
    {
        if (message is null) return null;
        var text = string.Join("\n", message.Headers.Where(h => !TraceHeaders.Contains(h.Field, StringComparer.OrdinalIgnoreCase)).Select(h => h.Field + ":" + h.Value));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    static MailboxAddress? Sender(MimeMessage message)
    {
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        return from is { Address.Length: > 2 and <= 256 } && from.Address.IndexOf('@') is > 0 && !from.Address.EndsWith('@') ? from : null;
    }

    /// <summary>
    /// The active person with this address; when there is none, a new requester record (no password, so no sign-in until
    /// an admin gives one) named as the mail names the sender. An address that belongs only to deactivated people is refused.
    /// </summary>
    async Task<(Person? Person, string? Error)> SenderPersonAsync(MailboxAddress from, string language, CancellationToken ct)
    {
        var normalized = from.Address.ToUpperInvariant();
        var matches = await db.Users.Where(p => p.NormalizedEmail == normalized && !p.IsIntegration).OrderBy(p => p.Id).ToListAsync(ct);
        if (matches.FirstOrDefault(p => p.IsActive) is { } known) return (known, null);
        if (matches.Count > 0) return (null, $"{from.Address} belongs to a deactivated person; the mail was not turned into a ticket.");

        var address = from.Address.ToLowerInvariant();
        var userName = address.Length <= 256 && address.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@' or '+')
            && !await db.Users.AnyAsync(p => p.NormalizedUserName == normalized, ct)
            ? address : $"mail-{Ids.New():N}"[..17];
        var name = OutgoingMail.OneLine(from.Name, 200);
        var person = new Person
        {
            UserName = userName,
            NormalizedUserName = userName.ToUpperInvariant(),
            Email = from.Address,
            NormalizedEmail = normalized,
            DisplayName = name.Length > 0 ? name : from.LocalPart,
            Language = language,
            ConcurrencyStamp = Guid.NewGuid().ToString(),
        };
        db.Users.Add(person);
        log.LogInformation("New requester {UserName} created for mail from {Address}.", userName, from.Address);
        return (person, null);
    }

    /// <summary>
    /// The ticket a reply belongs to: a referenced Message-ID we sent (outbox or the ticket's thread root) or received,
    /// else a ticket number tag such as [IT-000123] in the subject — and only when the sender may take part in it
    /// (its requester, a watcher, or staff of its desk); otherwise null, and the mail opens a ticket of its own.
    /// </summary>
    /// <returns>The ticket, with the sender's rights (read once, also for the staff question of the comment).</returns>
    async Task<(Ticket? Ticket, Caller? Caller)> RepliedTicketAsync(MimeMessage message, Person sender, CancellationToken ct)
    {
        List<string> ids = [];
        if (MailIds.Normalize(message.InReplyTo) is { } inReplyTo) ids.Add(inReplyTo);
        ids.AddRange(message.References.Reverse().Select(MailIds.Normalize).OfType<string>());
        ids = ids.Distinct(StringComparer.Ordinal).Take(50).ToList();

        List<Guid> candidates = [];
        foreach (var id in ids)
        {
            if (MailIds.TryParseOutbox(id, out var outboxId)
                && await db.OutboxMessages.AsNoTracking().Where(o => o.Id == outboxId).Select(o => o.TicketId).FirstOrDefaultAsync(ct) is { } fromOutbox)
                candidates.Add(fromOutbox);
            else if (MailIds.TryParseTicketThread(id, out var threadTicket)) candidates.Add(threadTicket);
        }
        var shortIds = ids.Where(i => i.Length <= InboundMail.MessageIdMax).ToList();
        if (shortIds.Count > 0)
        {
            var received = await db.InboundMail.AsNoTracking().Where(m => m.MessageId != null && shortIds.Contains(m.MessageId) && m.TicketId != null)
                .Select(m => new { m.MessageId, m.TicketId }).ToListAsync(ct);
            candidates.AddRange(ids.SelectMany(i => received.Where(r => r.MessageId == i).Select(r => r.TicketId!.Value)));
        }
        if (TicketTag().Match(message.Subject ?? "") is { Success: true } tag)
        {
            var number = tag.Groups[1].Value.ToUpperInvariant();
            if (await db.Tickets.AsNoTracking().Where(x => x.Number == number).Select(x => (Guid?)x.Id).SingleOrDefaultAsync(ct) is { } tagged)
                candidates.Add(tagged);
        }
        if (candidates.Count == 0) return (null, null);

        // A person created for this very mail cannot be part of any ticket yet.
        if (db.Entry(sender).State == EntityState.Added) return (null, null);
        var caller = await callers.GetAsync(db, sender.Id, ct);
        if (caller is null) return (null, null);
        foreach (var ticketId in candidates.Distinct())
        {
            var ticket = await db.Tickets.VisibleTo(caller).Include(x => x.Watchers).SingleOrDefaultAsync(x => x.Id == ticketId, ct);
            if (ticket is null) continue;
            if (caller.MayWorkOn(ticket.DeskId) || ticket.RequesterId == sender.Id || ticket.Watchers.Any(w => w.PersonId == sender.Id)) return (ticket, caller);
        }
        log.LogInformation("Mail from {Address} refers to a ticket its sender may not reply to; it opens a new ticket.", sender.Email);
        return (null, caller);
    }

    /// <summary>The text part, or text made from the HTML part; parts used as the body are not attachments.</summary>
    static string BodyText(MimeMessage message)
    {
        if (message.TextBody is { } text && !string.IsNullOrWhiteSpace(text)) return MailContent.Tidy(text);
        if (message.HtmlBody is { } html) return MailContent.HtmlToText(html);
        return "";
    }

    /// <summary>Why nothing of the body can be read (a multipart in which no part was found), or null.</summary>
    static string? Unreadable(MimeMessage message) => message.Body switch
    {
        Multipart { Count: 0 } multipart => $"The MIME structure cannot be read: the {multipart.ContentType.MimeType} has no parts " +
            (string.IsNullOrEmpty(multipart.Boundary) ? "(it names no boundary)." : $"(its boundary \"{OutgoingMail.OneLine(multipart.Boundary, 70)}\" never occurs)."),
        _ => null,
    };

    /// <summary>The last part of every multipart whose closing boundary never came: the message ended inside it.</summary>
    static HashSet<MimeEntity> IncompleteParts(MimeMessage message, byte[] raw)
    {
        var incomplete = new HashSet<MimeEntity>(ReferenceEqualityComparer.Instance);
        Visit(message.Body);
        return incomplete;

        void Visit(MimeEntity? entity)
        {
            if (entity is not Multipart multipart) return;
            if (multipart.Count > 0 && multipart.Boundary is { Length: > 0 } boundary
                && raw.AsSpan().IndexOf(Encoding.ASCII.GetBytes("--" + boundary + "--")) < 0)
                incomplete.Add(multipart[^1]);
            foreach (var child in multipart) Visit(child);
        }
    }

    async Task<List<string>> StoreAttachmentsAsync(MimeMessage message, Ticket ticket, Comment? comment, Person uploader, string language,
        MailAttachments attachments, HashSet<MimeEntity> incomplete, DateTimeOffset now, CancellationToken ct)
    {
        List<string> refused = [];
        var maxBytes = AttachmentLimits.MaxBytes(configuration);
        var parts = FileParts(message).ToList();
        var index = 0;
        foreach (var (entity, fileName, contentId) in parts)
        {
            index++;
            var name = FileNames.BaseName(fileName) ?? (contentId is not null ? $"inline-{index}" : $"attachment-{index}");
            if (index > MaxAttachments)
            {
                Refuse(name, InLanguage(language, () => t.Text("mail.too_many_attachments", MaxAttachments)));
                continue;
            }
            if (incomplete.Contains(entity))
            {
                Refuse(name, InLanguage(language, () => t.Text("mail.part_incomplete")));
                continue;
            }
            await using var content = new MemoryStream();
            if (entity is MessagePart { Message: { } forwarded }) await forwarded.WriteToAsync(content, ct);
            else if (entity is MimePart { Content: { } body }) await body.DecodeToAsync(content, ct);
            content.Position = 0;

            await using var staged = await store.StageAsync(content, maxBytes, ct);
            if (staged.TooLarge)
            {
                Refuse(name, InLanguage(language, () => t.Text("attachment.too_large", Problems.Bytes(maxBytes))));
                continue;
            }
            if (staged.Length == 0)
            {
                Refuse(name, InLanguage(language, () => t.Text("attachment.empty")));
                continue;
            }
            var sniffed = FileTypes.Sniff(staged.Content, name);
            if (sniffed.Kind is not { } kind)
            {
                Refuse(name, InLanguage(language, () => t.Text(sniffed.RefusalKey, sniffed.Detected)));
                continue;
            }
            await staged.CommitAsync();
            var attachment = new Attachment(ticket.Id, comment?.Id, FileNames.ForKind(name, kind), kind.ContentType, staged.Length, staged.Sha256, uploader.Id, now);
            db.Attachments.Add(attachment);
            db.TicketHistory.Add(ticket.AttachmentAdded(attachment.FileName, uploader.Id, now));
            if (contentId is not null) attachments.InlinePaths[MailContent.ContentIdKey(contentId)] = $"/api/v1/attachments/{attachment.Id}";
        }
        return refused;

        void Refuse(string name, string why)
        {
            refused.Add($"{name}: {why}");
            db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, uploader.Id, now, "attachment_refused", null, Clip($"{name}: {why}", 1000)));
            log.LogWarning("Attachment {Name} of a mail for {Number} was not kept: {Why}", name, ticket.Number, why);
        }
    }

    /// <summary>Every part that is a file (attachments, inline images, forwarded messages), not the text or HTML body.</summary>
    static IEnumerable<(MimeEntity Entity, string? FileName, string? ContentId)> FileParts(MimeMessage message)
    {
        var textBody = message.TextBody is null ? null : message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.IsPlain && !p.IsAttachment);
        var htmlBody = message.HtmlBody is null ? null : message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.IsHtml && !p.IsAttachment);
        foreach (var entity in message.BodyParts)
        {
            if (ReferenceEquals(entity, textBody) || ReferenceEquals(entity, htmlBody)) continue;
            switch (entity)
            {
                case MessagePart forwarded:
                    if (forwarded.Message is not null)
                        yield return (forwarded, entity.ContentDisposition?.FileName ?? OutgoingMail.OneLine(forwarded.Message.Subject, 100) + ".eml", null);
                    break;
                case TextPart text when !text.IsAttachment && (text.IsPlain || text.IsHtml) && entity.ContentId is null:
                    break; // further body parts of a multipart/alternative or a signed text
                case MimePart part when part.ContentType.IsMimeType("application", "pgp-signature")
                    || part.ContentType.IsMimeType("application", "pkcs7-signature"):
                    break;
                case MimePart part:
                    yield return (part, part.FileName, part.ContentId);
                    break;
            }
        }
    }

    /// <summary>zh-CN when the subject or text is written with Chinese characters, en otherwise.</summary>
    static string LanguageOf(MimeMessage message)
    {
        var sample = (message.Subject ?? "") + (message.TextBody ?? message.HtmlBody ?? "");
        return sample.Take(2000).Any(c => c is >= '\u4e00' and <= '\u9fff') ? Languages.Chinese : Languages.English;
    }

    static string InLanguage(string language, Func<string> text)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Languages.Normalize(language));
        try
        {
            return text();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [GeneratedRegex(@"\[([A-Za-z][A-Za-z0-9]{0,9}-\d{1,12})\]", RegexOptions.CultureInvariant)]
    private static partial Regex TicketTag();

    sealed class MailAttachments
    {
        public Dictionary<string, string> InlinePaths { get; } = new(StringComparer.Ordinal);
    }
}
