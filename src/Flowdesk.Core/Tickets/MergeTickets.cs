using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

public sealed record MergeRequest(string? Into, string? Comment);

public sealed record MergeView(TicketView Source, TicketView Target);

/// <summary>Why a merge was refused; null when it was done.</summary>
public sealed record MergeOutcome(string? Refusal)
{
    public bool Merged => Refusal is null;
}

/// <summary>
/// Merging a duplicate into the ticket that stays: the source is closed as merged into the target (its pinned workflow's
/// closed state, open approvals and tasks cancelled), its requester and watchers become watchers of the target so
/// they follow the work there, its conversation stays where it is and is referenced by a link both ways and a note.
/// Only staff who may work on both desks merge.
/// </summary>
public static class TicketMerge
{
    /// <summary>Adds the merge to the context; the caller saves. Both tickets must be tracked, with their watchers.</summary>
    public static async Task<MergeOutcome> MergeAsync(FlowdeskDb db, Caller caller, Ticket source, Ticket target, string? comment,
        IStringLocalizer t, DateTimeOffset now, CancellationToken ct)
    {
        if (source.Id == target.Id) return new("same_ticket");
        if (!caller.MayWorkOn(source.DeskId) || !caller.MayWorkOn(target.DeskId)) return new("desk");
        var sourceFlow = await ProcessWorkflows.ForAsync(db, source.ProcessKey, source.ProcessVersion, ct);
        var targetFlow = await ProcessWorkflows.ForAsync(db, target.ProcessKey, target.ProcessVersion, ct);
        if (sourceFlow.ClosedStates.Contains(source.Status)) return new("source_closed");
        if (targetFlow.ClosedStates.Contains(target.Status)) return new("target_closed");
        if (await db.TicketLinks.AnyAsync(l => l.FromId == target.Id && l.Kind == TicketLinkKinds.MergedInto, ct)) return new("target_closed");
        var closed = sourceFlow.ClosedStates.Contains(TicketStates.Closed)
            ? TicketStates.Closed
            : sourceFlow.States.FirstOrDefault(sourceFlow.ClosedStates.Contains);
        if (closed is null) return new("no_closed_state");

        var sourceComments = await db.Comments.CountAsync(c => c.TicketId == source.Id, ct);
        // The people who followed the duplicate follow the ticket that stays.
        foreach (var personId in source.Watchers.Select(w => w.PersonId).Append(source.RequesterId).Distinct())
            if (personId != target.RequesterId && target.Watchers.All(w => w.PersonId != personId))
                target.Watchers.Add(new TicketWatcher(target.Id, personId));

        source.AddComment(caller.PersonId, t.Text("merge.source_reply", target.Number), isInternal: false, byStaff: true, now);
        var note = t.Text("merge.target_note", source.Number, source.Subject, sourceComments);
        if (!string.IsNullOrWhiteSpace(comment)) note += "\n\n" + comment;
        target.AddComment(caller.PersonId, note, isInternal: true, byStaff: true, now);

        source.MoveTo(closed, sourceFlow, caller.PersonId, now);
        await ProcessCleanup.CloseOpenWorkAsync(db, source.Id, now, ct);
        db.TicketLinks.RemoveRange(await db.TicketLinks.Where(l => (l.FromId == source.Id && l.ToId == target.Id) || (l.FromId == target.Id && l.ToId == source.Id)).ToListAsync(ct));
        db.TicketLinks.Add(new TicketLink(source.Id, target.Id, TicketLinkKinds.MergedInto, now));
        TicketChangeSupport.Record(db, source, "links", null, $"{TicketLinkKinds.MergedInto} {target.Number}", caller.PersonId, now);
        TicketChangeSupport.Record(db, target, "links", null, $"{TicketLinkKinds.MergedFrom} {source.Number}", caller.PersonId, now);
        return new(null);
    }
}

/// <summary>POST /tickets/{id}/merge: merge this ticket into another; If-Match carries this ticket's ETag.</summary>
public static class MergeTicketsEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPost("/{id}/merge", Handle).WithSummary("Merge this ticket into another (If-Match required)").WithTags("Links");

    static async Task<Results<Ok<MergeView>, ProblemHttpResult, ValidationProblem>> Handle(
        string id, MergeRequest request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var source = await db.FindVisibleAsync(id, caller, ct);
        if (source is null) return Problems.NotFound(t);
        if (!caller.MayWorkOn(source.DeskId)) return Problems.Forbidden(t);
        if (!TicketChangeSupport.HasIfMatch(http)) return Problems.PreconditionRequired(t);
        if (!TicketChangeSupport.IfMatches(http, source)) return Problems.PreconditionFailed(t);

        var errors = new FieldErrors(t);
        var into = errors.Line("into", request.Into, 50);
        var comment = errors.Text("comment", request.Comment, TicketLimits.CommentMax);
        var target = into is null ? null : await db.FindVisibleAsync(into, caller, ct);
        if (into is not null && target is null) errors.Add("into", "link.unknown_ticket", into);
        else if (target is not null && target.Id == source.Id) errors.Add("into", "link.itself");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var outcome = await TicketMerge.MergeAsync(db, caller, source, target!, comment, t, clock.GetUtcNow(), ct);
        if (!outcome.Merged)
            return Problems.Conflict(t, "merge-refused", "merge.refused.title",
                t.Text($"merge.refused.{outcome.Refusal}", source.Number, target!.Number),
                new Dictionary<string, object?> { ["reason"] = outcome.Refusal });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        http.Response.Headers.ETag = source.ETag;
        var views = await TicketViews.ToViewsAsync(db, [source, target!], caller, ct);
        return TypedResults.Ok(new MergeView(views[0], views[1]));
    }
}
