using Flowdesk.Desks;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Mail;

/// <summary>What became of a message fetched from a desk's mailbox.</summary>
public enum MailOutcome { Ticket = 1, Comment = 2, Ignored = 3, Quarantined = 4 }

/// <summary>
/// One message fetched from a desk's mailbox and what was done with it. The row is written in the same transaction as
/// the ticket or comment it made, under a unique (desk, key) — the key is the Message-ID, or a hash of the message when
/// it has none — so the same message fetched twice (or by two nodes at once) is processed once. Ignored messages
/// (auto-replies, bounces, loops) and quarantined ones (unreadable, too large) are kept here too, for admins.
/// </summary>
public sealed class InboundMail
{
    public const int KeyMax = 200;
    public const int MessageIdMax = 250;
    public const int HtmlMax = 200_000;
    public const int DetailMax = 2000;

    private InboundMail() { }

    public InboundMail(Guid deskId, string mailbox, string key, string? messageId, string? fromAddress, string? fromName,
        string? subject, long size, DateTimeOffset? sentAt, DateTimeOffset now)
    {
        Id = Ids.New();
        DeskId = deskId;
        Mailbox = Clip(mailbox, 300)!;
        Key = key;
        MessageId = messageId is { Length: <= MessageIdMax } ? messageId : null;
        FromAddress = Clip(fromAddress, 320);
        FromName = Clip(fromName, 200);
        Subject = Clip(subject, 500);
        Size = size;
        SentAt = sentAt;
        ReceivedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid DeskId { get; private set; }
    /// <summary>The mailbox it came from (user@host:port/folder), for admins.</summary>
    public string Mailbox { get; private set; } = "";
    /// <summary>"id:" + Message-ID, or "sha256:" + hash; unique per desk.</summary>
    public string Key { get; private set; } = "";
    /// <summary>Message-ID without angle brackets (replies that reference it thread onto the same ticket).</summary>
    public string? MessageId { get; private set; }
    public string? FromAddress { get; private set; }
    public string? FromName { get; private set; }
    public string? Subject { get; private set; }
    public long Size { get; private set; }
    /// <summary>The message's own Date header.</summary>
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public MailOutcome Outcome { get; private set; }
    /// <summary>Why it was ignored or quarantined (a code such as auto-submitted, too-large); null otherwise.</summary>
    public string? Reason { get; private set; }
    /// <summary>Details for admins: the header that gave it away, the parser's error, refused attachments.</summary>
    public string? Detail { get; private set; }
    public Guid? TicketId { get; private set; }
    public Guid? CommentId { get; private set; }
    /// <summary>The HTML body after sanitising (inline images pointing at their attachments); the text went into the ticket.</summary>
    public string? Html { get; private set; }
    /// <summary>SHA-256 of the raw message in the attachment store, kept for quarantined mail.</summary>
    public string? RawSha256 { get; private set; }

    public void BecameTicket(Ticket ticket, string? html, string? detail)
    {
        Outcome = MailOutcome.Ticket;
        TicketId = ticket.Id;
        Html = Clip(html, HtmlMax);
        Detail = Clip(detail, DetailMax);
    }

    public void BecameComment(Ticket ticket, Comment comment, string? html, string? detail)
    {
        Outcome = MailOutcome.Comment;
        TicketId = ticket.Id;
        CommentId = comment.Id;
        Html = Clip(html, HtmlMax);
        Detail = Clip(detail, DetailMax);
    }

    public void Ignored(string reason, string detail)
    {
        Outcome = MailOutcome.Ignored;
        Reason = reason;
        Detail = Clip(detail, DetailMax);
    }

    public void Quarantined(string reason, string detail, string? rawSha256)
    {
        Outcome = MailOutcome.Quarantined;
        Reason = reason;
        Detail = Clip(detail, DetailMax);
        RawSha256 = rawSha256;
    }

    static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

/// <summary>The mail tables; FlowdeskDb calls this from OnModelCreating.</summary>
static class MailModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<InboundMail>(m =>
        {
            m.ToTable("inbound_mail");
            m.Property(x => x.Mailbox).HasMaxLength(300);
            m.Property(x => x.Key).HasMaxLength(InboundMail.KeyMax);
            m.Property(x => x.MessageId).HasMaxLength(InboundMail.MessageIdMax);
            m.Property(x => x.FromAddress).HasMaxLength(320);
            m.Property(x => x.FromName).HasMaxLength(200);
            m.Property(x => x.Subject).HasMaxLength(500);
            m.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(20);
            m.Property(x => x.Reason).HasMaxLength(50);
            m.Property(x => x.Detail).HasMaxLength(InboundMail.DetailMax);
            m.Property(x => x.Html).HasMaxLength(InboundMail.HtmlMax);
            m.Property(x => x.RawSha256).HasMaxLength(64);
            m.HasIndex(x => new { x.DeskId, x.Key }).IsUnique();
            m.HasIndex(x => x.MessageId);
            m.HasIndex(x => new { x.Outcome, x.ReceivedAt });
            m.HasIndex(x => x.TicketId);
            m.HasOne<Desk>().WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.SetNull);
            m.HasOne<Comment>().WithMany().HasForeignKey(x => x.CommentId).OnDelete(DeleteBehavior.SetNull);
        });
    }
}
