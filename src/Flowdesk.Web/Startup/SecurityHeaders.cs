using Flowdesk.Api;

namespace Flowdesk.Web.Startup;

static class SecurityHeaders
{
    // Blazor needs no eval; Radzen sets inline styles. The API docs page runs an inline bootstrap script.
    const string PageCsp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    const string DocsCsp = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Sets the protective headers on every response, pages and API alike.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Keep a full policy an endpoint set for itself (downloads are sandboxed); replace partial ones such as
            // the frame-ancestors-only header Blazor adds, so every page gets the whole policy.
            if (!headers.ContentSecurityPolicy.ToString().Contains("default-src", StringComparison.Ordinal))
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/docs") ? DocsCsp : PageCsp;
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// Caps JSON bodies on the API before they are read. Endpoints that take uploads mark themselves with
    /// <see cref="LargeBodyAttribute"/> and are capped by the attachment limit instead.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app, long limit) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api") && context.GetEndpoint()?.Metadata.GetMetadata<LargeBodyAttribute>() is null)
        {
            if (context.Request.ContentLength > limit)
            {
                await Problems.Write(context, 413, "problem.too_large.title", "problem.too_large.detail", Problems.Bytes(limit));
                return;
            }
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = limit;
        }
        await next(context);
    });
}
