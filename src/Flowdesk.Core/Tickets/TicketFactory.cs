using Flowdesk.Desks;
using Flowdesk.Persistence;
using Flowdesk.Processes;

namespace Flowdesk.Tickets;

/// <summary>Creates a ticket with its number; used by the API, the demo seeder and later by email and alerts.</summary>
public static class TicketFactory
{
    public static async Task<Ticket> CreateAsync(FlowdeskDb db, Desk desk, TicketKind kind, string subject, string description,
        Guid requesterId, Level impact, Level urgency, Priority? priority, Guid actorId, DateTimeOffset now, CancellationToken ct)
    {
        var number = await TicketNumbers.NextAsync(db, desk, ct);
        var ticket = new Ticket(desk, number, kind, subject, description, requesterId, impact, urgency, priority,
            BuiltInWorkflows.For(kind), actorId, now);
        db.Tickets.Add(ticket);
        return ticket;
    }
}
