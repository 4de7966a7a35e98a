using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Web.Components.Console;

public enum MoveOutcome { Moved, NotFound, Forbidden, Stale, Refused }

public sealed record MoveResult(MoveOutcome Outcome, string Number, string From, string To, string? Reason = null);

/// <summary>
/// A card dragged (or moved with its buttons) to another column: the same rules as POST /tickets/{id}/transitions —
/// found only through VisibleTo, the workflow asked for the caller's actor — and the version the viewer saw must
/// still be the ticket's, like an If-Match: a card that is out of date is refused, never moved blindly.
/// </summary>
public static class MoveCard
{
    public static async Task<MoveResult> RunAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion, string to,
        TimeProvider clock, CancellationToken ct)
    {
        var ticket = await db.Tickets.VisibleTo(caller).SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null) return new(MoveOutcome.NotFound, "", "", to);
        var result = new MoveResult(MoveOutcome.Moved, ticket.Number, ticket.Status, to);
        if (TicketViews.Actor(caller, ticket) is not { } actor) return result with { Outcome = MoveOutcome.Forbidden };
        if (ticket.Version != seenVersion) return result with { Outcome = MoveOutcome.Stale };

        // The same move as the API's: the pinned version's workflow, open approvals and tasks closed, rules run.
        var move = await TicketTransitions.MoveAsync(db, ticket, to, null, caller.PersonId, actor, clock.GetUtcNow(), ct);
        if (!move.Decision.Allowed) return result with { Outcome = MoveOutcome.Refused, Reason = move.Decision.Reason };
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return result with { Outcome = MoveOutcome.Stale };
        }
        return result;
    }
}
