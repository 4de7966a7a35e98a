using Flowdesk.Api;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Http;

namespace Flowdesk.Tickets;

/// <summary>What merge, split, links and bulk share: the If-Match test and a recorded change that is not a column.</summary>
public static class TicketChangeSupport
{
    /// <summary>True when the request's If-Match names the ticket's current ETag (or is *). Absent is not a match.</summary>
    public static bool IfMatches(HttpContext http, Ticket ticket) => IfMatch.Matches(http, ticket.ETag);

    public static bool HasIfMatch(HttpContext http) => IfMatch.Present(http);

    /// <summary>
    /// A change that lives in another table (a link, a merge): the ticket's version (ETag) and time move on, like an
    /// attachment, and the history names the change. An empty edit only stamps who, when and the version.
    /// </summary>
    public static void Record(FlowdeskDb db, Ticket ticket, string field, string? oldValue, string? newValue, Guid actorId, DateTimeOffset now)
    {
        ticket.Edit(new TicketEdit(), actorId, now);
        db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, field, oldValue, newValue));
    }
}
