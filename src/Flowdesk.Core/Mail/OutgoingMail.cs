using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Flowdesk.Mail;

/// <summary>The Message-IDs Flowdesk makes, and recognising them when they come back.</summary>
public static partial class MailIds
{
    /// <summary>The Message-ID of an outbox email (without angle brackets): the same for every attempt to send it.</summary>
    public static string ForOutbox(Guid outboxId, string host) => $"outbox-{outboxId:N}@{host}";

    /// <summary>The outbox message id inside one of our Message-IDs, whatever host it names.</summary>
    public static bool TryParseOutbox(string? messageId, out Guid outboxId)
    {
        outboxId = Guid.Empty;
        var match = messageId is null ? null : OutboxPattern().Match(messageId);
        return match is { Success: true } && Guid.TryParseExact(match.Groups[1].Value, "N", out outboxId);
    }

    /// <summary>The ticket id in a thread root such as <c>ticket.{id}@flowdesk</c> (written by the notification fan-out).</summary>
    public static bool TryParseTicketThread(string? messageId, out Guid ticketId)
    {
        ticketId = Guid.Empty;
        var match = messageId is null ? null : TicketThreadPattern().Match(messageId);
        return match is { Success: true } && Guid.TryParseExact(match.Groups[1].Value, "N", out ticketId);
    }

    /// <summary>A Message-ID without angle brackets and surrounding space; null when nothing is left.</summary>
    public static string? Normalize(string? messageId)
    {
        var trimmed = messageId?.Trim().TrimStart('<').TrimEnd('>').Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    [GeneratedRegex(@"^<?outbox-([0-9a-f]{32})@[^>]+>?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutboxPattern();

    [GeneratedRegex(@"^<?ticket\.([0-9a-f]{32})@[^>]+>?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TicketThreadPattern();
}

/// <summary>
/// Builds the MIME message for an "email" outbox payload. Pure: the same payload, id and time give the same message,
/// so a resend after a crash carries the same Message-ID and a mail client or server can tell it is a repeat.
/// </summary>
public static class OutgoingMail
{
    /// <summary>Our own header naming the ticket; mail that carries it back to us is a loop.</summary>
    public const string TicketHeader = "X-Flowdesk-Ticket";
    public const int SubjectMax = 400;

    public static MimeMessage Build(EmailPayload payload, Guid outboxId, MailSettings settings, DateTimeOffset now, string? replyTo = null)
    {
        var from = settings.Smtp.From ?? throw new InvalidOperationException("Mail configuration: Smtp:From is required to send mail.");
        if (payload.To is not { Address.Length: > 0 } to || !MailboxAddress.TryParse(to.Address, out var toAddress) || !toAddress.Address.Contains('@'))
            throw new FormatException("The payload has no valid 'to' address.");
        if (string.IsNullOrWhiteSpace(payload.Subject)) throw new FormatException("The payload has no subject.");
        if (payload.Text is null) throw new FormatException("The payload has no text.");

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(OneLine(from.Name, 200), from.Address));
        message.To.Add(new MailboxAddress(OneLine(to.Name, 200), toAddress.Address));
        if (replyTo is not null && !replyTo.Equals(from.Address, StringComparison.OrdinalIgnoreCase))
            message.ReplyTo.Add(new MailboxAddress(OneLine(from.Name, 200), replyTo));
        message.Subject = Subject(payload.Subject, payload.Number);
        message.Date = now;
        message.MessageId = MailIds.ForOutbox(outboxId, settings.MessageIdHost);

        if (MailIds.Normalize(payload.InReplyTo) is { } inReplyTo && IsMessageId(inReplyTo)) message.InReplyTo = inReplyTo;
        foreach (var reference in payload.AllReferences().Select(MailIds.Normalize))
            if (reference is not null && IsMessageId(reference) && !message.References.Contains(reference)) message.References.Add(reference);

        // RFC 3834: tells vacation responders and other robots not to answer; Exchange reads its own header.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var ticketTag = OneLine(payload.Number, 50) is { Length: > 0 } number ? number : payload.TicketId?.ToString("N");
        if (ticketTag is not null) message.Headers.Add(TicketHeader, ticketTag);
        var body = new BodyBuilder { TextBody = payload.Text };
        if (!string.IsNullOrWhiteSpace(payload.Html)) body.HtmlBody = payload.Html;
        message.Body = body.ToMessageBody();
        // A Content-* field belongs to the body entity in MimeKit; set on the message it would not be written.
        if (payload.Language is { Length: > 0 } language)
            message.Body.Headers.Add(HeaderId.ContentLanguage, Localization.Languages.Normalize(language));
        return message;
    }

    /// <summary>
    /// One line, tagged with the ticket number (<c>[IT-000123] …</c>) unless the tag is already there. Line breaks and
    /// other control characters become spaces, so no text can start a header of its own.
    /// </summary>
    public static string Subject(string subject, string? number)
    {
        var line = OneLine(subject, SubjectMax);
        var tag = OneLine(number, 50);
        if (tag.Length == 0 || line.Contains($"[{tag}]", StringComparison.OrdinalIgnoreCase)) return line;
        return $"[{tag}] {line}";
    }

    /// <summary>Control, format and line/paragraph separator characters replaced by one space; trimmed and shortened.</summary>
    public static string OneLine(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var blank = Rune.IsWhiteSpace(rune) || category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            if (blank)
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            if (builder.Length + rune.Utf16SequenceLength > max) break;
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    static bool IsMessageId(string id) => id.Contains('@') && !id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>');
}
