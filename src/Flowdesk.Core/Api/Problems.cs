using Flowdesk.Localization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Api;

/// <summary>RFC 9457 problem responses with localised title and detail, the same shape everywhere.</summary>
public static class Problems
{
    const string TypeBase = "https://flowdesk.dev/problems/";

    public static ProblemHttpResult NotFound(IStringLocalizer t) =>
        Make(t, StatusCodes.Status404NotFound, "not-found", "problem.not_found.title", t.Text("problem.not_found.detail"));

    public static ProblemHttpResult Forbidden(IStringLocalizer t) =>
        Make(t, StatusCodes.Status403Forbidden, "forbidden", "problem.forbidden.title", t.Text("problem.forbidden.detail"));

    public static ProblemHttpResult PreconditionFailed(IStringLocalizer t) =>
        Make(t, StatusCodes.Status412PreconditionFailed, "precondition-failed", "problem.precondition_failed.title", t.Text("problem.precondition_failed.detail"));

    public static ProblemHttpResult PreconditionRequired(IStringLocalizer t) =>
        Make(t, StatusCodes.Status428PreconditionRequired, "precondition-required", "problem.precondition_required.title", t.Text("problem.precondition_required.detail"));

    public static ProblemHttpResult Conflict(IStringLocalizer t, string type, string titleKey, string detail, IDictionary<string, object?>? extensions = null) =>
        Make(t, StatusCodes.Status409Conflict, type, titleKey, detail, extensions);

    public static ProblemHttpResult TooLarge(IStringLocalizer t, long limit) =>
        Make(t, StatusCodes.Status413PayloadTooLarge, "too-large", "problem.too_large.title", t.Text("problem.too_large.detail", Bytes(limit)));

    public static ProblemHttpResult Unauthorized(IStringLocalizer t, string titleKey = "problem.unauthorized.title", string detailKey = "problem.unauthorized.detail") =>
        Make(t, StatusCodes.Status401Unauthorized, "unauthorized", titleKey, t.Text(detailKey));

    public static ValidationProblem Validation(IStringLocalizer t, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, t.Text("problem.validation.detail"), type: TypeBase + "validation", title: t.Text("problem.validation.title"));

    public static ValidationProblem Validation(IStringLocalizer t, string field, string message) =>
        Validation(t, new Dictionary<string, string[]> { [field] = [message] });

    static ProblemHttpResult Make(IStringLocalizer t, int status, string type, string titleKey, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: t.Text(titleKey), type: TypeBase + type, extensions: extensions);

    /// <summary>For middleware and handlers outside endpoints (authentication challenges, exception handler).</summary>
    public static async Task Write(HttpContext context, int status, string titleKey, string detailKey, params object[] args)
    {
        var t = context.RequestServices.GetRequiredService<IStringLocalizer<Messages>>();
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + TypeFor(status),
            Title = t.Text(titleKey),
            Detail = t.Text(detailKey, args),
            Instance = context.Request.Path,
        };
        problem.Extensions["traceId"] = context.TraceIdentifier;
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }

    static string TypeFor(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        413 => "too-large",
        _ => "error",
    };

    public static string Bytes(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MB" : bytes >= 1024 ? $"{bytes / 1024} KB" : $"{bytes} B";
}

/// <summary>Collects field errors with localised messages; empty means valid.</summary>
public sealed class FieldErrors(IStringLocalizer t)
{
    readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string key, params object[] args)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(t.Text(key, args));
    }

    /// <summary>A message already localised elsewhere (form validation).</summary>
    public void AddText(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Required single-line text: present, within length, no control characters.</summary>
    public string? Line(string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "validation.required");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max) Add(field, "validation.too_long", max);
        if (trimmed.Any(char.IsControl)) Add(field, "validation.control_characters");
        return trimmed;
    }

    /// <summary>Multi-line text: tabs and line breaks allowed, other control characters not.</summary>
    public string? Text(string field, string? value, int max, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "validation.required");
            return value is null ? null : "";
        }
        if (value.Length > max) Add(field, "validation.too_long", max);
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) Add(field, "validation.control_characters");
        return value.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>An optional ISO 8601 instant (UTC when no offset is given); a bad value is a field error.</summary>
    public DateTimeOffset? Instant(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant))
            return instant.ToUniversalTime();
        Add(field, "validation.date");
        return null;
    }

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
