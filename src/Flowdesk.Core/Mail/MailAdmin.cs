using System.Text;
using Flowdesk.Attachments;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Mail;

/// <summary>A quarantined message's stored raw bytes and the record they belong to.</summary>
public sealed record InboundMailRaw(InboundMail Record, FileInfo File);

/// <summary>
/// The work behind the mail admin API and the console's quarantine screen, so both decide the same way which desks'
/// mail an admin sees and list it the same way. System admins see every desk except confidential ones they do not
/// staff; desk admins see their desks; nobody else sees any (<see cref="MayView"/>).
/// </summary>
public static class MailAdmin
{
    /// <summary>Header block shown in the console: enough for any real header, and the page never holds a 30 MB message.</summary>
    public const int HeaderPreviewMax = 32 * 1024;

    public static bool MayView(Caller caller) => caller.IsSystemAdmin || caller.AdminDeskIds.Count > 0;

    public static async Task<List<Guid>> VisibleDesksAsync(Caller caller, FlowdeskDb db, CancellationToken ct)
    {
        var all = await db.Desks.AsNoTracking().Select(d => new { d.Id, d.Confidential }).ToListAsync(ct);
        // Like tickets: a confidential desk's mail only for its own people.
        return all.Where(d => caller.AdminDeskIds.Contains(d.Id)
            || (caller.IsSystemAdmin && (!d.Confidential || caller.StaffDeskIds.Contains(d.Id)))).Select(d => d.Id).ToList();
    }

    /// <summary>Fetched mail newest first, optionally of one outcome and one desk (its key); page from 1.</summary>
    public static async Task<PageOf<InboundMailView>> PageAsync(FlowdeskDb db, Caller caller, MailOutcome? outcome, string? deskKey, int page, int size,
        IStringLocalizer t, CancellationToken ct)
    {
        var desks = await VisibleDesksAsync(caller, db, ct);
        var rows = from m in db.InboundMail.AsNoTracking()
                   join d in db.Desks on m.DeskId equals d.Id
                   where desks.Contains(m.DeskId)
                   select new { m, DeskKey = d.Key };
        if (outcome is { } o) rows = rows.Where(r => r.m.Outcome == o);
        if (deskKey is not null) rows = rows.Where(r => r.DeskKey == deskKey.ToLowerInvariant());
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderByDescending(r => r.m.ReceivedAt).ThenByDescending(r => r.m.Id)
            .Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var ticketIds = items.Where(i => i.m.TicketId != null).Select(i => i.m.TicketId!.Value).Distinct().ToList();
        var numbers = await db.Tickets.AsNoTracking().Where(x => ticketIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        return new PageOf<InboundMailView>(items.Select(i => View(i.m, i.DeskKey, numbers, t)).ToList(), total, page, size);
    }

    /// <summary>The stored raw message of a mail the caller may see, or null.</summary>
    public static async Task<InboundMailRaw?> RawAsync(FlowdeskDb db, Caller caller, AttachmentStore store, Guid id, CancellationToken ct)
    {
        var desks = await VisibleDesksAsync(caller, db, ct);
        var record = await db.InboundMail.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && desks.Contains(m.DeskId), ct);
        return record?.RawSha256 is { } sha && store.Find(sha) is { } file ? new InboundMailRaw(record, file) : null;
    }

    /// <summary>
    /// The header block of the raw message (up to the first empty line, at most <see cref="HeaderPreviewMax"/> bytes),
    /// read as bytes and decoded leniently: the message may be exactly what could not be parsed.
    /// </summary>
    public static async Task<string> HeaderBlockAsync(FileInfo file, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(HeaderPreviewMax, Math.Max(0, file.Length))];
        await using var stream = file.OpenRead();
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        var text = Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings("\n");
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        return end >= 0 ? text[..end] : text;
    }

    public static InboundMailView View(InboundMail m, string desk, IReadOnlyDictionary<Guid, string> numbers, IStringLocalizer t) => new(
        m.Id, desk, m.Mailbox, m.Outcome.ToString().ToLowerInvariant(), m.Reason,
        m.Reason is null ? null : t.Text("mail.reason." + m.Reason), m.Detail, m.FromAddress, m.FromName, m.Subject, m.MessageId, m.Size,
        m.SentAt, m.ReceivedAt, m.TicketId is { } ticketId && numbers.TryGetValue(ticketId, out var number) ? number : null,
        m.RawSha256 is null ? null : $"/api/v1/admin/mail/quarantine/{m.Id}/raw");
}
