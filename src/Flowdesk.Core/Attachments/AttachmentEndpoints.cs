using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Flowdesk.Attachments;

public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Size, string Sha256,
    Guid? CommentId, PersonRef UploadedBy, DateTimeOffset CreatedAt, string Download);

/// <summary>
/// GET/POST /tickets/{id}/attachments and GET /attachments/{id}. Uploads are streamed to disk while hashed and
/// counted, identified by their bytes (<see cref="FileTypes"/>) and only then stored; downloads are always
/// "save as", with the sniffed type, nosniff and a sandbox CSP, so no upload can run in Flowdesk's origin.
/// </summary>
public static class AttachmentEndpoints
{
    public static void Map(RouteGroupBuilder tickets, RouteGroupBuilder api)
    {
        tickets.MapGet("/{id}/attachments", List).WithSummary("The ticket's attachments").WithTags("Attachments");
        tickets.MapPost("/{id}/attachments", Upload).WithSummary("Attach a file (multipart/form-data, field 'file', optional 'commentId')")
            .WithTags("Attachments")
            .WithMetadata(new LargeBodyAttribute())
            // Bearer tokens only on the API, so there is no cookie to forge a request with.
            .DisableAntiforgery();
        api.MapGet("/attachments/{id}", Download).WithSummary("Download an attachment").WithTags("Attachments");
    }

    static async Task<Results<Ok<List<AttachmentView>>, ProblemHttpResult>> List(
        string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var rows = await (from a in db.Attachments.VisibleTo(db.Tickets, caller)
                          join p in db.Users on a.UploadedById equals p.Id
                          where a.TicketId == ticket.Id
                          orderby a.CreatedAt, a.Id
                          select new { a, p.UserName, p.DisplayName }).AsNoTracking().ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => View(r.a, new PersonRef(r.UserName!, r.DisplayName))).ToList());
    }

    static async Task<Results<Created<AttachmentView>, ProblemHttpResult, ValidationProblem>> Upload(
        string id, HttpContext http, Caller caller, FlowdeskDb db, AttachmentStore store, IConfiguration configuration,
        TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var maxBytes = AttachmentLimits.MaxBytes(configuration);
        var requestLimit = AttachmentLimits.RequestLimit(configuration);
        // A body that announces itself as too large is refused before a byte of it is read.
        if (http.Request.ContentLength > requestLimit) return TooLarge(t, maxBytes);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = requestLimit;

        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        // Whoever may comment may attach (auditors only read).
        var staff = caller.MayWorkOn(ticket.DeskId);
        if (!staff && ticket.RequesterId != caller.PersonId && !ticket.Watchers.Any(w => w.PersonId == caller.PersonId))
            return Problems.Forbidden(t);

        if (!TryGetBoundary(http.Request.ContentType, out var boundary))
            return Problems.Validation(t, "file", t.Text("attachment.not_multipart"));

        await using var form = new UploadForm();
        try
        {
            await form.ReadAsync(http.Request.Body, boundary, store, maxBytes, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(t, maxBytes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !ct.IsCancellationRequested)
        {
            return Problems.Validation(t, "file", t.Text("attachment.malformed"));
        }

        if (form.File is { TooLarge: true }) return TooLarge(t, maxBytes);
        if (form.ErrorKey is { } formError) return Problems.Validation(t, "file", t.Text(formError));
        if (form.File is null) return Problems.Validation(t, "file", t.Text("attachment.missing"));
        if (form.File.Length == 0) return Problems.Validation(t, "file", t.Text("attachment.empty"));
        if (FileNames.BaseName(form.FileName) is not { } baseName) return Problems.Validation(t, "file", t.Text("attachment.name_invalid"));

        Guid? commentId = null;
        if (!string.IsNullOrWhiteSpace(form.CommentId))
        {
            // Internal notes are invisible to non-staff, so for them such an id is simply unknown.
            var comment = Guid.TryParse(form.CommentId.Trim(), out var cid)
                ? await db.Comments.VisibleTo(db.Tickets, caller).AsNoTracking().SingleOrDefaultAsync(c => c.Id == cid && c.TicketId == ticket.Id, ct)
                : null;
            if (comment is null) return Problems.Validation(t, "commentId", t.Text("attachment.comment_unknown"));
            if (comment.Internal && !staff) return Problems.Forbidden(t);
            commentId = comment.Id;
        }

        var sniffed = FileTypes.Sniff(form.File.Content, baseName);
        if (sniffed.Kind is not { } kind) return Problems.Validation(t, "file", t.Text(sniffed.RefusalKey, sniffed.Detected));

        // Bytes first, row second: a row never points at a missing file. A failed save leaves at worst an unreferenced file.
        await form.File.CommitAsync();
        var attachment = new Attachment(ticket.Id, commentId, FileNames.ForKind(baseName, kind), kind.ContentType,
            form.File.Length, form.File.Sha256, caller.PersonId, clock.GetUtcNow());
        db.Attachments.Add(attachment);
        db.TicketHistory.Add(ticket.AttachmentAdded(attachment.FileName, caller.PersonId, attachment.CreatedAt));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.Created(DownloadPath(attachment.Id), View(attachment, new PersonRef(caller.UserName, caller.DisplayName)));
    }

    static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(
        string id, HttpContext http, Caller caller, FlowdeskDb db, AttachmentStore store, ILoggerFactory logs,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var attachmentId)) return Problems.NotFound(t);
        var download = await AttachmentDownloads.FindAsync(db, caller, attachmentId, store, logs.CreateLogger(typeof(AttachmentEndpoints)), ct);
        if (download is null) return Problems.NotFound(t);
        // The API always answers "save as"; the pages' cookie route may show images in place.
        return AttachmentDownloads.Deliver(http, download, inlineImages: false);
    }

    static bool TryGetBoundary(string? contentType, out string boundary)
    {
        boundary = "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return false;
        var value = HeaderUtilities.RemoveQuotes(media.Boundary);
        if (value.Length is 0 or > 70) return false;
        boundary = value.ToString();
        return true;
    }

    static ProblemHttpResult TooLarge(IStringLocalizer t, long maxBytes) =>
        TypedResults.Problem(t.Text("attachment.too_large", Problems.Bytes(maxBytes)), statusCode: StatusCodes.Status413PayloadTooLarge,
            title: t.Text("problem.too_large.title"), type: "https://flowdesk.dev/problems/too-large");

    static string DownloadPath(Guid id) => $"/api/v1/attachments/{id}";

    static AttachmentView View(Attachment a, PersonRef uploadedBy) =>
        new(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.CommentId, uploadedBy, a.CreatedAt, DownloadPath(a.Id));

    /// <summary>The parts of a multipart upload, read as a stream: the file straight to the store's staging area.</summary>
    sealed class UploadForm : IAsyncDisposable
    {
        const int MaxFieldLength = 100;

        public StagedFile? File { get; private set; }
        public string? FileName { get; private set; }
        public string? CommentId { get; private set; }
        public string? ErrorKey { get; private set; }

        public async Task ReadAsync(Stream body, string boundary, AttachmentStore store, long maxBytes, CancellationToken ct)
        {
            var reader = new MultipartReader(boundary, body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                // A part named file with an empty file name is still the file (its name is then refused), not a missing one.
                if (name == "file" && (disposition.FileName.HasValue || disposition.FileNameStar.HasValue))
                {
                    if (File is not null)
                    {
                        ErrorKey = "attachment.one_file";
                        return;
                    }
                    FileName = (disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString();
                    File = await store.StageAsync(section.Body, maxBytes, ct);
                    if (File.TooLarge) return;
                }
                else if (name == "commentId")
                {
                    using var text = new StreamReader(section.Body, System.Text.Encoding.UTF8);
                    var buffer = new char[MaxFieldLength + 1];
                    var read = await text.ReadBlockAsync(buffer, ct);
                    CommentId = read > MaxFieldLength ? "invalid" : new string(buffer, 0, read);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (File is not null) await File.DisposeAsync();
        }
    }
}
