using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flowdesk.Api;

public static class ApiEndpoints
{
    /// <summary>All of /api/v1. Everything requires a bearer token except getting one.</summary>
    public static IEndpointRouteBuilder MapFlowdeskApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Flowdesk");
        Security.IssueTokenEndpoint.Map(api);
        Processes.Documents.SchemaEndpoint.Map(api);

        var secured = api.MapGroup("").RequireAuthorization();
        People.GetMeEndpoint.Map(secured);
        Desks.ListDesksEndpoint.Map(secured);
        Security.ApiKeysEndpoints.Map(secured);

        var tickets = secured.MapGroup("/tickets").WithTags("Tickets");
        Tickets.ListTicketsEndpoint.Map(tickets);
        Tickets.CreateTicketEndpoint.Map(tickets);
        Tickets.GetTicketEndpoint.Map(tickets);
        Tickets.UpdateTicketEndpoint.Map(tickets);
        Tickets.TransitionTicketEndpoint.Map(tickets);
        Tickets.CommentsEndpoints.Map(tickets);
        Tickets.HistoryEndpoint.Map(tickets);
        Tickets.TicketLinkEndpoints.Map(tickets);
        Tickets.MergeTicketsEndpoint.Map(tickets);
        Tickets.SplitTicketEndpoint.Map(tickets);
        Tickets.BulkTicketsEndpoint.Map(tickets);
        Tickets.SavedViewEndpoints.Map(secured);
        Attachments.AttachmentEndpoints.Map(tickets, secured);

        Processes.ProcessEndpoints.Map(secured);
        Processes.ProcessMetricsEndpoint.Map(secured);
        Processes.ApprovalEndpoints.Map(secured);
        Processes.TaskEndpoints.Map(secured);
        Catalog.CatalogEndpoints.Map(secured);
        Sla.SlaEndpoints.Map(secured, tickets);
        Portal.PortalEndpoints.Map(tickets);
        Portal.AnnouncementEndpoints.Map(secured);
        Notifications.NotificationSetup.MapNotificationEndpoints(secured);
        Outbox.OutboxAdminEndpoints.Map(secured);
        Mail.MailAdminEndpoints.Map(secured);

        // Unknown API paths answer as problem details too, not as a page.
        api.MapFallback(context => Problems.Write(context, 404, "problem.not_found.title", "problem.not_found.detail"));
        return app;
    }
}
