using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowdesk.Portal;

public sealed record CancelRequest(string? Reason);

public sealed record ReopenRequest(string? Comment);

public sealed record SurveyRequest(int? Rating, string? Comment);

public sealed record SurveyView(int Rating, string? Comment, DateTimeOffset UpdatedAt);

/// <summary>
/// The requester's side of a ticket on the API, the same code the portal's pages run: the timeline a requester sees,
/// cancel, reopen within Flowdesk:Portal:ReopenWindow, and the satisfaction survey.
/// </summary>
public static class PortalEndpoints
{
    public static void Map(RouteGroupBuilder tickets)
    {
        tickets.MapGet("/{id}/timeline", Timeline).WithTags("Portal").WithSummary("What happened, as the requester sees it (no internal notes)");
        tickets.MapPost("/{id}/cancel", Cancel).WithTags("Portal").WithSummary("The requester cancels their request");
        tickets.MapPost("/{id}/reopen", Reopen).WithTags("Portal").WithSummary("The requester reopens a resolved request within the reopen window");
        tickets.MapGet("/{id}/survey", GetSurvey).WithTags("Portal").WithSummary("The requester's rating of the request");
        tickets.MapPut("/{id}/survey", Rate).WithTags("Portal").WithSummary("Rate a resolved request 1–5 with an optional comment");
    }

    static async Task<Results<Ok<List<TimelineEntry>>, ProblemHttpResult>> Timeline(string id, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var definition = await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        return TypedResults.Ok(await RequestTimeline.ForAsync(db, ticket, caller, definition, CurrentLanguage.Get(), ct));
    }

    static async Task<IResult> Cancel(string id, CancelRequest request, Caller caller, FlowdeskDb db, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct) =>
        Answer(await RequestActions.CancelAsync(db, caller, id, request.Reason, clock.GetUtcNow(), t, ct));

    static async Task<IResult> Reopen(string id, ReopenRequest request, Caller caller, FlowdeskDb db, TimeProvider clock,
        IOptions<PortalOptions> options, IStringLocalizer<Messages> t, CancellationToken ct) =>
        Answer(await RequestActions.ReopenAsync(db, caller, id, request.Comment, options.Value.ReopenWindow, clock.GetUtcNow(), t, ct));

    static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> GetSurvey(string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t,
        CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var survey = await db.SatisfactionSurveys.AsNoTracking().SingleOrDefaultAsync(s => s.TicketId == ticket.Id, ct);
        return survey is null ? Problems.NotFound(t) : TypedResults.Ok(new SurveyView(survey.Rating, survey.Comment, survey.UpdatedAt));
    }

    static async Task<IResult> Rate(string id, SurveyRequest request, Caller caller, FlowdeskDb db, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct) =>
        Answer(await RequestActions.RateAsync(db, caller, id, request.Rating, request.Comment, clock.GetUtcNow(), t, ct));

    static IResult Answer(PortalResult result) => result.Ok ? TypedResults.NoContent() : result.ToProblem();
}
