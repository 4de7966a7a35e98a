using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

/// <summary>A new ticket from part of this one: a comment, or text selected in it (text wins when both are given).</summary>
public sealed record SplitRequest(string? Subject, Guid? CommentId = null, string? Text = null);

/// <summary>
/// Splitting: a second problem found inside a ticket becomes a ticket of its own on the same desk, for the same
/// requester, with the same impact, urgency and group, pinned to the built-in process of its kind (it did not come
/// through the catalog), and linked back to where it came from (split_from / split_into) on both histories.
/// </summary>
public static class TicketSplit
{
    /// <summary>Validates and adds the new ticket and the link; the caller saves inside a transaction (the number).</summary>
    public static async Task<(Ticket? Created, FieldErrors Errors)> SplitAsync(FlowdeskDb db, Caller caller, Ticket source, SplitRequest request,
        IStringLocalizer t, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var subject = errors.Line("subject", request.Subject, TicketLimits.SubjectMax);
        var text = errors.Text("text", request.Text, TicketLimits.DescriptionMax);
        string? body = null;
        if (request.CommentId is { } commentId)
        {
            body = await db.Comments.VisibleTo(db.Tickets, caller).Where(c => c.Id == commentId && c.TicketId == source.Id)
                .Select(c => c.Body).SingleOrDefaultAsync(ct);
            if (body is null) errors.Add("commentId", "split.unknown_comment");
        }
        if (string.IsNullOrWhiteSpace(text) && request.CommentId is null) errors.Add("text", "split.nothing");
        if (errors.Any) return (null, errors);

        var desk = await db.Desks.SingleAsync(d => d.Id == source.DeskId, ct);
        var kind = source.Kind is TicketKind.Incident ? TicketKind.Incident : TicketKind.Request;
        var description = t.Text("split.description", source.Number) + "\n\n" + (string.IsNullOrWhiteSpace(text) ? body : text);
        if (description.Length > TicketLimits.DescriptionMax) description = description[..TicketLimits.DescriptionMax];
        var created = await TicketFactory.CreateAsync(db, desk, kind, subject!, description, source.RequesterId,
            source.Impact, source.Urgency, null, caller.PersonId, now, ct);
        created.SetCategory(source.Category, source.Service);
        created.AssignTo(source.AssigneeGroupId, null);
        db.TicketLinks.Add(new TicketLink(created.Id, source.Id, TicketLinkKinds.SplitFrom, now));
        TicketChangeSupport.Record(db, source, "links", null, $"{TicketLinkKinds.SplitInto} {created.Number}", caller.PersonId, now);
        return (created, errors);
    }
}

/// <summary>POST /tickets/{id}/split: a new linked ticket from a comment or selected text; If-Match carries this ticket's ETag.</summary>
public static class SplitTicketEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPost("/{id}/split", Handle).WithSummary("A new linked ticket from a comment or selected text (If-Match required)").WithTags("Links");

    static async Task<IResult> Handle(string id, SplitRequest request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var source = await db.FindVisibleAsync(id, caller, ct);
        if (source is null) return Problems.NotFound(t);
        if (!caller.MayWorkOn(source.DeskId)) return Problems.Forbidden(t);
        if (!TicketChangeSupport.HasIfMatch(http)) return Problems.PreconditionRequired(t);
        if (!TicketChangeSupport.IfMatches(http, source)) return Problems.PreconditionFailed(t);
        try
        {
            return await Idempotency.CreateAsync<SplitRequest, TicketView>(http, db, caller.PersonId, request, async () =>
            {
                var (created, errors) = await TicketSplit.SplitAsync(db, caller, source, request, t, clock.GetUtcNow(), ct);
                if (created is null) return Union<Idempotency.Created<TicketView>, IResult>.Fail(Problems.Validation(t, errors.ToDictionary()));
                await db.Entry(created).Reference(x => x.Desk).LoadAsync(ct);
                await db.Entry(created).Reference(x => x.Requester).LoadAsync(ct);
                if (created.AssigneeGroupId is not null) await db.Entry(created).Reference(x => x.AssigneeGroup).LoadAsync(ct);
                var view = (await TicketViews.ToViewsAsync(db, [created], caller, ct))[0];
                return new Idempotency.Created<TicketView>(view, $"/api/v1/tickets/{created.Id}");
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
    }
}
