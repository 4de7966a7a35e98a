using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

/// <summary>GET /tickets/{id}: one ticket, by id or number, with its ETag.</summary>
public static class GetTicketEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapGet("/{id}", Handle).WithName("GetTicket").WithSummary("One ticket (id or number)");

    static async Task<Results<Ok<TicketView>, ProblemHttpResult>> Handle(
        string id, Caller caller, FlowdeskDb db, HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        http.Response.Headers.ETag = ticket.ETag;
        var views = await TicketViews.ToViewsAsync(db, [ticket], caller, ct);
        return TypedResults.Ok(views[0]);
    }
}
