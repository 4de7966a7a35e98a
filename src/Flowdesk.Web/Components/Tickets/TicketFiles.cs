using Flowdesk.Attachments;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Flowdesk.Web.Components.Tickets;

/// <summary>
/// <c>GET /files/{id}</c>: an attachment for a person signed in with the cookie (the API's download takes bearer tokens
/// only). Same access rule and headers as the API (<see cref="AttachmentDownloads"/>); raster images open in place,
/// everything else is "save as". A file the person may not see, or that does not exist, is the not-found page.
/// </summary>
public static class TicketFiles
{
    public static string PathOf(Guid id) => $"/files/{id}";

    public static void MapTicketFiles(this IEndpointRouteBuilder app) =>
        // A GET that only reads: no antiforgery token needed.
        app.MapGet("/files/{id:guid}", Download).RequireAuthorization().ExcludeFromDescription();

    static async Task<Results<PhysicalFileHttpResult, RazorComponentResult<App>>> Download(Guid id, HttpContext http, FlowdeskDb db,
        AttachmentStore store, ILoggerFactory logs, CancellationToken ct)
    {
        if (http.Features.Get<Caller>() is not { } caller) return NotFound();
        var download = await AttachmentDownloads.FindAsync(db, caller, id, store, logs.CreateLogger(typeof(TicketFiles)), ct);
        return download is null ? NotFound() : AttachmentDownloads.Deliver(http, download, inlineImages: true);
    }

    static RazorComponentResult<App> NotFound() => new() { StatusCode = StatusCodes.Status404NotFound };
}
