using System.Globalization;
using System.Text;

namespace Flowdesk.Bench;

/// <summary>What one message of the mix should become: a ticket, a comment on a ticket, or nothing (ignored).</summary>
public enum MailExpectation { Ticket, Comment, Ignored }

/// <summary>One message of the mix: the bytes Dovecot stores, the envelope it arrives with, what it must become.</summary>
public sealed record BenchMail(string Kind, byte[] Raw, string EnvelopeFrom, MailExpectation Expect, int Attachments);

/// <summary>
/// The message mix of the mail-intake scenario, built from the recorded real messages (tests/Flowdesk.Tests/Mail/Fixtures,
/// copies of ../shared/fixtures/mail). Every 20 messages: 11 new mails (7 from known people — 2 of them HTML with two
/// attachments, 2 in Chinese — and 3 from unknown senders, who become new requesters), 6 replies (4 threaded by
/// In-Reply-To / References to a mail of the run, 2 only by the ticket number tag in the subject) and 3 that must create
/// nothing (a vacation reply without From, a vacation reply with Auto-Submitted, a bounce). Only the fields that make
/// a message a different message are rewritten (From, Date, Message-ID, threading, the subject of tag replies); the
/// bodies and attachments are the recorded bytes. Ticket numbers of the run are predicted from the desk's counter:
/// the scenario's server runs no jobs, so the intake is the only writer of tickets on that desk.
/// </summary>
public static class MailIntakeMessages
{
    public const string DeskAddress = "support@example.org";
    const string Plain = "01-plain-text-swaks", Html = "02-html-with-attachments-mutt", Reply = "03-reply-in-reply-to-references-mutt",
        Chinese = "04-chinese-encoded-word-mutt", Vacation = "07-auto-reply-sieve-vacation-default", AutoSubmitted = "08-auto-reply-sieve-vacation-auto-submitted";

    /// <summary>A person the mix may send as: an active, non-integration person with an address.</summary>
    public sealed record Sender(string Name, string Address);

    // Slot → what the message is; replies name the slot (same cycle) they answer.
    enum Slot { NewPlain, NewHtml, NewChinese, UnknownPlain, UnknownChinese, ReplyThread, ReplyTag, Vacation, AutoSubmitted, Bounce }

    static readonly (Slot Slot, int Answers)[] Cycle =
    [
        (Slot.NewPlain, -1), (Slot.NewHtml, -1), (Slot.NewChinese, -1), (Slot.UnknownPlain, -1), (Slot.NewPlain, -1),
        (Slot.Vacation, -1), (Slot.UnknownChinese, -1), (Slot.NewHtml, -1), (Slot.Bounce, -1), (Slot.NewPlain, -1),
        (Slot.ReplyThread, 0), (Slot.UnknownPlain, -1), (Slot.ReplyTag, 2), (Slot.AutoSubmitted, -1), (Slot.ReplyThread, 1),
        (Slot.NewChinese, -1), (Slot.ReplyTag, 4), (Slot.ReplyThread, 7), (Slot.NewPlain, -1), (Slot.ReplyThread, 9),
    ];

    public static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "tests", "Flowdesk.Tests", "Mail", "Fixtures"), Path.Combine(dir.FullName, "shared", "fixtures", "mail") })
                if (File.Exists(Path.Combine(candidate, Plain + ".eml"))) return candidate;
        throw new DirectoryNotFoundException("the recorded mail fixtures (tests/Flowdesk.Tests/Mail/Fixtures) were not found; pass --fixtures DIR");
    }

    /// <summary>
    /// <paramref name="count"/> messages in delivery order. <paramref name="known"/> must hold at least 8 people;
    /// <paramref name="nextTicketNumber"/> is the number the desk's next ticket gets.
    /// </summary>
    public static List<BenchMail> Build(string fixtures, int count, IReadOnlyList<Sender> known, string prefix, long nextTicketNumber, string run, DateTimeOffset now)
    {
        if (known.Count < 8) throw new InvalidOperationException($"the mix needs at least 8 people with an address in the database, found {known.Count}");
        var raw = new[] { Plain, Html, Reply, Chinese, Vacation, AutoSubmitted }.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(fixtures, n + ".eml")));
        List<BenchMail> mails = [];
        var cycleIds = new string[Cycle.Length];
        var cycleSenders = new Sender?[Cycle.Length];
        var cycleTickets = new long[Cycle.Length];
        var cycleSubjects = new string[Cycle.Length];
        var tickets = 0L;
        var knownIndex = 0;
        for (var i = 0; i < count; i++)
        {
            var slot = i % Cycle.Length;
            var (kind, answers) = Cycle[slot];
            var id = $"bench.{run}.{i}@mail.example.net";
            var date = now.AddSeconds(i - count);
            Sender Known() => known[knownIndex++ % known.Count];
            Sender Unknown() => new($"Guest {i}", $"guest.{run}.{i}@example.net");
            BenchMail New(string fixture, Sender from, string label, int attachments)
            {
                var message = Message.Parse(raw[fixture]);
                message.Set("From", Address(from));
                message.Set("Date", date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
                message.Set("Message-ID", $"<{id}>");
                cycleIds[slot] = id;
                cycleSenders[slot] = from;
                cycleTickets[slot] = nextTicketNumber + tickets++;
                cycleSubjects[slot] = message.Get("Subject") ?? "";
                return new BenchMail(label, message.Bytes(), from.Address, MailExpectation.Ticket, attachments);
            }
            mails.Add(kind switch
            {
                Slot.NewPlain => New(Plain, Known(), "new, known sender, plain text", 0),
                Slot.NewHtml => New(Html, Known(), "new, known sender, HTML with 2 attachments", 2),
                Slot.NewChinese => New(Chinese, Known(), "new, known sender, Chinese", 0),
                Slot.UnknownPlain => New(Plain, Unknown(), "new, unknown sender, plain text", 0),
                Slot.UnknownChinese => New(Chinese, Unknown(), "new, unknown sender, Chinese", 0),
                Slot.ReplyThread => ReplyMail(byTag: false),
                Slot.ReplyTag => ReplyMail(byTag: true),
                Slot.Vacation => Robot(Vacation, "auto-reply without From (vacation)"),
                Slot.AutoSubmitted => Robot(AutoSubmitted, "auto-reply with Auto-Submitted"),
                Slot.Bounce => new BenchMail("bounce (delivery status notification)", BounceBytes(id, date, cycleIds[0]), "", MailExpectation.Ignored, 0),
                _ => throw new InvalidOperationException(),
            });

            BenchMail ReplyMail(bool byTag)
            {
                var from = cycleSenders[answers]!;
                var message = Message.Parse(raw[Reply]);
                message.Set("From", Address(from));
                message.Set("Date", date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
                message.Set("Message-ID", $"<{id}>");
                if (byTag)
                {
                    // A reply whose client lost the threading fields: only the number in the subject ties it to its ticket.
                    message.Remove("In-Reply-To");
                    message.Remove("References");
                    message.Set("Subject", $"Re: [{prefix}-{cycleTickets[answers]:D6}] still a problem");
                }
                else
                {
                    message.Set("In-Reply-To", $"<{cycleIds[answers]}>");
                    message.Set("References", $"<{cycleIds[answers]}>");
                    message.Set("Subject", "Re: " + cycleSubjects[answers]);
                }
                return new BenchMail(byTag ? "reply, ticket number tag in the subject" : "reply, In-Reply-To / References", message.Bytes(), from.Address, MailExpectation.Comment, 0);
            }

            BenchMail Robot(string fixture, string label)
            {
                // These have no Message-ID: the intake keys them by a hash of the content, so each copy gets a field of its own.
                var message = Message.Parse(raw[fixture]);
                message.Set("X-Bench-Sequence", i.ToString(CultureInfo.InvariantCulture));
                return new BenchMail(label, message.Bytes(), "bob.martin@example.org", MailExpectation.Ignored, 0);
            }
        }
        return mails;
    }

    static string Address(Sender sender)
    {
        var name = sender.Name.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal);
        var encoded = name.All(c => c is >= ' ' and < (char)127) ? $"\"{name}\"" : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(name))}?=";
        return $"{encoded} <{sender.Address}>";
    }

    /// <summary>A delivery status notification as Postfix writes one (multipart/report, from MAILER-DAEMON, null envelope sender).</summary>
    static byte[] BounceBytes(string id, DateTimeOffset date, string original)
    {
        var boundary = "bench-" + id.GetHashCode(StringComparison.Ordinal).ToString("x8", CultureInfo.InvariantCulture);
        var text = $"""
            Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}
            From: MAILER-DAEMON@mail.example.net (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            To: {DeskAddress}
            Auto-Submitted: auto-replied
            Message-Id: <{id}>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

            This is a MIME-encapsulated message.

            --{boundary}
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mail.example.net.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            <left.company@example.net>: host mail.example.net said: 550 5.1.1 mailbox unavailable

            --{boundary}
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mail.example.net
            Arrival-Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}

            Final-Recipient: rfc822; left.company@example.net
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable

            --{boundary}
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            From: "IT Service Desk" <{DeskAddress}>
            To: left.company@example.net
            Message-Id: <{original ?? id}>
            Subject: Your request has been registered

            --{boundary}--

            """;
        return Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));
    }

    /// <summary>A raw message as header lines (folded lines kept with their field) and the body bytes untouched.</summary>
    sealed class Message
    {
        readonly List<string> fields = [];
        byte[] body = [];

        public static Message Parse(byte[] raw)
        {
            var text = Encoding.Latin1.GetString(raw);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var newline = "\r\n";
            if (end < 0)
            {
                end = text.IndexOf("\n\n", StringComparison.Ordinal);
                newline = "\n";
            }
            if (end < 0) throw new InvalidOperationException("fixture without a header/body separator");
            var message = new Message { body = raw[(end + newline.Length)..] };
            foreach (var line in text[..end].Split(newline))
            {
                if (line.Length > 0 && line[0] is ' ' or '\t' && message.fields.Count > 0) message.fields[^1] += "\r\n" + line;
                else message.fields.Add(line);
            }
            return message;
        }

        static bool Is(string field, string name) => field.Length > name.Length && field[name.Length] == ':' && field.StartsWith(name, StringComparison.OrdinalIgnoreCase);

        public string? Get(string name) => fields.FirstOrDefault(f => Is(f, name)) is { } f ? f[(name.Length + 1)..].Trim() : null;

        public void Remove(string name) => fields.RemoveAll(f => Is(f, name));

        public void Set(string name, string value)
        {
            var index = fields.FindIndex(f => Is(f, name));
            Remove(name);
            fields.Insert(index < 0 ? fields.Count : index, $"{name}: {value}");
        }

        public byte[] Bytes()
        {
            var head = Encoding.Latin1.GetBytes(string.Join("\r\n", fields) + "\r\n\r\n");
            return [.. head, .. body];
        }
    }
}
