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

public sealed record TransitionRequest(string? To, string? Comment);

/// <summary>POST /tickets/{id}/transitions: move a ticket as its process allows; refused moves answer 409 with the reason.</summary>
public static class TransitionTicketEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPost("/{id}/transitions", Handle).WithSummary("Move a ticket to another state");

    static async Task<Results<Ok<TicketView>, ProblemHttpResult, ValidationProblem>> Handle(
        string id, TransitionRequest request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        if (TicketViews.Actor(caller, ticket) is not { } actor) return Problems.Forbidden(t);

        var errors = new FieldErrors(t);
        var to = errors.Line("to", request.To, 50);
        var comment = errors.Text("comment", request.Comment, TicketLimits.CommentMax);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var move = await TicketTransitions.MoveAsync(db, ticket, to!, comment, caller.PersonId, actor, clock.GetUtcNow(), ct);
        if (!move.Decision.Allowed)
            return Problems.Conflict(t, "transition-refused", "problem.transition.title",
                t.Text($"problem.transition.{move.Decision.Reason}", to!, move.From),
                new Dictionary<string, object?>
                {
                    ["reason"] = move.Decision.Reason,
                    ["from"] = move.From,
                    ["to"] = to,
                    ["allowed"] = move.Allowed,
                });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.Ok((await TicketViews.ToViewsAsync(db, [ticket], caller, ct))[0]);
    }
}
