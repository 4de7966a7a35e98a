using System.Text;
using System.Text.RegularExpressions;
using Flowdesk.Mail;
using Flowdesk.Outbox;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Mail;

/// <summary>
/// The real host wired to a real mail server (<see cref="MailServer"/>: Postfix + Dovecot on free ports): SMTP out through
/// Postfix, the IT desk's mailbox support@flowdesk.test configured under Mail:Inboxes, and the background job runner and
/// outbox worker off, so tests call the delivery, the poller and the worker's passes themselves.
/// </summary>
public sealed class MailApp : FlowdeskApp
{
    public const string DeskMailbox = "support@flowdesk.test";
    public const string ServiceDesk = "servicedesk@example.org";

    public MailServer Mail { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Flowdesk:Jobs:Enabled", "false"),
        new("Smtp:Host", MailServer.Host),
        new("Smtp:Port", Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Smtp:Tls", "none"),
        new("Smtp:From", $"IT Service Desk <{ServiceDesk}>"),
        new("Mail:TimeoutSeconds", "30"),
        // Small batches, so every test with more than three messages also goes through a poll's later batches.
        new("Mail:BatchSize", "3"),
        new("Mail:Inboxes:0:Desk", "it"),
        new("Mail:Inboxes:0:Host", MailServer.Host),
        new("Mail:Inboxes:0:Port", Mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Mail:Inboxes:0:User", DeskMailbox),
        new("Mail:Inboxes:0:Password", MailServer.Password),
        new("Mail:Inboxes:0:Tls", "none"),
    ];

    public override async Task InitializeAsync()
    {
        Mail = await MailServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Mail is not null) await Mail.DisposeAsync();
    }

    /// <summary>A mailbox of its own for one test (so tests never see each other's mail), polled for <paramref name="desk"/>.</summary>
    public static InboxSettings NewInbox(string desk = "it", string? moveTo = null)
    {
        var user = $"{desk}-{Guid.NewGuid():N}"[..(desk.Length + 13)] + "@flowdesk.test";
        return new InboxSettings(desk, MailServer.Host, 0, user, MailServer.Password, MailTls.None, "INBOX", user, TicketKind.Incident, moveTo);
    }

    /// <summary>The inbox with this server's IMAP port filled in.</summary>
    public InboxSettings Connect(InboxSettings inbox) => inbox with { Port = Mail.ImapPort };

    public Task<MailboxPollResult> PollAsync(InboxSettings inbox) =>
        InScope(sp => sp.GetRequiredService<MailboxPoller>().PollAsync(Connect(inbox), CancellationToken.None));

    /// <summary>Sends a message to the inbox's address through Postfix and waits until Dovecot has stored it.</summary>
    public async Task ReceiveAsync(InboxSettings inbox, byte[] raw, string mailFrom, int expectedInMailbox = 0)
    {
        var before = expectedInMailbox;
        if (before == 0) before = (await Mail.MessagesAsync(inbox.User!)).Count + 1;
        await Mail.SendRawAsync(raw, mailFrom, inbox.Address!);
        await Mail.WaitForMessagesAsync(inbox.User!, before);
    }

    public Task ReceiveAsync(InboxSettings inbox, MimeKit.MimeMessage message, string mailFrom) => ReceiveAsync(inbox, message.Bytes(), mailFrom);

    public Task DeliverAsync(OutboxMessage message) =>
        InScope(sp => sp.GetServices<IOutboxDelivery>().Single(d => d.Kind == "email").DeliverAsync(message, CancellationToken.None));

    public Task<Ticket> TicketAsync(Guid id) =>
        Db(db => db.Tickets.AsNoTracking().Include(t => t.Requester).Include(t => t.Comments).SingleAsync(t => t.Id == id));

    public Task<List<InboundMail>> RecordsAsync(string mailbox) =>
        Db(db => db.InboundMail.AsNoTracking().Where(m => m.Mailbox.StartsWith(mailbox + "@")).OrderBy(m => m.ReceivedAt).ToListAsync());

    public Task<int> TicketCountAsync(string subject) => Db(db => db.Tickets.CountAsync(t => t.Subject == subject));
}

[CollectionDefinition(Name)]
public sealed class MailCollection : ICollectionFixture<MailApp>
{
    public const string Name = "mail";
}

/// <summary>The recorded messages of ../shared/fixtures/mail (copied into Fixtures/ byte for byte, CRLF kept).</summary>
public static partial class MailFixtures
{
    public static string Folder { get; } = FindFolder();

    /// <summary>
    /// The raw message. With a <paramref name="tag"/>, every Message-ID in its header (Message-ID, In-Reply-To,
    /// References) gets ".tag" before the "@", so tests sharing one database each have messages of their own while a
    /// reply still refers to its original (tag both with the same value).
    /// </summary>
    public static byte[] Raw(string name, string? tag = null)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, name + ".eml"));
        if (tag is null) return bytes;
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..end].Split("\r\n");
        var field = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && lines[i][0] is not (' ' or '\t')) field = lines[i][..Math.Max(0, lines[i].IndexOf(':'))].ToLowerInvariant();
            if (field is "message-id" or "in-reply-to" or "references")
                lines[i] = MessageIdInHeader().Replace(lines[i], m => $"<{m.Groups[1].Value}.{tag}@");
        }
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + text[end..]);
    }

    /// <summary>The envelope sender (MAIL FROM) the fixture was sent with.</summary>
    public static string EnvelopeFrom(string name)
    {
        var line = File.ReadLines(Path.Combine(Folder, name + ".envelope.txt")).First(l => l.StartsWith("MAIL FROM:<", StringComparison.Ordinal));
        return line["MAIL FROM:<".Length..line.IndexOf('>', StringComparison.Ordinal)];
    }

    public static string NewTag() => Guid.NewGuid().ToString("N")[..8];

    static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Flowdesk.Tests", "Mail", "Fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Flowdesk.Tests/Mail/Fixtures not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<([^<>@\s]+)@")]
    private static partial Regex MessageIdInHeader();
}
