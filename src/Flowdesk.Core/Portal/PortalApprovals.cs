using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Portal;

/// <summary>A pending approval with everything needed to decide it on the same page.</summary>
public sealed record PendingApproval(Guid Id, string Stage, string Number, string Subject, string Requester, string? OnBehalfOf,
    DateTimeOffset AskedAt, string ProcessName, IReadOnlyList<FormAnswer> Answers, string Description);

/// <summary>
/// The approvals waiting for the caller, with the request's details and form values; decisions go through
/// <see cref="ApprovalEndpoints.Decide"/>, the API's own code path (who may decide, reason required to reject,
/// already-decided conflicts, the engine's next steps).
/// </summary>
public static class PortalApprovals
{
    public static async Task<List<PendingApproval>> PendingAsync(FlowdeskDb db, Caller caller, string language, CancellationToken ct)
    {
        var rows = await db.Approvals.AsNoTracking()
            .Where(a => a.ApproverId == caller.PersonId && a.Decision == ApprovalDecision.Pending)
            .OrderBy(a => a.CreatedAt)
            .Select(a => new
            {
                a.Id, a.Stage, a.StageIndex, a.CreatedAt, a.Ticket!.Number, a.Ticket.Subject, a.Ticket.Fields, a.Ticket.Description,
                a.Ticket.ProcessKey, a.Ticket.ProcessVersion, a.TicketId,
                Requester = a.Ticket.Requester!.DisplayName,
                OnBehalfOf = db.Users.Where(p => p.Id == a.OnBehalfOfId).Select(p => p.DisplayName).FirstOrDefault(),
            })
            .Take(200)
            .ToListAsync(ct);
        // Approvers see the tickets they are asked about (Access.VisibleTo); checked once more for the page.
        var ticketIds = rows.Select(r => r.TicketId).Distinct().ToList();
        var visible = (await db.Tickets.VisibleTo(caller).Where(t => ticketIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct)).ToHashSet();

        List<PendingApproval> result = [];
        foreach (var r in rows.Where(r => visible.Contains(r.TicketId)))
        {
            var definition = await ProcessLibrary.DefinitionAsync(db, r.ProcessKey, r.ProcessVersion, ct);
            var stage = definition is not null && r.StageIndex < definition.Approvals.Count && definition.Approvals[r.StageIndex].Name is { } name
                ? name.For(language) : r.Stage;
            var fileNames = await db.Attachments.AsNoTracking().Where(a => a.TicketId == r.TicketId && a.CommentId == null)
                .Select(a => new { a.Id, a.FileName }).ToListAsync(ct);
            result.Add(new PendingApproval(r.Id, stage, r.Number, r.Subject, r.Requester, r.OnBehalfOf, r.CreatedAt,
                definition?.Name.For(language) ?? r.ProcessKey,
                FormDisplay.Answers(definition, r.Fields, language, fileNames.ToDictionary(f => f.Id.ToString(), f => f.FileName)),
                r.Description));
        }
        return result;
    }

    /// <summary>Approves or rejects as the API does; the answer is the API's problem (title, detail, field errors) when refused.</summary>
    public static async Task<PortalResult> DecideAsync(FlowdeskDb db, Caller caller, Guid approvalId, bool approve, string? comment,
        TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var result = await ApprovalEndpoints.Decide(approvalId, approve ? ApprovalDecision.Approved : ApprovalDecision.Rejected,
            new DecideRequest(comment), caller, db, clock, t, ct);
        return result.Result switch
        {
            Ok<ApprovalView> => PortalResult.Done,
            ValidationProblem invalid => new PortalResult(PortalOutcome.Invalid, invalid.ProblemDetails.Title, invalid.ProblemDetails.Detail,
                Errors: new Dictionary<string, string[]>(invalid.ProblemDetails.Errors, StringComparer.Ordinal)),
            ProblemHttpResult { StatusCode: 404 } problem => new PortalResult(PortalOutcome.NotFound, problem.ProblemDetails.Title, problem.ProblemDetails.Detail),
            ProblemHttpResult problem => new PortalResult(PortalOutcome.Conflict, problem.ProblemDetails.Title, problem.ProblemDetails.Detail, "approval-decided"),
            _ => throw new InvalidOperationException("Unexpected answer from the approval decision."),
        };
    }
}
