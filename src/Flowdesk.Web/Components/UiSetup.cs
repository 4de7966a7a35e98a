using System.Text.Encodings.Web;
using System.Text.Unicode;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Web.Live;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.WebEncoders;
using Radzen;

namespace Flowdesk.Web.Components;

/// <summary>The Blazor web shell: pages, the language switch and sign-out endpoints, static assets.</summary>
public static class UiSetup
{
    public static IServiceCollection AddFlowdeskUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddRadzenComponents();
        services.AddFlowdeskLive();
        // Chinese text goes out as characters, not as &#x...; entities (three to five times the bytes).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "flowdesk.af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    public static WebApplication MapFlowdeskUi(this WebApplication app)
    {
        // Runs after authentication and authorisation (HostSetup.UseFlowdesk), before the endpoints.
        app.UseAntiforgery();
        app.Use(ShowErrorPage);

        // Development maps the build's static web assets (blazor.web.js, Radzen's files) by itself; other
        // environments running from the build output (tests, a quick Production run) need it done here.
        // A published app has no such manifest and this does nothing.
        if (!app.Environment.IsDevelopment()) StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(Layout.PageModes.StaticPagesConfigureNoRenderMode);

        app.MapPost("/culture", SwitchLanguage).AllowAnonymous();
        app.MapPost("/signout", SignOut).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous();
        Portal.PortalWebEndpoints.MapPortal(app);
        Notifications.NotificationWebEndpoints.MapNotificationPages(app);
        Tickets.TicketFiles.MapTicketFiles(app);

        // Unknown addresses outside the API get the localised not-found page; the API keeps its own 404.
        app.MapFallback(NotFound).AllowAnonymous();
        return app;
    }

    /// <summary>Sets the culture cookie and, for a signed-in person, remembers the choice on their profile.</summary>
    static async Task<RedirectHttpResult> SwitchLanguage(
        [FromForm] string? culture, [FromForm] string? returnUrl, HttpContext context, UserManager<Person> people)
    {
        var target = LocalUrl.OrHome(returnUrl);
        if (culture is not (Languages.English or Languages.Chinese)) return TypedResults.LocalRedirect(target);

        WriteCultureCookie(context, culture);
        if (context.User.Identity?.IsAuthenticated == true && await people.GetUserAsync(context.User) is { } person
            && person.Language != culture)
        {
            person.Language = culture;
            await people.UpdateAsync(person);
        }
        return TypedResults.LocalRedirect(target);
    }

    static async Task<Results<RedirectHttpResult, BadRequest>> SignOut(HttpContext context, SignInManager<Person> signIn)
    {
        // The antiforgery middleware only records its verdict for endpoints that bind no form.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true }) return TypedResults.BadRequest();
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/signin");
    }

    static IResult NotFound(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || !HttpMethods.IsGet(context.Request.Method)
            ? TypedResults.NotFound()
            : new RazorComponentResult<App> { StatusCode = StatusCodes.Status404NotFound };

    /// <summary>
    /// A page that fails shows a localised page saying what to do, with a reference to the log entry;
    /// the API keeps the problem+json answer of HostSetup's exception handler.
    /// </summary>
    static async Task ShowErrorPage(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not (OperationCanceledException or BadHttpRequestException) && !context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Flowdesk.Web.Pages");
            logger.LogError(e, "Page {Path} failed (reference {Reference})", context.Request.Path.Value, context.TraceIdentifier);
            context.Response.Clear();
            var page = new RazorComponentResult<Pages.ErrorPage>(new { Reference = context.TraceIdentifier })
            {
                StatusCode = StatusCodes.Status500InternalServerError,
            };
            await page.ExecuteAsync(context);
        }
    }

    internal static void WriteCultureCookie(HttpContext context, string culture) =>
        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
            });
}

/// <summary>Return addresses are followed only when they stay on this site.</summary>
public static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
