using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Notifications;

/// <summary>The outcome of checking and rendering a template for the preview: the rendering, or the problems that stop it.</summary>
public sealed record TemplateCheck(TemplatePreview? Preview, IReadOnlyList<TemplateProblem> Problems);

/// <summary>
/// The work behind the template admin API and the console's template screen, so both read, check, preview, save and
/// reset templates the same way. Callers decide who may (system admins only) before calling.
/// </summary>
public static class TemplateAdmin
{
    /// <summary>The normalised event and language, or null when either is not one we know.</summary>
    public static (string Event, string Language)? Key(string? @event, string? language)
    {
        var e = NotificationEvents.Normalize(@event);
        if (!NotificationEvents.IsKnown(e)) return null;
        if (language is null || !Languages.Supported.Contains(language, StringComparer.OrdinalIgnoreCase)) return null;
        return (e, Languages.Normalize(language));
    }

    /// <summary>Every event in every supported language: the saved override or the shipped default.</summary>
    public static async Task<List<TemplateView>> ListAsync(FlowdeskDb db, CancellationToken ct)
    {
        var custom = await db.NotificationTemplates.AsNoTracking().ToListAsync(ct);
        var views = from e in NotificationEvents.All
                    from language in Languages.Supported
                    let row = custom.FirstOrDefault(c => c.Event == e && c.Language == language)
                    let fallback = DefaultTemplates.For(e, language)
                    select new TemplateView(e, language, row?.Subject ?? fallback.Subject, row?.Body ?? fallback.Body, row is not null, row?.UpdatedAt);
        return views.ToList();
    }

    /// <summary>One template with its default and the placeholders it may use; the key must come from <see cref="Key"/>.</summary>
    public static async Task<TemplateDetail> GetAsync(FlowdeskDb db, string @event, string language, CancellationToken ct)
    {
        var row = await db.NotificationTemplates.AsNoTracking().SingleOrDefaultAsync(x => x.Event == @event && x.Language == language, ct);
        var fallback = DefaultTemplates.For(@event, language);
        return new TemplateDetail(@event, language, row?.Subject ?? fallback.Subject, row?.Body ?? fallback.Body, row is not null, row?.UpdatedAt,
            fallback, TemplateModels.Placeholders);
    }

    /// <summary>The subject (one line) and body (required) as typed, with field errors for what is missing, too long or has control characters.</summary>
    public static (string? Subject, string? Body) Input(FieldErrors errors, string? subject, string? body) =>
        (errors.Line("subject", subject, NotificationLimits.SubjectMax), errors.Text("body", body, NotificationLimits.BodyMax, required: true));

    /// <summary>Checks the template against the sample ticket (syntax, known placeholders and filters) and renders it when it passes.</summary>
    public static TemplateCheck Check(string subject, string body, string language, NotificationOptions options)
    {
        var sample = TemplateModels.Sample(language, options);
        var problems = TemplateRenderer.Validate(subject, body, sample);
        if (problems.Count > 0) return new TemplateCheck(null, problems);
        var rendered = TemplateRenderer.Render(subject, body, sample);
        return new TemplateCheck(new TemplatePreview(rendered.Subject, rendered.Body, NotificationHtml.From(rendered.Subject, rendered.Body, language)), []);
    }

    /// <summary>A problem as a sentence that names its line, in the caller's language.</summary>
    public static string Describe(TemplateProblem p, IStringLocalizer t) => p.Code switch
    {
        "syntax" => t.Text("notification.template.syntax", p.Line, p.Column, p.Detail),
        "unknown_placeholder" => t.Text("notification.template.unknown_placeholder", p.Line, p.Detail),
        "unknown_filter" => t.Text("notification.template.unknown_filter", p.Line, p.Detail),
        _ => t.Text("notification.template.render", p.Line, p.Detail),
    };

    /// <summary>Saves an override; the text must have passed <see cref="Check"/>. Returns the saved template.</summary>
    public static async Task<TemplateView> SaveAsync(FlowdeskDb db, string @event, string language, string subject, string body, Guid by,
        DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.NotificationTemplates.SingleOrDefaultAsync(x => x.Event == @event && x.Language == language, ct);
        if (row is null) db.NotificationTemplates.Add(row = new NotificationTemplate(@event, language, subject, body, by, now));
        else row.Update(subject, body, by, now);
        await db.SaveChangesAsync(ct);
        return new TemplateView(@event, language, row.Subject, row.Body, true, row.UpdatedAt);
    }

    /// <summary>The latest templates that failed while notifications were sent (the default was used instead), newest first.</summary>
    public static Task<List<TemplateErrorView>> ErrorsAsync(FlowdeskDb db, int max, CancellationToken ct) =>
        db.NotificationTemplateErrors.AsNoTracking().OrderByDescending(x => x.At).Take(max)
            .Select(x => new TemplateErrorView(x.Id, x.Event, x.Language, x.TicketId, x.Message, x.At)).ToListAsync(ct);

    /// <summary>Back to the shipped default: the override is removed.</summary>
    public static Task ResetAsync(FlowdeskDb db, string @event, string language, CancellationToken ct) =>
        db.NotificationTemplates.Where(x => x.Event == @event && x.Language == language).ExecuteDeleteAsync(ct);
}
