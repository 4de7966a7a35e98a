using Microsoft.AspNetCore.Http;

namespace Flowdesk.Api;

/// <summary>The If-Match test every record with an ETag shares (tickets, process drafts).</summary>
public static class IfMatch
{
    public static bool Present(HttpContext http) => !string.IsNullOrEmpty(http.Request.Headers.IfMatch.ToString());

    /// <summary>True when the request's If-Match names <paramref name="etag"/> (weak or strong) or is *. Absent is not a match.</summary>
    public static bool Matches(HttpContext http, string etag) =>
        http.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch
        && (ifMatch == "*" || ifMatch.Split(',').Select(e => e.Trim().TrimStart('W', '/')).Contains(etag));
}
