using Flowdesk.Calendars;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>A span in which the clock does not run (waiting on the requester…); an open pause has no end yet.</summary>
public sealed record PauseInterval(Instant From, Instant? To, string Reason);

public enum TimelineKind { Counted, Paused, NonWorkingDay, Holiday, MakeUpWorkingDay, NoCalendarData, Due }

/// <summary>One line of an SLA explanation. Days carry their date; spans carry their instants.</summary>
public sealed record TimelineEntry(TimelineKind Kind, Instant? From, Instant? To, LocalDate? Date, Duration Counted,
    LocalizedName? Name = null, string? Reason = null);

/// <summary>The due instant (null while paused or when the calendar has no working time) and why.</summary>
public sealed record DueResult(Instant? Due, bool Paused, Duration Target, string CalendarKey,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<int> YearsWithoutData);

public enum SlaState { Running, Warning, Paused, Breached, Met }

/// <summary>A clock measured at "now": elapsed and remaining business time, warning and breach.</summary>
public sealed record SlaMeasure(Duration Target, Instant? Due, Instant? WarningAt, Duration Elapsed, Duration Remaining,
    SlaState State, Instant? StoppedAt, DueResult Explanation)
{
    public bool Breached => State == SlaState.Breached;
}

/// <summary>
/// Business-time arithmetic over a <see cref="WorkingCalendar"/>. Pure: data in, decisions out. A target is
/// consumed only inside working intervals and outside pauses; the due instant is the exact moment the last
/// minute is consumed, so a target that ends at 12:00 is due at 12:00, not after lunch.
/// </summary>
public static class SlaCalculator
{
    /// <summary>Enough for any real target; a calendar that yields no working time in ten years never comes due.</summary>
    const int MaxDays = 3660;

    public static DueResult Due(WorkingCalendar calendar, Instant start, Duration target, IReadOnlyList<PauseInterval> pauses)
    {
        var walk = Walk(calendar, start, pauses, target, until: null);
        return new DueResult(walk.ReachedAt, walk.PausedOpen, target, calendar.Key, walk.Timeline, walk.YearsWithoutData);
    }

    /// <summary>Business time counted between start and until, outside pauses.</summary>
    public static Duration Elapsed(WorkingCalendar calendar, Instant start, Instant until, IReadOnlyList<PauseInterval> pauses) =>
        until <= start ? Duration.Zero : Walk(calendar, start, pauses, target: null, until).Counted;

    /// <summary>
    /// The clock at <paramref name="now"/>. A stopped clock (responded, resolved) is measured at its stop and is
    /// met when it stopped by the due instant; a running one is breached once now is past due, and warned once now
    /// reaches the warning share of the target.
    /// </summary>
    public static SlaMeasure Measure(WorkingCalendar calendar, Instant start, Duration target, IReadOnlyList<PauseInterval> pauses,
        double warningShare, Instant now, Instant? stoppedAt = null)
    {
        var at = stoppedAt is { } s && s < now ? s : now;
        // Pauses that begin after the clock stopped do not matter to it.
        var relevant = stoppedAt is { } stop ? pauses.Where(p => p.From < stop).Select(p => p.To is null || p.To > stop ? p with { To = stop } : p).ToList() : pauses;
        var due = Due(calendar, start, target, relevant);
        var warningTarget = Duration.FromTicks((long)(target.BclCompatibleTicks * Math.Clamp(warningShare, 0, 1)));
        var warningAt = Due(calendar, start, warningTarget, relevant).Due;
        var elapsed = Elapsed(calendar, start, at, relevant);
        var paused = stoppedAt is null && relevant.Any(p => p.From <= now && (p.To is null || p.To > now));

        SlaState state;
        if (stoppedAt is { } stopped)
            state = due.Due is { } d && stopped > d ? SlaState.Breached : SlaState.Met;
        else if (due.Due is { } d && now > d) state = SlaState.Breached;
        else if (paused) state = SlaState.Paused;
        else if (warningAt is { } w && now >= w) state = SlaState.Warning;
        else state = SlaState.Running;

        return new SlaMeasure(target, due.Due, warningAt, elapsed, target - elapsed, state, stoppedAt, due);
    }

    sealed record WalkResult(Duration Counted, Instant? ReachedAt, bool PausedOpen, List<TimelineEntry> Timeline, List<int> YearsWithoutData);

    /// <summary>
    /// Walks the calendar day by day from start, counting working time outside pauses, until the target is
    /// consumed, <paramref name="until"/> is reached, or an open pause begins.
    /// </summary>
    static WalkResult Walk(WorkingCalendar calendar, Instant start, IReadOnlyList<PauseInterval> pauses, Duration? target, Instant? until)
    {
        var merged = Merge(pauses, start);
        var openPause = merged.FirstOrDefault(p => p.To is null);
        var stopAt = Min(until, openPause?.From);
        List<TimelineEntry> timeline = [];
        SortedSet<int> missing = [];
        var counted = Duration.Zero;
        Instant? reached = null;

        if (target is { } zero && zero <= Duration.Zero) reached = start;
        else if (calendar.Hours.HasAnyHours)
        {
            var date = calendar.DateOf(start);
            for (var i = 0; i < MaxDays && reached is null; i++, date = date.PlusDays(1))
            {
                var dayStart = calendar.At(date, 0);
                if (stopAt is { } s && dayStart >= s) break;
                var day = calendar.Day(date);
                if (day.YearUnpublished) missing.Add(date.Year);
                switch (day.Type)
                {
                    case DayType.Holiday: timeline.Add(new(TimelineKind.Holiday, null, null, date, Duration.Zero, day.Name)); break;
                    case DayType.NonWorking: timeline.Add(new(TimelineKind.NonWorkingDay, null, null, date, Duration.Zero)); break;
                    case DayType.MakeUpWorkingDay: timeline.Add(new(TimelineKind.MakeUpWorkingDay, null, null, date, Duration.Zero, day.Name)); break;
                    case DayType.Working: break;
                }
                foreach (var interval in day.Hours)
                {
                    var from = Max(calendar.At(date, interval.StartMinute), start);
                    var to = calendar.At(date, interval.EndMinute);
                    if (stopAt is { } limit && to > limit) to = limit;
                    foreach (var (segFrom, segTo) in Subtract(from, to, merged))
                    {
                        var length = segTo - segFrom;
                        if (target is { } t && counted + length >= t)
                        {
                            var end = segFrom + (t - counted);
                            timeline.Add(new(TimelineKind.Counted, segFrom, end, date, end - segFrom));
                            counted = t;
                            reached = end;
                            break;
                        }
                        timeline.Add(new(TimelineKind.Counted, segFrom, segTo, date, length));
                        counted += length;
                    }
                    if (reached is not null) break;
                }
            }
        }

        // Pauses are explained where they fall, up to the end of the walk.
        var walkEnd = reached ?? stopAt ?? timeline.LastOrDefault(e => e.To is not null)?.To ?? start;
        foreach (var p in merged.Where(p => p.From < walkEnd || (p.To is null && p.From <= walkEnd)))
            timeline.Add(new(TimelineKind.Paused, Max(p.From, start), p.To, null, Duration.Zero, null, p.Reason));
        foreach (var year in missing) timeline.Add(new(TimelineKind.NoCalendarData, null, null, new LocalDate(year, 1, 1), Duration.Zero));
        if (reached is { } due) timeline.Add(new(TimelineKind.Due, due, due, calendar.DateOf(due), counted));

        var ordered = timeline.OrderBy(e => SortKey(calendar, e)).ThenBy(e => e.Kind == TimelineKind.Due ? 1 : 0).ToList();
        var pausedOpen = reached is null && openPause is not null && (until is null || openPause.From <= until);
        return new WalkResult(counted, reached, pausedOpen, ordered, [.. missing]);
    }

    static Instant SortKey(WorkingCalendar calendar, TimelineEntry e) => e.Kind switch
    {
        TimelineKind.NoCalendarData => Instant.MinValue,
        _ => e.From ?? calendar.At(e.Date!.Value, 0),
    };

    /// <summary>Sorted, overlapping pauses joined; pauses ending before the start dropped.</summary>
    static List<PauseInterval> Merge(IReadOnlyList<PauseInterval> pauses, Instant start)
    {
        List<PauseInterval> result = [];
        foreach (var p in pauses.Where(p => p.To is null || p.To > start).OrderBy(p => p.From))
        {
            if (p.To is { } to && to <= p.From) continue;
            if (result.Count > 0 && result[^1] is var last && (last.To is null || last.To >= p.From))
            {
                result[^1] = last with { To = last.To is null || p.To is null ? null : Max(last.To.Value, p.To.Value) };
                continue;
            }
            result.Add(p);
        }
        return result;
    }

    static IEnumerable<(Instant From, Instant To)> Subtract(Instant from, Instant to, List<PauseInterval> pauses)
    {
        var cursor = from;
        foreach (var p in pauses)
        {
            if (cursor >= to) yield break;
            var pTo = p.To ?? Instant.MaxValue;
            if (pTo <= cursor || p.From >= to) continue;
            if (p.From > cursor) yield return (cursor, p.From);
            cursor = Max(cursor, pTo);
        }
        if (cursor < to) yield return (cursor, to);
    }

    static Instant Max(Instant a, Instant b) => a > b ? a : b;

    static Instant? Min(Instant? a, Instant? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
