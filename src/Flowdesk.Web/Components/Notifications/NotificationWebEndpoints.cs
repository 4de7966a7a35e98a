using Flowdesk.Notifications;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Flowdesk.Web.Components.Notifications;

/// <summary>
/// The notifications page's two forms, for the signed-in person's cookie: open one (marks it read, then goes where it
/// points) and mark all read. Both need the page's antiforgery token; someone else's notification is 404.
/// </summary>
static class NotificationWebEndpoints
{
    public static void MapNotificationPages(this WebApplication app)
    {
        app.MapPost("/notifications/{id:guid}/open", Open).WithMetadata(new RequireAntiforgeryTokenAttribute()).RequireAuthorization()
            .ExcludeFromDescription();
        app.MapPost("/notifications/read-all", ReadAll).WithMetadata(new RequireAntiforgeryTokenAttribute()).RequireAuthorization()
            .ExcludeFromDescription();
    }

    static async Task<Results<RedirectHttpResult, NotFound, BadRequest>> Open(Guid id, HttpContext http, FlowdeskDb db, TimeProvider clock,
        NotificationFeed feed, CancellationToken ct)
    {
        // The antiforgery middleware only records its verdict for endpoints that bind no form.
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true }) return TypedResults.BadRequest();
        if (http.Features.Get<Caller>() is not { } caller) return TypedResults.NotFound();
        var opened = await MyNotificationsEndpoints.MarkReadAsync(db, caller.PersonId, id, clock.GetUtcNow(), feed, ct);
        if (opened is null) return TypedResults.NotFound();
        return TypedResults.LocalRedirect(LocalUrl.IsLocal(opened.Link) ? opened.Link! : "/notifications");
    }

    static async Task<Results<RedirectHttpResult, NotFound, BadRequest>> ReadAll(HttpContext http, FlowdeskDb db, TimeProvider clock,
        NotificationFeed feed, CancellationToken ct)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true }) return TypedResults.BadRequest();
        if (http.Features.Get<Caller>() is not { } caller) return TypedResults.NotFound();
        if (await MyNotificationsEndpoints.MarkAllReadAsync(db, caller.PersonId, clock.GetUtcNow(), ct) > 0) feed.Publish([caller.PersonId]);
        return TypedResults.LocalRedirect("/notifications");
    }
}
