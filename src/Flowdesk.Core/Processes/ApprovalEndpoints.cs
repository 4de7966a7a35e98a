using Flowdesk.Api;
using Flowdesk.Catalog;
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

namespace Flowdesk.Processes;

public sealed record ApprovalView(Guid Id, string Stage, string Decision, PersonRef Approver, PersonRef? OnBehalfOf, string? Comment,
    DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, TicketSummary Ticket);

public sealed record TicketSummary(Guid Id, string Number, string Subject, string Status, PersonRef Requester);

public sealed record DecideRequest(string? Comment);

/// <summary>Approvals waiting for the caller, and approving or rejecting them. Only the asked approver decides.</summary>
public static class ApprovalEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var approvals = api.MapGroup("/approvals").WithTags("Approvals");
        approvals.MapGet("", List).WithSummary("Approvals of the caller, oldest first, a page at a time (state=pending|decided|all, page, pageSize)");
        approvals.MapPost("/{id:guid}/approve", (Guid id, DecideRequest request, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct) =>
            Decide(id, ApprovalDecision.Approved, request, caller, db, clock, t, ct)).WithSummary("Approve");
        approvals.MapPost("/{id:guid}/reject", (Guid id, DecideRequest request, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct) =>
            Decide(id, ApprovalDecision.Rejected, request, caller, db, clock, t, ct)).WithSummary("Reject (the comment is the reason the requester sees)");
        api.MapGet("/tickets/{id}/approvals", ForTicket).WithTags("Approvals").WithSummary("The ticket's decision record");
    }

    static async Task<Results<Ok<PageOf<ApprovalView>>, ValidationProblem>> List(string? state, string? page, string? pageSize, Caller caller,
        FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var paging = Paging.Read(errors, page, pageSize);
        var query = db.Approvals.AsNoTracking().Where(a => a.ApproverId == caller.PersonId);
        switch (state ?? "pending")
        {
            case "pending": query = query.Where(a => a.Decision == ApprovalDecision.Pending); break;
            case "decided": query = query.Where(a => a.Decision == ApprovalDecision.Approved || a.Decision == ApprovalDecision.Rejected); break;
            case "all": break;
            default: errors.Add("state", "validation.enum", "pending, decided, all"); break;
        }
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        // Oldest first: the longest waiting are the first to answer. A busy manager can have thousands.
        var total = await query.CountAsync(ct);
        var rows = await Load(query.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(paging.Skip).Take(paging.PageSize), db, ct);
        return TypedResults.Ok(new PageOf<ApprovalView>(rows, total, paging.Page, paging.PageSize));
    }

    static async Task<Results<Ok<List<ApprovalView>>, ProblemHttpResult>> ForTicket(string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        return TypedResults.Ok(await Load(db.Approvals.AsNoTracking().Where(a => a.TicketId == ticket.Id).OrderBy(a => a.StageIndex).ThenBy(a => a.CreatedAt), db, ct));
    }

    /// <summary>Approve or reject; the portal's approvals page calls this too, so both decide the same way.</summary>
    internal static async Task<Results<Ok<ApprovalView>, ProblemHttpResult, ValidationProblem>> Decide(Guid id, ApprovalDecision decision, DecideRequest request,
        Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        // Someone else's approval answers exactly like one that does not exist.
        var approval = await db.Approvals.SingleOrDefaultAsync(a => a.Id == id && a.ApproverId == caller.PersonId, ct);
        if (approval is null) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var comment = errors.Text("comment", request.Comment, TicketLimits.CommentMax);
        if (decision == ApprovalDecision.Rejected && string.IsNullOrWhiteSpace(comment)) errors.Add("comment", "approval.reason_required");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        if (approval.Decision != ApprovalDecision.Pending)
            return Problems.Conflict(t, "approval-decided", "approval.decided.title", t.Text("approval.decided.detail", approval.Decision.ToString().ToLowerInvariant()));

        var ticket = await db.Tickets.Include(x => x.Watchers).SingleAsync(x => x.Id == approval.TicketId, ct);
        var definition = await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        if (definition is null || approval.StageIndex >= definition.Approvals.Count) return Problems.NotFound(t);
        var now = clock.GetUtcNow();
        await new ProcessRunner(db, now, caller.PersonId).DecideAsync(ticket, definition, approval, decision, string.IsNullOrWhiteSpace(comment) ? null : comment,
            await Requesters.ProfileAsync(db, ticket.RequesterId, ct), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict(t, "approval-decided", "approval.decided.title", t.Text("approval.decided.detail", "?"));
        }
        return TypedResults.Ok((await Load(db.Approvals.AsNoTracking().Where(a => a.Id == id), db, ct))[0]);
    }

    static async Task<List<ApprovalView>> Load(IQueryable<Approval> query, FlowdeskDb db, CancellationToken ct)
    {
        var rows = await query.Select(a => new
        {
            a.Id, a.Stage, a.Decision, a.Comment, a.CreatedAt, a.DecidedAt,
            Approver = new PersonRef(a.Approver!.UserName!, a.Approver.DisplayName),
            OnBehalfOf = db.Users.Where(p => p.Id == a.OnBehalfOfId).Select(p => new PersonRef(p.UserName!, p.DisplayName)).FirstOrDefault(),
            Ticket = new TicketSummary(a.Ticket!.Id, a.Ticket.Number, a.Ticket.Subject, a.Ticket.Status,
                new PersonRef(a.Ticket.Requester!.UserName!, a.Ticket.Requester.DisplayName)),
        }).ToListAsync(ct);
        return rows.Select(r => new ApprovalView(r.Id, r.Stage, r.Decision.ToString().ToLowerInvariant(), r.Approver, r.OnBehalfOf, r.Comment,
            r.CreatedAt, r.DecidedAt, r.Ticket)).ToList();
    }
}
