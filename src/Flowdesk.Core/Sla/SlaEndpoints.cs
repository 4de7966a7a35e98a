using Microsoft.AspNetCore.Routing;

namespace Flowdesk.Sla;

/// <summary>All SLA and calendar endpoints; ApiEndpoints maps them with one call.</summary>
public static class SlaEndpoints
{
    public static void Map(IEndpointRouteBuilder secured, RouteGroupBuilder tickets)
    {
        Calendars.CalendarAdminEndpoints.Map(secured);
        SlaPolicyEndpoints.Map(secured);
        TicketSlaEndpoint.Map(tickets);
    }
}
