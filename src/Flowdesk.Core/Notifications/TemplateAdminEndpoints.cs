using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
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
        var custom = await db.NotificationTemplates.AsNoTracking().ToListAsync(ct);
        var views = from e in NotificationEvents.All
                    from language in Languages.Supported
                    let row = custom.FirstOrDefault(c => c.Event == e && c.Language == language)
                    let fallback = DefaultTemplates.For(e, language)
                    select new TemplateView(e, language, row?.Subject ?? fallback.Subject, row?.Body ?? fallback.Body, row is not null, row?.UpdatedAt);
        return TypedResults.Ok(views.ToList());
    }

    static async Task<Results<Ok<TemplateDetail>, ProblemHttpResult>> Get(string @event, string language, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        var row = await db.NotificationTemplates.AsNoTracking().SingleOrDefaultAsync(x => x.Event == e && x.Language == l, ct);
        var fallback = DefaultTemplates.For(e, l);
        return TypedResults.Ok(new TemplateDetail(e, l, row?.Subject ?? fallback.Subject, row?.Body ?? fallback.Body, row is not null, row?.UpdatedAt,
            fallback, TemplateModels.Placeholders));
    }

    static async Task<Results<Ok<TemplateView>, ProblemHttpResult, ValidationProblem>> Save(string @event, string language, SaveTemplate request,
        Caller caller, FlowdeskDb db, TimeProvider clock, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var subject = errors.Line("subject", request.Subject, NotificationLimits.SubjectMax);
        var body = errors.Text("body", request.Body, NotificationLimits.BodyMax, required: true);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        if (Check(subject!, body!, l, options.Value, t) is { } refused) return refused;

        var now = clock.GetUtcNow();
        var row = await db.NotificationTemplates.SingleOrDefaultAsync(x => x.Event == e && x.Language == l, ct);
        if (row is null) db.NotificationTemplates.Add(row = new NotificationTemplate(e, l, subject!, body!, caller.PersonId, now));
        else row.Update(subject!, body!, caller.PersonId, now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TemplateView(e, l, row.Subject, row.Body, true, row.UpdatedAt));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Reset(string @event, string language, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        await db.NotificationTemplates.Where(x => x.Event == e && x.Language == l).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<TemplatePreview>, ProblemHttpResult, ValidationProblem>> Preview(string @event, string language, SaveTemplate? request,
        Caller caller, FlowdeskDb db, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin || Key(@event, language) is not (string e, string l)) return Problems.NotFound(t);
        var row = await db.NotificationTemplates.AsNoTracking().SingleOrDefaultAsync(x => x.Event == e && x.Language == l, ct);
        var fallback = DefaultTemplates.For(e, l);
        var errors = new FieldErrors(t);
        var subject = request?.Subject is null ? row?.Subject ?? fallback.Subject : errors.Line("subject", request.Subject, NotificationLimits.SubjectMax);
        var body = request?.Body is null ? row?.Body ?? fallback.Body : errors.Text("body", request.Body, NotificationLimits.BodyMax, required: true);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        if (Check(subject!, body!, l, options.Value, t) is { } refused) return refused;
        var rendered = TemplateRenderer.Render(subject!, body!, TemplateModels.Sample(l, options.Value));
        return TypedResults.Ok(new TemplatePreview(rendered.Subject, rendered.Body, NotificationHtml.From(rendered.Subject, rendered.Body, l)));
    }

    static async Task<Results<Ok<List<TemplateErrorView>>, ProblemHttpResult>> Errors(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var rows = await db.NotificationTemplateErrors.AsNoTracking().OrderByDescending(x => x.At).Take(200)
            .Select(x => new TemplateErrorView(x.Id, x.Event, x.Language, x.TicketId, x.Message, x.At)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    /// <summary>422 with one message per problem, each naming its line, when the template would not render.</summary>
    static ProblemHttpResult? Check(string subject, string body, string language, NotificationOptions options, IStringLocalizer t)
    {
        var problems = TemplateRenderer.Validate(subject, body, TemplateModels.Sample(language, options));
        if (problems.Count == 0) return null;
        var errors = problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Code switch
        {
            "syntax" => t.Text("notification.template.syntax", p.Line, p.Column, p.Detail),
            "unknown_placeholder" => t.Text("notification.template.unknown_placeholder", p.Line, p.Detail),
            "unknown_filter" => t.Text("notification.template.unknown_filter", p.Line, p.Detail),
            _ => t.Text("notification.template.render", p.Line, p.Detail),
        }).ToArray());
        return TypedResults.Problem(t.Text("notification.template.invalid.detail"), statusCode: StatusCodes.Status422UnprocessableEntity,
            title: t.Text("notification.template.invalid.title"), type: "https://flowdesk.dev/problems/template-invalid",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors,
                ["problems"] = problems.Select(p => new { p.Field, p.Line, p.Column, p.Code, p.Detail }).ToList(),
            });
    }

    static (string Event, string Language)? Key(string @event, string language)
    {
        var e = NotificationEvents.Normalize(@event);
        if (!NotificationEvents.IsKnown(e)) return null;
        if (!Languages.Supported.Contains(language, StringComparer.OrdinalIgnoreCase)) return null;
        return (e, Languages.Normalize(language));
    }
}
