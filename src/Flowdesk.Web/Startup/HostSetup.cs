using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using Flowdesk.Api;
using Flowdesk.Attachments;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Web.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace Flowdesk.Web.Startup;

public static class HostSetup
{
    /// <summary>Largest JSON body the API reads; attachments have their own limit.</summary>
    public const long JsonBodyLimit = 1024 * 1024;

    public static void AddFlowdesk(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var database = DatabaseSettings.From(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddFlowdeskDatabase(database);
        services.AddCallerCache();
        services.AddFlowdeskAttachments(configuration);
        Flowdesk.Portal.PortalSetup.AddFlowdeskPortal(services, configuration);
        Flowdesk.Jobs.JobServices.AddFlowdeskJobs(services, configuration);
        Flowdesk.Notifications.NotificationSetup.AddFlowdeskNotifications(services, configuration);
        Flowdesk.Mail.MailSetup.AddFlowdeskMail(services, configuration);
        services.Configure<FlowdeskOptions>(configuration.GetSection("Flowdesk"));
        services.Configure<Tickets.Search.TicketSearchOptions>(configuration.GetSection("Flowdesk:Search"));
        services.AddHttpContextAccessor();

        services.AddIdentityCore<Person>(o =>
            {
                o.User.RequireUniqueEmail = false;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<FlowdeskDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "flowdesk";
                o.DefaultChallengeScheme = "flowdesk";
            })
            // The API speaks bearer tokens only (no cookies, so no cross-site request forgery on it); pages use the cookie.
            .AddPolicyScheme("flowdesk", "Flowdesk", o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") ? BearerAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.Cookie.Name = "flowdesk.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
        });
        services.AddAuthorization();
        services.AddScoped(sp => sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.Features.Get<Caller>()
            ?? throw new InvalidOperationException("No signed-in caller for this request."));

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Languages.English).AddSupportedCultures(Languages.Supported).AddSupportedUICultures(Languages.Supported);
            o.FallBackToParentUICultures = true;
            o.ApplyCurrentCultureToResponseHeaders = true;
            // The cookie holds the signed-in person's choice; the API and first visits follow Accept-Language.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.MaxDepth = 32;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = AttachmentLimits.RequestLimit(configuration));

        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Flowdesk API";
            document.Info.Version = "v1";
            document.Info.Description = "REST API of Flowdesk, the process-as-product service desk.";
            return Task.CompletedTask;
        }));

        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Password guessing against /auth/token: per client address. Lock-out per account is Identity's.
            o.AddPolicy("credentials", context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) }));
        });

        services.AddFlowdeskUi();
    }

    public static void UseFlowdesk(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleException });
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRequestLocalization();
        app.UseApiBodyLimit(JsonBodyLimit);
        app.UseAuthentication();
        app.UseMiddleware<CallerMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Flowdesk API").WithOpenApiRoutePattern("/api/{documentName}/openapi.json")).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        app.MapFlowdeskApi();
        app.MapFlowdeskUi();
    }

    /// <summary>Turns unreadable requests into 400/413 problems and anything else into a 500 that reveals nothing.</summary>
    internal static async Task HandleException(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        switch (error)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                await Problems.Write(context, 413, "problem.too_large.title", "problem.too_large.detail", Problems.Bytes(JsonBodyLimit));
                break;
            case BadHttpRequestException bad:
                await Problems.Write(context, 400, "problem.bad_request.title", "problem.bad_request.detail", Describe(bad));
                break;
            case Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException:
                // A save that met someone else's change of the same rows (a row version or a conditional update):
                // nothing was saved, and sending the request again is safe.
                await Problems.Write(context, 409, "problem.concurrent_change.title", "problem.concurrent_change.detail");
                break;
            case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                context.Response.Headers.RetryAfter = "5";
                await Problems.Write(context, 503, "problem.busy.title", "problem.busy.detail");
                break;
            default:
                await Problems.Write(context, 500, "problem.server.title", "problem.server.detail");
                break;
        }
    }

    /// <summary>Names the JSON path and line of a body that does not bind, without echoing the input.</summary>
    static string Describe(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json => $"{json.Path} (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1})",
        _ => bad.Message,
    };
}

public sealed class FlowdeskOptions
{
    public bool? Demo { get; set; }
    public int DemoTickets { get; set; } = 300;
    public bool MigrateOnStart { get; set; } = true;
    public string DataPath { get; set; } = "data";
    public string? AdminPassword { get; set; }
}

/// <summary>The signed-in person's access facts for endpoints and pages, from the caller cache (a few seconds old at most).</summary>
sealed class CallerMiddleware(RequestDelegate next)
{
    // No DbContext parameter: resolving one for every request (health probes and static files included) cost more
    // than the request itself; the cache creates it only when the caller's facts must be read.
    public async Task InvokeAsync(HttpContext context, CallerCache callers)
    {
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && Guid.TryParse(id, out var personId))
        {
            var caller = await callers.GetAsync(context.RequestServices, personId, context.RequestAborted);
            if (caller is not null) context.Features.Set(caller);
            else context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        await next(context);
    }
}

/// <summary>Ready when the database answers and has no pending migrations.</summary>
sealed class DatabaseReadyCheck(FlowdeskDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("database unreachable");
            var pending = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, cancellationToken);
            return pending.Any() ? HealthCheckResult.Unhealthy("migrations pending") : HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database error", e);
        }
    }
}
