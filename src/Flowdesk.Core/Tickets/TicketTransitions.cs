using Flowdesk.Persistence;
using Flowdesk.Processes;

namespace Flowdesk.Tickets;

public sealed record MoveOutcome(Decision Decision, string From, IReadOnlyList<string> Allowed);

/// <summary>
/// A person moving a ticket, from the API or the console's board: asks the pinned version's workflow, moves,
/// closes open approvals and tasks when the ticket leaves the flow, and runs the "state entered" rules.
/// Adds to the context; the caller saves.
/// </summary>
public static class TicketTransitions
{
    public static async Task<MoveOutcome> MoveAsync(FlowdeskDb db, Ticket ticket, string to, string? comment, Guid actorId,
        TransitionActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        var from = ticket.Status;
        var decision = workflow.CanMove(from, to, actor);
        if (!decision.Allowed) return new MoveOutcome(decision, from, workflow.NextStates(from, actor).ToArray());

        ticket.MoveTo(to, workflow, actorId, now);
        if (!string.IsNullOrWhiteSpace(comment)) ticket.AddComment(actorId, comment, isInternal: false, byStaff: actor == TransitionActor.Staff, now);
        if (workflow.ClosedStates.Contains(to) || workflow.ResolvedStates.Contains(to))
            await ProcessCleanup.CloseOpenWorkAsync(db, ticket.Id, now, ct);
        if (await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct) is { } definition)
            await new ProcessRunner(db, now, actorId).StateEnteredAsync(ticket, definition,
                await Catalog.Requesters.ProfileAsync(db, ticket.RequesterId, ct), ct);
        return new MoveOutcome(decision, from, workflow.NextStates(to, actor).ToArray());
    }
}
