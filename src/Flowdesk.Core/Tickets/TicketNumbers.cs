using Flowdesk.Desks;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tickets;

/// <summary>Hands out the human ticket numbers (IT-000123) per desk, without gaps between concurrent creators.</summary>
public static class TicketNumbers
{
    /// <summary>
    /// Advances the desk's counter with one UPDATE … RETURNING: the row lock serialises concurrent creators on
    /// PostgreSQL and SQLite has one writer anyway. Call inside the transaction that inserts the ticket.
    /// </summary>
    public static async Task<string> NextAsync(FlowdeskDb db, Desk desk, CancellationToken ct)
    {
        var next = await db.Database
            .SqlQuery<long>($"UPDATE desks SET last_number = last_number + 1 WHERE id = {desk.Id} RETURNING last_number AS \"Value\"")
            .ToListAsync(ct);
        return Format(desk.TicketPrefix, next.Single());
    }

    public static string Format(string prefix, long number) => $"{prefix}-{number:D6}";
}
