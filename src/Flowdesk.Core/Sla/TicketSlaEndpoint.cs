using System.Globalization;
using Flowdesk.Api;
using Flowdesk.Calendars;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;
using NodaTime;
using NodaTime.Text;

namespace Flowdesk.Sla;

public sealed record SlaTimelineEntryView(string Kind, DateTimeOffset? From, DateTimeOffset? To, string? Date, long Minutes, string? Name, string? Reason, string Text);

public sealed record SlaClockView(string Target, long TargetMinutes, DateTimeOffset? Due, DateTimeOffset? WarningAt, long ElapsedMinutes,
    long RemainingMinutes, string State, DateTimeOffset? StoppedAt, IReadOnlyList<int> YearsWithoutData, IReadOnlyList<string> Notes,
    IReadOnlyList<SlaTimelineEntryView> Timeline);

public sealed record SlaPauseView(DateTimeOffset From, DateTimeOffset? To, string Reason);

public sealed record SlaEscalationView(int Level, string Metric, int AtPercent, string Action, string? Target, DateTimeOffset At);

public sealed record TicketSlaView(string Policy, string Calendar, string CalendarName, string TimeZone, int WarningPercent, bool Paused,
    SlaClockView FirstResponse, SlaClockView Resolution, IReadOnlyList<SlaPauseView> Pauses, IReadOnlyList<SlaEscalationView> Escalations);

/// <summary>
/// GET /tickets/{id}/sla: the explained SLA of a ticket — which policy and calendar, each working interval
/// counted, each pause, each weekend and holiday skipped, each make-up day used. Found through
/// <see cref="TicketViews.FindVisibleAsync"/>, so whoever may see the ticket may see why it is due when it is.
/// </summary>
public static class TicketSlaEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapGet("/{id}/sla", Handle).WithSummary("The ticket's SLA clocks with their explained timeline");

    static async Task<Results<Ok<TicketSlaView>, ProblemHttpResult>> Handle(
        string id, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var explained = await SlaService.ExplainAsync(db, ticket, clock, ct);
        if (explained is null) return Problems.NotFound(t);
        return TypedResults.Ok(View(explained, t, CurrentLanguage.Get()));
    }

    public static TicketSlaView View(TicketSlaExplained e, IStringLocalizer t, string language)
    {
        var zone = e.Working.Zone;
        var sla = e.Sla;
        return new TicketSlaView(e.Policy.Name, e.Calendar.Key, e.Calendar.Name(language), e.Calendar.TimeZone, e.Policy.WarningPercent, sla.Paused,
            Clock(e.Policy.FirstResponseTarget, sla.FirstResponse, zone, t, language),
            Clock(e.Policy.ResolutionTarget, sla.Resolution, zone, t, language),
            sla.Pauses.Select(p => new SlaPauseView(p.From.ToDateTimeOffset(), p.To?.ToDateTimeOffset(), p.Reason)).ToList(),
            sla.Escalations.Select(d => new SlaEscalationView(d.Level.Level, Snake(d.Level.Metric), d.Level.AtPercent, Snake(d.Level.Action), d.Level.Target, d.At.ToDateTimeOffset())).ToList());
    }

    static SlaClockView Clock(string targetText, SlaMeasure m, DateTimeZone zone, IStringLocalizer t, string language)
    {
        var years = m.Explanation.YearsWithoutData;
        return new SlaClockView(targetText, Minutes(m.Target), m.Due?.ToDateTimeOffset(), m.WarningAt?.ToDateTimeOffset(),
            Minutes(m.Elapsed), Minutes(m.Remaining), m.State.ToString().ToLowerInvariant(), m.StoppedAt?.ToDateTimeOffset(),
            years, years.Select(y => t.Text("sla.note.no_calendar_data", y)).ToList(),
            m.Explanation.Timeline.Select(x => Entry(x, zone, t, language)).ToList());
    }

    static SlaTimelineEntryView Entry(TimelineEntry e, DateTimeZone zone, IStringLocalizer t, string language)
    {
        var date = e.Date is { } d ? LocalDatePattern.Iso.Format(d) : null;
        var name = e.Name?.In(language);
        var text = e.Kind switch
        {
            TimelineKind.Counted => t.Text("sla.timeline.counted", Local(e.From, zone), Local(e.To, zone), Length(e.Counted)),
            TimelineKind.Paused => e.To is null
                ? t.Text("sla.timeline.paused_open", Local(e.From, zone), e.Reason ?? "")
                : t.Text("sla.timeline.paused", Local(e.From, zone), Local(e.To, zone), e.Reason ?? ""),
            TimelineKind.NonWorkingDay => t.Text("sla.timeline.non_working_day", date!),
            TimelineKind.Holiday => t.Text("sla.timeline.holiday", date!, name ?? ""),
            TimelineKind.MakeUpWorkingDay => t.Text("sla.timeline.make_up_day", date!, name ?? ""),
            TimelineKind.NoCalendarData => t.Text("sla.note.no_calendar_data", e.Date!.Value.Year),
            TimelineKind.Due => t.Text("sla.timeline.due", Local(e.From, zone), Length(e.Counted)),
            _ => throw new ArgumentOutOfRangeException(nameof(e)),
        };
        return new SlaTimelineEntryView(Snake(e.Kind), e.From?.ToDateTimeOffset(), e.To?.ToDateTimeOffset(), date, Minutes(e.Counted), name, e.Reason, text);
    }

    static string Local(Instant? instant, DateTimeZone zone) =>
        instant is { } i ? i.InZone(zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    static string Length(Duration d)
    {
        var minutes = (long)Math.Round(d.TotalMinutes);
        return minutes >= 60 ? $"{minutes / 60}h{(minutes % 60 > 0 ? $"{minutes % 60:00}m" : "")}" : $"{minutes}m";
    }

    static long Minutes(Duration d) => (long)Math.Floor(d.TotalMinutes);

    static string Snake<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
