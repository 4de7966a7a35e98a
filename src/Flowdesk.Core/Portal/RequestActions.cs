using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Portal;

/// <summary>
/// What a requester does with their own request: reply (with files), cancel, reopen within the configured window, rate.
/// Moves go through <see cref="TicketTransitions.MoveAsync"/> as the requester, so the pinned process decides exactly as
/// it does for the API's transitions. Each method adds to the context and saves once.
/// </summary>
public static class RequestActions
{
    public const int CommentMax = TicketLimits.CommentMax;

    /// <summary>A public reply by the requester (or a watcher). A reply to a "waiting for you" request hands it back to the desk.</summary>
    public static async Task<PortalResult> ReplyAsync(FlowdeskDb db, Caller caller, string number, string? body, IReadOnlyList<PortalUpload> files,
        DateTimeOffset now, IStringLocalizer t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(number, caller, ct);
        if (ticket is null) return PortalResult.NotFound(t);
        var staff = caller.MayWorkOn(ticket.DeskId);
        if (!staff && ticket.RequesterId != caller.PersonId && !ticket.Watchers.Any(w => w.PersonId == caller.PersonId)) return PortalResult.Forbidden(t);

        var errors = new FieldErrors(t);
        var text = errors.Text("body", body, CommentMax, required: files.Count == 0);
        foreach (var file in files.Where(f => !f.Ok)) errors.Add("files", file.ErrorKey!, file.Args);
        if (errors.Any) return PortalResult.Invalid(t, errors.ToDictionary());

        var comment = ticket.AddComment(caller.PersonId, string.IsNullOrWhiteSpace(text) ? string.Join(", ", files.Select(f => f.FileName)) : text, isInternal: false, byStaff: staff, now);
        foreach (var file in files)
        {
            var attachment = await file.AttachAsync(db, ticket, comment.Id, caller.PersonId, now);
            db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, caller.PersonId, now, "attachments", null, attachment.FileName));
        }
        if (ticket.Status == TicketStates.WaitingOnRequester && ticket.RequesterId == caller.PersonId)
            await TicketTransitions.MoveAsync(db, ticket, TicketStates.InProgress, null, caller.PersonId, TransitionActor.Requester, now, ct);
        return await SaveAsync(db, t, ct);
    }

    public static async Task<PortalResult> CancelAsync(FlowdeskDb db, Caller caller, string number, string? reason, DateTimeOffset now,
        IStringLocalizer t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(number, caller, ct);
        if (ticket is null) return PortalResult.NotFound(t);
        if (ticket.RequesterId != caller.PersonId) return PortalResult.Forbidden(t);
        var errors = new FieldErrors(t);
        var text = errors.Text("reason", reason, CommentMax);
        if (errors.Any) return PortalResult.Invalid(t, errors.ToDictionary());

        var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        if (!workflow.CanMove(ticket.Status, TicketStates.Cancelled, TransitionActor.Requester).Allowed)
            return PortalResult.Conflict(t, "cancel-refused", "portal.cancel_refused.title", t.Text("portal.cancel_refused.detail"));
        await TicketTransitions.MoveAsync(db, ticket, TicketStates.Cancelled, string.IsNullOrWhiteSpace(text) ? null : text,
            caller.PersonId, TransitionActor.Requester, now, ct);
        return await SaveAsync(db, t, ct);
    }

    /// <summary>Whether the caller may still reopen: the request is resolved and within the window since it was resolved.</summary>
    public static bool MayReopen(Ticket ticket, Workflow workflow, TimeSpan window, DateTimeOffset now) =>
        workflow.ResolvedStates.Contains(ticket.Status) && ticket.ResolvedAt is { } resolved && now - resolved <= window
        && ReopenTarget(workflow, ticket.Status) is not null;

    public static async Task<PortalResult> ReopenAsync(FlowdeskDb db, Caller caller, string number, string? comment, TimeSpan window,
        DateTimeOffset now, IStringLocalizer t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(number, caller, ct);
        if (ticket is null) return PortalResult.NotFound(t);
        if (ticket.RequesterId != caller.PersonId) return PortalResult.Forbidden(t);
        var errors = new FieldErrors(t);
        var text = errors.Text("comment", comment, CommentMax, required: true);
        if (errors.Any) return PortalResult.Invalid(t, errors.ToDictionary());

        var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        if (!workflow.ResolvedStates.Contains(ticket.Status) || ReopenTarget(workflow, ticket.Status) is not { } target)
            return PortalResult.Conflict(t, "reopen-refused", "portal.reopen_not_resolved.title", t.Text("portal.reopen_not_resolved.detail"));
        if (ticket.ResolvedAt is not { } resolved || now - resolved > window)
            return PortalResult.Conflict(t, "reopen-window-passed", "portal.reopen_window.title", t.Text("portal.reopen_window.detail", Days(window)));
        await TicketTransitions.MoveAsync(db, ticket, target, text, caller.PersonId, TransitionActor.Requester, now, ct);
        return await SaveAsync(db, t, ct);
    }

    /// <summary>Where a reopened request goes: in progress when the process allows it, else the first open state it allows.</summary>
    public static string? ReopenTarget(Workflow workflow, string from)
    {
        var allowed = workflow.NextStates(from, TransitionActor.Requester)
            .Where(s => !workflow.ResolvedStates.Contains(s) && !workflow.ClosedStates.Contains(s)).ToList();
        return allowed.Contains(TicketStates.InProgress) ? TicketStates.InProgress : allowed.FirstOrDefault();
    }

    /// <summary>Rates a resolved (or closed after resolution) request, or changes the rating given.</summary>
    public static async Task<PortalResult> RateAsync(FlowdeskDb db, Caller caller, string number, int? rating, string? comment, DateTimeOffset now,
        IStringLocalizer t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(number, caller, ct, tracking: false);
        if (ticket is null) return PortalResult.NotFound(t);
        if (ticket.RequesterId != caller.PersonId) return PortalResult.Forbidden(t);
        var errors = new FieldErrors(t);
        if (rating is not (>= 1 and <= 5)) errors.Add("rating", "portal.rating_range");
        var text = errors.Text("comment", comment, SatisfactionSurvey.CommentMax);
        if (errors.Any) return PortalResult.Invalid(t, errors.ToDictionary());
        if (ticket.ResolvedAt is null)
            return PortalResult.Conflict(t, "survey-not-resolved", "portal.survey_not_resolved.title", t.Text("portal.survey_not_resolved.detail"));

        var survey = await db.SatisfactionSurveys.SingleOrDefaultAsync(s => s.TicketId == ticket.Id, ct);
        if (survey is null) db.SatisfactionSurveys.Add(new SatisfactionSurvey(ticket.Id, caller.PersonId, rating!.Value, text, now));
        else survey.Answer(rating!.Value, text, now);
        return await SaveAsync(db, t, ct);
    }

    static async Task<PortalResult> SaveAsync(FlowdeskDb db, IStringLocalizer t, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return PortalResult.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return PortalResult.Conflict(t, "precondition-failed", "portal.changed.title", t.Text("portal.changed.detail"));
        }
        catch (DbUpdateException)
        {
            // Two ratings of the same request at once: the unique index keeps one; answering again changes it.
            return PortalResult.Conflict(t, "precondition-failed", "portal.changed.title", t.Text("portal.changed.detail"));
        }
    }

    static string Days(TimeSpan window) => window.TotalDays >= 1 ? $"{window.TotalDays:0.#}" : $"{window.TotalDays:0.##}";
}
