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

namespace Flowdesk.Portal;

public sealed record AnnouncementView(Guid Id, string Title, string? Body, string Level, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    string TitleEn, string TitleZh, string? BodyEn, string? BodyZh);

public sealed record AnnouncementRequest(string? TitleEn, string? TitleZh, string? BodyEn, string? BodyZh, string? Level,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

/// <summary>
/// Portal announcements: everyone signed in reads the current ones (GET /announcements); system admins list all
/// (?all=true), create and delete them. The portal home reads the current ones through a short cache.
/// </summary>
public static class AnnouncementEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/announcements").WithTags("Portal");
        group.MapGet("", List).WithSummary("Current portal announcements (all=true: every one, for system admins)");
        group.MapPost("", Create).WithSummary("Publish an announcement (system admin)");
        group.MapDelete("/{id:guid}", Delete).WithSummary("Remove an announcement (system admin)");
    }

    static async Task<Results<Ok<List<AnnouncementView>>, ProblemHttpResult>> List(bool? all, Caller caller, FlowdeskDb db, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (all == true && !caller.IsSystemAdmin) return Problems.Forbidden(t);
        var now = clock.GetUtcNow();
        var rows = await db.Announcements.AsNoTracking().OrderByDescending(a => a.StartsAt).Take(500).ToListAsync(ct);
        var language = CurrentLanguage.Get();
        return TypedResults.Ok(rows.Where(a => all == true || a.IsShownAt(now)).Select(a => View(a, language)).ToList());
    }

    static async Task<Results<Created<AnnouncementView>, ProblemHttpResult, ValidationProblem>> Create(AnnouncementRequest request, Caller caller,
        FlowdeskDb db, TimeProvider clock, PortalHome home, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.Forbidden(t);
        var errors = new FieldErrors(t);
        var titleEn = errors.Line("titleEn", request.TitleEn, Announcement.TitleMax);
        var titleZh = errors.Line("titleZh", request.TitleZh, Announcement.TitleMax);
        var bodyEn = errors.Text("bodyEn", request.BodyEn, Announcement.BodyMax);
        var bodyZh = errors.Text("bodyZh", request.BodyZh, Announcement.BodyMax);
        var level = AnnouncementLevel.Info;
        if ((request.Level is { } given && !Enum.TryParse(given, ignoreCase: true, out level)) || !Enum.IsDefined(level))
            errors.Add("level", "validation.enum", "info, warning");
        var now = clock.GetUtcNow();
        var starts = request.StartsAt?.ToUniversalTime() ?? now;
        var ends = request.EndsAt?.ToUniversalTime();
        if (ends is { } end && end <= starts) errors.Add("endsAt", "portal.announcement_ends");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var announcement = new Announcement(titleEn!, titleZh!, Empty(bodyEn), Empty(bodyZh), level, starts, ends, caller.PersonId, now);
        db.Announcements.Add(announcement);
        await db.SaveChangesAsync(ct);
        home.Invalidate();
        return TypedResults.Created($"/api/v1/announcements/{announcement.Id}", View(announcement, CurrentLanguage.Get()));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, Caller caller, FlowdeskDb db, PortalHome home,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.Forbidden(t);
        var announcement = await db.Announcements.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (announcement is null) return Problems.NotFound(t);
        db.Announcements.Remove(announcement);
        await db.SaveChangesAsync(ct);
        home.Invalidate();
        return TypedResults.NoContent();
    }

    static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static AnnouncementView View(Announcement a, string language) => new(a.Id, a.Title(language), a.Body(language),
        a.Level.ToString().ToLowerInvariant(), a.StartsAt, a.EndsAt, a.TitleEn, a.TitleZh, a.BodyEn, a.BodyZh);
}
