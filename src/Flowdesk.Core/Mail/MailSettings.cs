using System.Globalization;
using Flowdesk.Tickets;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace Flowdesk.Mail;

/// <summary>How a mail connection is secured: plain, upgraded with STARTTLS, or TLS from the first byte.</summary>
public enum MailTls { None, StartTls, Tls }

/// <summary>Outgoing mail: Smtp:Host, Smtp:Port, Smtp:User, Smtp:Password, Smtp:From, Smtp:Tls.</summary>
public sealed record SmtpSettings(string? Host, int Port, string? User, string? Password, MailboxAddress? From, MailTls Tls)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && From is not null;
}

/// <summary>One desk's mailbox (an entry of Mail:Inboxes): where to fetch new mail for that desk.</summary>
public sealed record InboxSettings(
    string Desk, string Host, int Port, string? User, string? Password, MailTls Tls, string Folder,
    string? Address, TicketKind Kind, string? MoveTo)
{
    /// <summary>Names the mailbox in logs and records without its password.</summary>
    public string Name => $"{User ?? "-"}@{Host}:{Port}/{Folder}";
}

/// <summary>
/// Everything the mail delivery and the mailbox poller read from configuration, checked once. A bad value is reported
/// with its key when the settings are first used (the delivery retries, the poll job records the error).
/// </summary>
public sealed class MailSettings
{
    public const long DefaultMaxMessageBytes = 25L * 1024 * 1024;
    public const long DefaultQuarantineKeepBytes = 100L * 1024 * 1024;

    public required SmtpSettings Smtp { get; init; }
    public required IReadOnlyList<InboxSettings> Inboxes { get; init; }
    /// <summary>Mail:MaxMessageBytes — larger messages are not processed but quarantined (default 25 MB).</summary>
    public long MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;
    /// <summary>Mail:QuarantineKeepBytes — up to this size the raw message of a quarantined mail is kept (default 100 MB).</summary>
    public long QuarantineKeepBytes { get; init; } = DefaultQuarantineKeepBytes;
    /// <summary>Mail:PollSeconds — time between two polls of the mailboxes (default 60).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Mail:BatchSize — at most this many messages per mailbox and poll (default 200).</summary>
    public int BatchSize { get; init; } = 200;
    /// <summary>Mail:MessageIdHost — the right-hand side of our Message-IDs (default: the domain of Smtp:From).</summary>
    public required string MessageIdHost { get; init; }
    /// <summary>Mail:TimeoutSeconds — network timeout of SMTP and IMAP commands (default 60).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Our own addresses (Smtp:From and each inbox's address): mail from them is a loop.</summary>
    public IReadOnlySet<string> OwnAddresses { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public static MailSettings From(IConfiguration configuration)
    {
        var smtpSection = configuration.GetSection("Smtp");
        var smtpTls = ParseTls(smtpSection["Tls"], "Smtp:Tls", MailTls.StartTls);
        var from = smtpSection["From"] is { Length: > 0 } fromText ? ParseMailbox(fromText, "Smtp:From") : null;
        var smtp = new SmtpSettings(
            NullIfBlank(smtpSection["Host"]),
            ParsePort(smtpSection["Port"], "Smtp:Port", smtpTls switch { MailTls.Tls => 465, MailTls.StartTls => 587, _ => 25 }),
            NullIfBlank(smtpSection["User"]), smtpSection["Password"], from, smtpTls);

        List<InboxSettings> inboxes = [];
        foreach (var entry in configuration.GetSection("Mail:Inboxes").GetChildren())
        {
            var key = $"Mail:Inboxes:{entry.Key}";
            var desk = NullIfBlank(entry["Desk"]) ?? throw Bad($"{key}:Desk", "is required (the key of the desk, e.g. it)");
            var host = NullIfBlank(entry["Host"]) ?? throw Bad($"{key}:Host", "is required");
            var tls = ParseTls(entry["Tls"], $"{key}:Tls", MailTls.Tls);
            var kind = entry["Kind"] switch
            {
                null or "" or "incident" => TicketKind.Incident,
                "request" => TicketKind.Request,
                var other => throw Bad($"{key}:Kind", $"must be incident or request, not '{other}'"),
            };
            string? address = null;
            if (NullIfBlank(entry["Address"]) is { } addressText) address = ParseMailbox(addressText, $"{key}:Address").Address;
            else if (entry["User"] is { } user && MailboxAddress.TryParse(user, out var userAddress) && userAddress.Address.Contains('@')) address = userAddress.Address;
            inboxes.Add(new InboxSettings(desk.ToLowerInvariant(), host, ParsePort(entry["Port"], $"{key}:Port", tls == MailTls.Tls ? 993 : 143),
                NullIfBlank(entry["User"]), entry["Password"], tls, NullIfBlank(entry["Folder"]) ?? "INBOX", address, kind, NullIfBlank(entry["MoveTo"])));
        }

        var mail = configuration.GetSection("Mail");
        var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (from is not null) own.Add(from.Address);
        foreach (var inbox in inboxes)
            if (inbox.Address is { } a) own.Add(a);

        return new MailSettings
        {
            Smtp = smtp,
            Inboxes = inboxes,
            MaxMessageBytes = ParsePositive(mail["MaxMessageBytes"], "Mail:MaxMessageBytes", DefaultMaxMessageBytes),
            QuarantineKeepBytes = ParsePositive(mail["QuarantineKeepBytes"], "Mail:QuarantineKeepBytes", DefaultQuarantineKeepBytes),
            PollInterval = TimeSpan.FromSeconds(ParsePositive(mail["PollSeconds"], "Mail:PollSeconds", 60)),
            BatchSize = (int)Math.Min(ParsePositive(mail["BatchSize"], "Mail:BatchSize", 200), 10_000),
            Timeout = TimeSpan.FromSeconds(ParsePositive(mail["TimeoutSeconds"], "Mail:TimeoutSeconds", 60)),
            MessageIdHost = NullIfBlank(mail["MessageIdHost"])?.Trim('<', '>', '@', ' ')
                ?? (from?.Domain is { Length: > 0 } domain ? domain : "flowdesk.invalid"),
            OwnAddresses = own,
        };
    }

    public static SecureSocketOptions Socket(MailTls tls) => tls switch
    {
        MailTls.None => SecureSocketOptions.None,
        MailTls.StartTls => SecureSocketOptions.StartTls,
        MailTls.Tls => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(tls)),
    };

    static MailTls ParseTls(string? value, string key, MailTls fallback) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "none" => MailTls.None,
        "starttls" => MailTls.StartTls,
        "tls" or "ssl" => MailTls.Tls,
        _ => throw Bad(key, $"must be none, starttls or tls, not '{value}'"),
    };

    static int ParsePort(string? value, string key, int fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port : throw Bad(key, $"must be a port number, not '{value}'");
    }

    static long ParsePositive(string? value, string key, long fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number : throw Bad(key, $"must be a positive whole number, not '{value}'");
    }

    static MailboxAddress ParseMailbox(string value, string key) =>
        MailboxAddress.TryParse(value, out var mailbox) && mailbox.Address.Contains('@')
            ? mailbox : throw Bad(key, $"must be an address such as \"IT Service Desk <it@example.com>\", not '{value}'");

    static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    static InvalidOperationException Bad(string key, string problem) => new($"Mail configuration: {key} {problem}.");
}
