using Flowdesk.Api;
using Flowdesk.Attachments;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Mail;

public sealed record InboundMailView(Guid Id, string Desk, string Mailbox, string Outcome, string? Reason, string? ReasonText, string? Detail,
    string? From, string? FromName, string? Subject, string? MessageId, long Size, DateTimeOffset? SentAt, DateTimeOffset ReceivedAt,
    string? Ticket, string? Raw);

public sealed record InboundMailQuery(string? Outcome, string? Desk, string? Page, string? PageSize);

/// <summary>
/// What the mailbox polling did, for admins: the quarantine (messages that could not be read or were too large, with
/// their raw bytes to download) and every other fetched message with its outcome (ticket, comment, or ignored as an
/// auto-reply, bounce or loop, and why). System admins see every desk except confidential ones they do not staff; desk
/// admins see their desks. Everyone else gets the 404 of something that does not exist.
/// </summary>
public static class MailAdminEndpoints
{
    const int MaxPageSize = 200;

    public static void Map(IEndpointRouteBuilder secured)
    {
        var mail = secured.MapGroup("/admin/mail").WithTags("Admin");
        mail.MapGet("/quarantine", Quarantine).WithSummary("Quarantined incoming mail, newest first (admin)");
        mail.MapGet("/quarantine/{id:guid}/raw", Raw).WithSummary("The raw message of a quarantined mail (message/rfc822, admin)");
        mail.MapGet("/messages", ListMessages).WithSummary("Fetched incoming mail with its outcome: ticket, comment, ignored, quarantined (admin)");
    }

    static Task<Results<Ok<PageOf<InboundMailView>>, ProblemHttpResult, ValidationProblem>> Quarantine(
        string? desk, string? page, string? pageSize, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct) =>
        ListAsync(new InboundMailQuery("quarantined", desk, page, pageSize), caller, db, t, ct);

    static Task<Results<Ok<PageOf<InboundMailView>>, ProblemHttpResult, ValidationProblem>> ListMessages(
        [AsParameters] InboundMailQuery query, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct) =>
        ListAsync(query, caller, db, t, ct);

    static async Task<Results<Ok<PageOf<InboundMailView>>, ProblemHttpResult, ValidationProblem>> ListAsync(
        InboundMailQuery query, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!IsMailAdmin(caller)) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var page = Number(query.Page, 1);
        var size = Number(query.PageSize, 50);
        if (page is null or < 1) errors.Add("page", "validation.page");
        if (size is null or < 1 or > MaxPageSize) errors.Add("pageSize", "validation.page_size", MaxPageSize);
        MailOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(query.Outcome))
        {
            if (Enum.TryParse<MailOutcome>(query.Outcome.Trim(), ignoreCase: true, out var parsed) && !int.TryParse(query.Outcome, out _)) outcome = parsed;
            else errors.Add("outcome", "validation.enum", string.Join(", ", Enum.GetNames<MailOutcome>().Select(n => n.ToLowerInvariant())));
        }
        var deskKey = errors.Line("desk", query.Desk, 50, required: false);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var desks = await VisibleDesksAsync(caller, db, ct);
        var rows = from m in db.InboundMail.AsNoTracking()
                   join d in db.Desks on m.DeskId equals d.Id
                   where desks.Contains(m.DeskId)
                   select new { m, DeskKey = d.Key };
        if (outcome is { } o) rows = rows.Where(r => r.m.Outcome == o);
        if (deskKey is not null) rows = rows.Where(r => r.DeskKey == deskKey.ToLowerInvariant());
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderByDescending(r => r.m.ReceivedAt).ThenByDescending(r => r.m.Id)
            .Skip((page!.Value - 1) * size!.Value).Take(size.Value).ToListAsync(ct);
        var ticketIds = items.Where(i => i.m.TicketId != null).Select(i => i.m.TicketId!.Value).Distinct().ToList();
        var numbers = await db.Tickets.AsNoTracking().Where(x => ticketIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        return TypedResults.Ok(new PageOf<InboundMailView>(items.Select(i => View(i.m, i.DeskKey, numbers, t)).ToList(), total, page.Value, size.Value));
    }

    static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Raw(Guid id, Caller caller, FlowdeskDb db, AttachmentStore store,
        HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!IsMailAdmin(caller)) return Problems.NotFound(t);
        var desks = await VisibleDesksAsync(caller, db, ct);
        var record = await db.InboundMail.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && desks.Contains(m.DeskId), ct);
        if (record?.RawSha256 is not { } sha || store.Find(sha) is not { } file) return Problems.NotFound(t);
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-cache";
        return TypedResults.PhysicalFile(file.FullName, "message/rfc822", $"quarantine-{record.Id:N}.eml");
    }

    static bool IsMailAdmin(Caller caller) => caller.IsSystemAdmin || caller.AdminDeskIds.Count > 0;

    static async Task<List<Guid>> VisibleDesksAsync(Caller caller, FlowdeskDb db, CancellationToken ct)
    {
        var all = await db.Desks.AsNoTracking().Select(d => new { d.Id, d.Confidential }).ToListAsync(ct);
        // Like tickets: a confidential desk's mail only for its own people.
        return all.Where(d => caller.AdminDeskIds.Contains(d.Id)
            || (caller.IsSystemAdmin && (!d.Confidential || caller.StaffDeskIds.Contains(d.Id)))).Select(d => d.Id).ToList();
    }

    static InboundMailView View(InboundMail m, string desk, Dictionary<Guid, string> numbers, IStringLocalizer t) => new(
        m.Id, desk, m.Mailbox, m.Outcome.ToString().ToLowerInvariant(), m.Reason,
        m.Reason is null ? null : t.Text("mail.reason." + m.Reason), m.Detail, m.FromAddress, m.FromName, m.Subject, m.MessageId, m.Size,
        m.SentAt, m.ReceivedAt, m.TicketId is { } ticketId && numbers.TryGetValue(ticketId, out var number) ? number : null,
        m.RawSha256 is null ? null : $"/api/v1/admin/mail/quarantine/{m.Id}/raw");

    static int? Number(string? text, int fallback) =>
        string.IsNullOrEmpty(text) ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
