using MimeKit;

namespace Flowdesk.Mail;

/// <summary>Why a message is not answered with a ticket or comment: a code for filters and a detail for people.</summary>
public sealed record MailVerdict(string Reason, string Detail);

/// <summary>
/// Recognises mail that no person wrote to the desk — auto-replies, bounces, mailing lists and our own mail coming
/// back — so it never opens a ticket, adds a comment or causes a reply storm. No single header is trusted: old vacation
/// programs send no Auto-Submitted (and sometimes no From), so several independent signs are checked. Pure.
/// </summary>
public static class AutoReplyDetector
{
    // Subjects robots put in front of what they answer; matched only at the start and only with the colon.
    static readonly string[] AutoReplySubjects =
    [
        "out of office:", "automatic reply:", "auto-reply:", "autoreply:", "auto reply:", "abwesenheitsnotiz:",
        "自动回复:", "自动回复：", "自動回覆:", "自動回覆：", "undeliverable:", "undelivered mail returned to sender",
        "delivery status notification", "mail delivery failed", "returned mail:", "delivery failure",
    ];

    static readonly string[] BounceSenders = ["mailer-daemon", "postmaster"];

    public static MailVerdict? Check(MimeMessage message, MailSettings settings)
    {
        var headers = message.Headers;

        if (headers[OutgoingMail.TicketHeader] is { } ticket)
            return new("own-mail", $"{OutgoingMail.TicketHeader}: {ticket}");
        if (MailIds.TryParseOutbox(message.MessageId, out _))
            return new("own-mail", $"Message-ID <{message.MessageId}> is one Flowdesk made");

        if (headers[HeaderId.AutoSubmitted] is { } autoSubmitted && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return new("auto-submitted", $"Auto-Submitted: {autoSubmitted.Trim()}");
        if (headers["Precedence"]?.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply" or "auto-reply")
            return new("precedence", $"Precedence: {headers["Precedence"]!.Trim()}");
        foreach (var name in new[] { "X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-AutoReply-From", "X-Mail-Autoreply" })
            if (headers[name] is { } value) return new("auto-reply-header", $"{name}: {value.Trim()}");
        if (headers["X-Auto-Response-Suppress"] is { } suppress && headers["X-MS-Exchange-Generated-Message-Source"] is not null)
            return new("auto-reply-header", $"X-Auto-Response-Suppress: {suppress.Trim()} on an Exchange-generated message");
        if (headers["List-Id"] is { } listId)
            return new("mailing-list", $"List-Id: {listId.Trim()}");

        if (headers[HeaderId.ReturnPath] is { } returnPath && returnPath.Trim() is "<>" or "")
            return new("null-sender", "Return-Path: <> (bounces and auto-replies are sent without a return address)");
        if (IsReport(message.Body))
            return new("report", "multipart/report or message/delivery-status (a bounce or a read receipt)");

        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        if (from is null)
            return new("no-sender", "No From address: vacation programs and other robots send such mail; nobody can be answered");
        if (BounceSenders.Contains(from.LocalPart, StringComparer.OrdinalIgnoreCase))
            return new("bounce", $"From {from.Address}");
        if (settings.OwnAddresses.Contains(from.Address))
            return new("own-address", $"From {from.Address}, one of Flowdesk's own addresses");

        // RFC 822 style "In-Reply-To: Your message of <date>" is what vacation(1) and its descendants write.
        if (headers[HeaderId.InReplyTo] is { } inReplyTo && inReplyTo.TrimStart().StartsWith("Your message of", StringComparison.OrdinalIgnoreCase))
            return new("vacation", $"In-Reply-To: {OutgoingMail.OneLine(inReplyTo, 200)}");
        var subject = message.Subject?.TrimStart() ?? "";
        foreach (var prefix in AutoReplySubjects)
            if (subject.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return new("auto-reply-subject", $"Subject: {OutgoingMail.OneLine(subject, 200)}");
        return null;
    }

    static bool IsReport(MimeEntity? body) => body switch
    {
        MultipartReport => true,
        Multipart multipart => multipart.Any(IsReport),
        MimePart part => part.ContentType.IsMimeType("message", "delivery-status") || part.ContentType.IsMimeType("message", "disposition-notification"),
        _ => false,
    };
}
