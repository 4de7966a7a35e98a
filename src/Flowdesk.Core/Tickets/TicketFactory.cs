using Flowdesk.Desks;
using Flowdesk.Persistence;
using Flowdesk.Processes;

namespace Flowdesk.Tickets;

/// <summary>Creates a ticket with its number; used by the API, the demo seeder and later by email and alerts.</summary>
public static class TicketFactory
{
    public static async Task<Ticket> CreateAsync(FlowdeskDb db, Desk desk, TicketKind kind, string subject, string description,
        Guid requesterId, Level impact, Level urgency, Priority? priority, Guid actorId, DateTimeOffset now, CancellationToken ct,
        string? processKey = null, int? processVersion = null)
    {
        // Pinned to the given process version, or to the built-in process of its kind.
        var workflow = processKey is not null && processVersion is { } version
            ? await ProcessWorkflows.ForAsync(db, processKey, version, ct)
            : BuiltInWorkflows.For(kind);
        // The number last: every read is done, so the desk's counter is held for as short a time as possible.
        var number = await TicketNumbers.NextAsync(db, desk, ct);
        var ticket = new Ticket(desk, number, kind, subject, description, requesterId, impact, urgency, priority,
            workflow.Key, workflow.Version, workflow.Initial, actorId, now);
        db.Tickets.Add(ticket);
        return ticket;
    }
}
