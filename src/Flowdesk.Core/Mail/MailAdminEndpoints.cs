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
        if (!MailAdmin.MayView(caller)) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var (page, size) = Paging.Read(errors, query.Page, query.PageSize);
        MailOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(query.Outcome))
        {
            if (Enum.TryParse<MailOutcome>(query.Outcome.Trim(), ignoreCase: true, out var parsed) && !int.TryParse(query.Outcome, out _)) outcome = parsed;
            else errors.Add("outcome", "validation.enum", string.Join(", ", Enum.GetNames<MailOutcome>().Select(n => n.ToLowerInvariant())));
        }
        var deskKey = errors.Line("desk", query.Desk, 50, required: false);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        return TypedResults.Ok(await MailAdmin.PageAsync(db, caller, outcome, deskKey, page, size, t, ct));
    }

    static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Raw(Guid id, Caller caller, FlowdeskDb db, AttachmentStore store,
        HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!MailAdmin.MayView(caller)) return Problems.NotFound(t);
        if (await MailAdmin.RawAsync(db, caller, store, id, ct) is not { } raw) return Problems.NotFound(t);
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-cache";
        return TypedResults.PhysicalFile(raw.File.FullName, "message/rfc822", $"quarantine-{raw.Record.Id:N}.eml");
    }
}
