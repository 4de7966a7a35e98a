using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Desks;

public sealed record DeskView(string Key, string Name, string TicketPrefix, bool Confidential, bool Staff);

/// <summary>
/// GET /desks: every desk a person may raise a ticket with. A desk's existence is not secret
/// (employees file HR cases); its tickets are, and that is decided by Access.
/// </summary>
public static class ListDesksEndpoint
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/desks", Handle).WithTags("Desks").WithSummary("Service desks");

    static async Task<Ok<List<DeskView>>> Handle(Caller caller, FlowdeskDb db, CancellationToken ct)
    {
        var desks = await db.Desks.AsNoTracking().OrderBy(d => d.Key).ToListAsync(ct);
        return TypedResults.Ok(desks.Select(d => new DeskView(d.Key, d.Name(Localization.CurrentLanguage.Get()), d.TicketPrefix, d.Confidential, caller.IsStaffOf(d.Id))).ToList());
    }
}
