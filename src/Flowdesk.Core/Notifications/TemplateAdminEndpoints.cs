using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowdesk.Notifications;

public sealed record TemplateView(string Event, string Language, string Subject, string Body, bool Custom, DateTimeOffset? UpdatedAt);

public sealed record TemplateDetail(string Event, string Language, string Subject, string Body, bool Custom, DateTimeOffset? UpdatedAt,
    TemplateText Default, IReadOnlyDictionary<string, string[]> Placeholders);

public sealed record SaveTemplate(string? Subject, string? Body);

public sealed record TemplatePreview(string Subject, string Text, string Html);

public sealed record TemplateErrorView(Guid Id, string Event, string Language, Guid? TicketId, string Message, DateTimeOffset At);

/// <summary>
/// Notification templates for system admins: every event in en and zh-CN (the override or the shipped default), save an
/// override after checking it (Liquid syntax, known placeholders and filters — refused with 422 naming the line),
/// reset to the default, preview against a sample ticket, and the render errors seen in delivery. Others get 404.
/// </summary>
public static class TemplateAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var templates = api.MapGroup("/admin/notification-templates").WithTags("Admin");
        templates.MapGet("", List).WithSummary("Every event's template in en and zh-CN (system admin)");
        templates.MapGet("/{event}/{language}", Get).WithSummary("One template with its default and placeholders (system admin)");
        templates.MapPut("/{event}/{language}", Save).WithSummary("Override a template; broken Liquid or unknown placeholders answer 422 (system admin)");
        templates.MapDelete("/{event}/{language}", Reset).WithSummary("Back to the shipped default (system admin)");
        templates.MapPost("/{event}/{language}/preview", Preview).WithSummary("Render a template (given, or the current one) with a sample ticket (system admin)");
        api.MapGet("/admin/notification-template-errors", Errors).WithTags("Admin").WithSummary("Templates that failed when notifications were sent (system admin)");
    }

    static async Task<Results<Ok<List<TemplateView>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return TypedResults.Ok(await TemplateAdmin.ListAsync(db, ct));
    }

    static async Task<Results<Ok<TemplateDetail>, ProblemHttpResult>> Get(string @event, string language, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || TemplateAdmin.Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        return TypedResults.Ok(await TemplateAdmin.GetAsync(db, e, l, ct));
    }

    static async Task<Results<Ok<TemplateView>, ProblemHttpResult, ValidationProblem>> Save(string @event, string language, SaveTemplate request,
        Caller caller, FlowdeskDb db, TimeProvider clock, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || TemplateAdmin.Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var (subject, body) = TemplateAdmin.Input(errors, request.Subject, request.Body);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        if (Refused(TemplateAdmin.Check(subject!, body!, l, options.Value), t) is { } refused) return refused;
        return TypedResults.Ok(await TemplateAdmin.SaveAsync(db, e, l, subject!, body!, caller.PersonId, clock.GetUtcNow(), ct));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Reset(string @event, string language, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || TemplateAdmin.Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        await TemplateAdmin.ResetAsync(db, e, l, ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<TemplatePreview>, ProblemHttpResult, ValidationProblem>> Preview(string @event, string language, SaveTemplate? request,
        Caller caller, FlowdeskDb db, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || TemplateAdmin.Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        var current = await TemplateAdmin.GetAsync(db, e, l, ct);
        var errors = new FieldErrors(t);
        var subject = request?.Subject is null ? current.Subject : errors.Line("subject", request.Subject, NotificationLimits.SubjectMax);
        var body = request?.Body is null ? current.Body : errors.Text("body", request.Body, NotificationLimits.BodyMax, required: true);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        var check = TemplateAdmin.Check(subject!, body!, l, options.Value);
        if (Refused(check, t) is { } refused) return refused;
        return TypedResults.Ok(check.Preview!);
    }

    static async Task<Results<Ok<List<TemplateErrorView>>, ProblemHttpResult>> Errors(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return TypedResults.Ok(await TemplateAdmin.ErrorsAsync(db, 200, ct));
    }

    /// <summary>422 with one message per problem, each naming its line, when the template would not render.</summary>
    static ProblemHttpResult? Refused(TemplateCheck check, IStringLocalizer t)
    {
        var problems = check.Problems;
        if (problems.Count == 0) return null;
        var errors = problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => TemplateAdmin.Describe(p, t)).ToArray());
        return TypedResults.Problem(t.Text("notification.template.invalid.detail"), statusCode: StatusCodes.Status422UnprocessableEntity,
            title: t.Text("notification.template.invalid.title"), type: "https://flowdesk.dev/problems/template-invalid",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors,
                ["problems"] = problems.Select(p => new { p.Field, p.Line, p.Column, p.Code, p.Detail }).ToList(),
            });
    }
}
