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

public sealed record AddComment(string? Body, bool Internal = false);

public sealed record CommentView(Guid Id, PersonRef Author, string Body, bool Internal, DateTimeOffset CreatedAt);

/// <summary>The conversation: public replies for everyone who sees the ticket, internal notes for its desk's staff only.</summary>
public static class CommentsEndpoints
{
    public static void Map(RouteGroupBuilder tickets)
    {
        tickets.MapGet("/{id}/comments", List).WithSummary("The ticket's conversation");
        tickets.MapPost("/{id}/comments", Add).WithSummary("Reply or add an internal note");
    }

    static async Task<Results<Ok<List<CommentView>>, ProblemHttpResult>> List(
        string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var comments = await db.Comments.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(c => c.TicketId == ticket.Id).Include(c => c.Author)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(comments.Select(View).ToList());
    }

    static async Task<Results<Created<CommentView>, ProblemHttpResult, ValidationProblem>> Add(
        string id, AddComment request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        var staff = caller.MayWorkOn(ticket.DeskId);
        // Auditors only read; people who merely watch may reply; internal notes are the desk's own.
        if (!staff && ticket.RequesterId != caller.PersonId && !ticket.Watchers.Any(w => w.PersonId == caller.PersonId))
            return Problems.Forbidden(t);
        if (request.Internal && !staff) return Problems.Forbidden(t);

        var errors = new FieldErrors(t);
        var body = errors.Text("body", request.Body, TicketLimits.CommentMax, required: true);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var comment = ticket.AddComment(caller.PersonId, body!, request.Internal, staff, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        await db.Entry(comment).Reference(c => c.Author).LoadAsync(ct);
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.Created($"/api/v1/tickets/{ticket.Id}/comments/{comment.Id}", View(comment));
    }

    static CommentView View(Comment c) => new(c.Id, TicketViews.Person(c.Author!), c.Body, c.Internal, c.CreatedAt);
}

public sealed record HistoryView(Guid Id, PersonRef Actor, DateTimeOffset At, string Field, string? Old, string? New);

/// <summary>GET /tickets/{id}/history: the field-level audit trail, oldest first.</summary>
public static class HistoryEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapGet("/{id}/history", Handle).WithSummary("Field-level history");

    static async Task<Results<Ok<List<HistoryView>>, ProblemHttpResult>> Handle(
        string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var rows = await (from h in db.TicketHistory.VisibleTo(db.Tickets, caller)
                          join p in db.Users on h.ActorId equals p.Id
                          where h.TicketId == ticket.Id
                          orderby h.At, h.Id
                          select new { h, p.UserName, p.DisplayName }).AsNoTracking().ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new HistoryView(r.h.Id, new PersonRef(r.UserName!, r.DisplayName), r.h.At, r.h.Field, r.h.OldValue, r.h.NewValue)).ToList());
    }
}
