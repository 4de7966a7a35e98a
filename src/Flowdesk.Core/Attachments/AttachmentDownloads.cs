using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Flowdesk.Attachments;

/// <summary>An attachment the caller may see, with its stored bytes.</summary>
public sealed record DownloadableFile(Attachment Attachment, FileInfo File);

/// <summary>
/// The one way an attachment leaves Flowdesk, for the API (bearer token) and the pages (cookie) alike: found through
/// <see cref="Access"/> (a file the caller may not see is not found), served with the type sniffed at upload,
/// <c>nosniff</c>, a sandbox policy and private revalidated caching, and named in Content-Disposition both as ASCII
/// and as RFC 5987 <c>filename*</c> so Chinese names survive.
/// </summary>
public static class AttachmentDownloads
{
    const string DownloadCsp = "sandbox; default-src 'none'";

    /// <summary>Raster images a browser may show in place: they cannot run script. (SVG is never accepted as an upload.)</summary>
    static readonly HashSet<string> InlineTypes = new(
        [FileTypes.Png.ContentType, FileTypes.Jpeg.ContentType, FileTypes.Gif.ContentType, FileTypes.WebP.ContentType, FileTypes.Bmp.ContentType],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a page may offer to open the file in the browser rather than only to save it.</summary>
    public static bool MayShowInline(string contentType) => InlineTypes.Contains(contentType);

    /// <summary>The attachment if the caller may see it and its bytes are on disk; null otherwise (a missing file is logged).</summary>
    public static async Task<DownloadableFile?> FindAsync(FlowdeskDb db, Caller caller, Guid id, AttachmentStore store, ILogger logger,
        CancellationToken ct)
    {
        var attachment = await db.Attachments.VisibleTo(db.Tickets, caller).AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (attachment is null) return null;
        if (store.Find(attachment.Sha256) is { } file) return new DownloadableFile(attachment, file);
        logger.LogError("Attachment {Id} has no stored file {Sha256}.", attachment.Id, attachment.Sha256);
        return null;
    }

    /// <summary>
    /// The file as the answer. <paramref name="inlineImages"/>: raster images are shown in place (disposition inline);
    /// everything else, and everything when false, is "save as".
    /// </summary>
    public static PhysicalFileHttpResult Deliver(HttpContext http, DownloadableFile download, bool inlineImages)
    {
        var attachment = download.Attachment;
        var disposition = new ContentDispositionHeaderValue(inlineImages && MayShowInline(attachment.ContentType) ? "inline" : "attachment");
        // filename= with non-ASCII characters replaced, and filename*=UTF-8''… with the name as uploaded.
        disposition.SetHttpFileName(attachment.FileName);
        var headers = http.Response.Headers;
        headers.ContentDisposition = disposition.ToString();
        headers.ContentSecurityPolicy = DownloadCsp;
        headers.XContentTypeOptions = "nosniff";
        // Private: the answer depends on who asks. Revalidated each time (cheap with the ETag) so revoked access takes effect.
        headers.CacheControl = "private, no-cache";
        // No download name here: it would make the result write its own "attachment" disposition over ours.
        return TypedResults.PhysicalFile(download.File.FullName, attachment.ContentType, lastModified: attachment.CreatedAt,
            entityTag: new EntityTagHeaderValue($"\"{attachment.Sha256}\""), enableRangeProcessing: true);
    }
}
