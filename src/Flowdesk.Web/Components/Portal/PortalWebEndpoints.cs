using Flowdesk.Attachments;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Portal;
using Flowdesk.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Flowdesk.Web.Components.Portal;

/// <summary>
/// The two small endpoints the portal's pages need besides the pages themselves, both for the signed-in person's cookie:
/// the live form state (which fields show and which are required for what is typed so far) and file downloads.
/// </summary>
static class PortalWebEndpoints
{
    public static void MapPortal(this WebApplication app)
    {
        // Read-only: it answers from the catalog and the typed values, changes nothing, so it needs no antiforgery token.
        app.MapPost("/portal/catalog/{key}/state", State).RequireAuthorization().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/portal/files/{id:guid}", Download).RequireAuthorization().ExcludeFromDescription();
    }

    static async Task<Results<Ok<StateView>, NotFound, BadRequest>> State(string key, HttpContext http, FlowdeskDb db, PortalCatalog catalog,
        CancellationToken ct)
    {
        if (http.Features.Get<Caller>() is not { } caller) return TypedResults.NotFound();
        if (!http.Request.HasFormContentType) return TypedResults.BadRequest();
        var offer = await catalog.FindAsync(db, caller, key, ct);
        if (offer is null) return TypedResults.NotFound();
        var form = await http.Request.ReadFormAsync(ct);
        var values = PortalForms.ReadValues(form, offer.Definition.Form, Shared.Display.Zone(caller.TimeZone));
        var profile = Catalog.Requesters.Of(caller);
        var state = FormVisibility.Decide(offer.Definition.Form, values, profile);
        return TypedResults.Ok(new StateView([.. state.Visible], [.. state.Required]));
    }

    static async Task<Results<PhysicalFileHttpResult, NotFound>> Download(Guid id, HttpContext http, FlowdeskDb db, AttachmentStore store,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (http.Features.Get<Caller>() is not { } caller) return TypedResults.NotFound();
        // The same access rule and delivery as the console's /files/{id} and the API (AttachmentDownloads).
        var download = await AttachmentDownloads.FindAsync(db, caller, id, store, logs.CreateLogger(typeof(PortalWebEndpoints)), ct);
        return download is null ? TypedResults.NotFound() : AttachmentDownloads.Deliver(http, download, inlineImages: true);
    }

    sealed record StateView(IReadOnlyList<string> Visible, IReadOnlyList<string> Required);
}
