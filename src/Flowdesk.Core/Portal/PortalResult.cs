using Flowdesk.Api;
using Flowdesk.Localization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Portal;

public enum PortalOutcome { Ok, NotFound, Forbidden, Conflict, Invalid }

/// <summary>
/// The answer of a portal action, for a page (a message next to the form or the field) and for the API (a problem
/// document) alike: localised title and detail, field errors by field.
/// </summary>
public sealed record PortalResult(PortalOutcome Outcome, string? Title = null, string? Detail = null, string? Type = null,
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static readonly PortalResult Done = new(PortalOutcome.Ok);

    public bool Ok => Outcome == PortalOutcome.Ok;

    public static PortalResult NotFound(IStringLocalizer t) => new(PortalOutcome.NotFound, t.Text("problem.not_found.title"), t.Text("problem.not_found.detail"));

    public static PortalResult Forbidden(IStringLocalizer t) => new(PortalOutcome.Forbidden, t.Text("problem.forbidden.title"), t.Text("problem.forbidden.detail"));

    public static PortalResult Conflict(IStringLocalizer t, string type, string titleKey, string detail) => new(PortalOutcome.Conflict, t.Text(titleKey), detail, type);

    public static PortalResult Invalid(IStringLocalizer t, IReadOnlyDictionary<string, string[]> errors) =>
        new(PortalOutcome.Invalid, t.Text("problem.validation.title"), t.Text("problem.validation.detail"), Errors: errors);

    /// <summary>The API's answer for a failed action.</summary>
    public IResult ToProblem() => Outcome switch
    {
        PortalOutcome.Invalid => TypedResults.ValidationProblem(Errors ?? new Dictionary<string, string[]>(), Detail, title: Title,
            type: "https://flowdesk.dev/problems/validation"),
        PortalOutcome.NotFound => TypedResults.Problem(Detail, statusCode: 404, title: Title, type: "https://flowdesk.dev/problems/not-found"),
        PortalOutcome.Forbidden => TypedResults.Problem(Detail, statusCode: 403, title: Title, type: "https://flowdesk.dev/problems/forbidden"),
        PortalOutcome.Conflict => TypedResults.Problem(Detail, statusCode: 409, title: Title, type: "https://flowdesk.dev/problems/" + Type),
        PortalOutcome.Ok => TypedResults.NoContent(),
        _ => throw new InvalidOperationException(Outcome.ToString()),
    };

    /// <summary>The first message for a field, for the page.</summary>
    public string? ErrorFor(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) && messages.Length > 0 ? messages[0] : null;

    public static Dictionary<string, string[]> FieldsFrom(FieldErrors errors) => errors.ToDictionary();
}
