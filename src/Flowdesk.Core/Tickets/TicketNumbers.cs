using Flowdesk.Desks;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Flowdesk.Tickets;

/// <summary>
/// Hands out the human ticket numbers (IT-000123) per desk from <c>desks.last_number</c>: never twice, in the order
/// they are taken, with a gap when a create fails after taking its number (decisions.md, "Ticket numbers").
/// </summary>
public static class TicketNumbers
{
    /// <summary>
    /// Advances the desk's counter. Call it as the last step before saving, so the counter is held as briefly as
    /// possible: on SQLite it is one UPDATE … RETURNING in the caller's transaction if there is one, else a short write of
    /// its own (API creates save in a transaction that starts after their reads); on PostgreSQL the counter moves in a
    /// transaction of its own, committed without waiting for the WAL flush, so concurrent creates on one desk do
    /// not queue behind each other's commits (that queue capped creates at one per disk flush, about 170/s).
    /// </summary>
    public static async Task<string> NextAsync(FlowdeskDb db, Desk desk, CancellationToken ct)
    {
        long next;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // Durable as soon as the ticket that uses it is: the WAL is flushed in order, so the ticket's commit
            // flushes this earlier one too. A crash can only lose numbers no committed ticket carries.
            await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand(
                "SET LOCAL synchronous_commit = off; UPDATE desks SET last_number = last_number + 1 WHERE id = @id RETURNING last_number",
                connection, transaction);
            command.Parameters.AddWithValue("id", desk.Id);
            next = (long)(await command.ExecuteScalarAsync(ct))!;
            await transaction.CommitAsync(ct);
        }
        else
        {
            var numbers = await db.Database
                .SqlQuery<long>($"UPDATE desks SET last_number = last_number + 1 WHERE id = {desk.Id} RETURNING last_number AS \"Value\"")
                .ToListAsync(ct);
            next = numbers.Single();
        }
        return Format(desk.TicketPrefix, next);
    }

    public static string Format(string prefix, long number) => $"{prefix}-{number:D6}";
}
