using Flowdesk.Sla;
using NodaTime;
using static Flowdesk.Tests.Sla.Calendars;

namespace Flowdesk.Tests.Sla;

/// <summary>Due instants, written out, for the cases people get wrong: boundaries, weekends, holidays, 调休, pauses, DST.</summary>
public sealed class SlaCalculatorTests
{
    public static TheoryData<string, string, string, string, string?, string> DueCases => new()
    {
        // calendar, start, target, pauses, expected due, what it shows
        { "cn", "2026-03-04T10:00+08:00", "4h", "", "2026-03-04T15:30+08:00", "lunch 12:00–13:30 is not counted" },
        { "cn", "2026-03-04T09:00+08:00", "3h", "", "2026-03-04T12:00+08:00", "a target ending at the end of an interval is due then, not after lunch" },
        { "cn", "2026-03-04T17:59+08:00", "4h", "", "2026-03-05T14:29+08:00", "17:59: one minute today, the rest tomorrow" },
        { "cn", "2026-03-04T18:00+08:00", "1h", "", "2026-03-05T10:00+08:00", "created at closing time counts nothing that day" },
        { "cn", "2026-03-04T12:30+08:00", "1h", "", "2026-03-04T14:30+08:00", "created during lunch starts at 13:30" },
        { "cn", "2026-03-06T17:00+08:00", "2h", "", "2026-03-09T10:00+08:00", "Friday evening to Monday morning" },
        { "cn", "2026-03-07T11:00+08:00", "1h", "", "2026-03-09T10:00+08:00", "created on a Saturday" },
        { "cn", "2026-03-04T10:00+08:00", "1bd", "", "2026-03-05T10:00+08:00", "one business day is 7h30m on this calendar" },
        { "cn", "2026-02-13T16:00+08:00", "4h", "", "2026-02-14T11:00+08:00", "Saturday 2026-02-14 is a make-up working day before Spring Festival" },
        { "cn", "2026-02-14T17:00+08:00", "4h", "", "2026-02-24T12:00+08:00", "Spring Festival 2026-02-15..23 is skipped" },
        { "cn", "2026-02-18T10:00+08:00", "1h", "", "2026-02-24T10:00+08:00", "created on a holiday" },
        { "cn", "2026-02-27T17:00+08:00", "3h", "", "2026-02-28T11:00+08:00", "Saturday 2026-02-28 is a make-up working day after Spring Festival" },
        { "cn", "2026-01-01T10:00+08:00", "1h", "", "2026-01-04T10:00+08:00", "New Year's Day holidays, then make-up Sunday 2026-01-04" },
        { "cn", "2026-05-08T17:00+08:00", "2h", "", "2026-05-09T10:00+08:00", "make-up Saturday 2026-05-09 after Labour Day" },
        { "cn", "2026-09-18T17:00+08:00", "2h", "", "2026-09-20T10:00+08:00", "make-up Sunday 2026-09-20 before National Day" },
        { "cn", "2026-09-30T17:00+08:00", "2h", "", "2026-10-08T10:00+08:00", "National Day 2026-10-01..07 is skipped" },
        { "cn", "2026-09-30T10:00+08:00", "3bd", "", "2026-10-10T10:00+08:00", "3bd over National Day ends on make-up Saturday 2026-10-10" },
        { "cn", "2026-12-31T17:00+08:00", "2h", "", "2027-01-01T10:00+08:00", "2027 is not published: the weekly pattern is used (and reported)" },
        { "cn", "2026-03-04T09:00+08:00", "4h", "2026-03-04T10:00+08:00|2026-03-04T11:00+08:00", "2026-03-04T15:30+08:00", "an hour paused inside working time: 09–10, 11–12, 13:30–15:30" },
        { "cn", "2026-03-04T17:00+08:00", "2h", "2026-03-04T17:30+08:00|2026-03-05T10:00+08:00", "2026-03-05T11:30+08:00", "a pause from the evening into the next morning" },
        { "cn", "2026-03-04T09:00+08:00", "4h", "2026-03-04T12:30+08:00|2026-03-04T19:00+08:00", "2026-03-05T10:00+08:00", "a pause that starts at lunch and ends after closing" },
        { "cn", "2026-03-04T09:00+08:00", "1h", "2026-03-04T08:00+08:00|2026-03-04T10:30+08:00", "2026-03-04T11:30+08:00", "created during a pause" },
        { "cn", "2026-03-06T17:00+08:00", "2h", "2026-03-07T10:00+08:00|2026-03-08T20:00+08:00", "2026-03-09T10:00+08:00", "a pause over the weekend changes nothing" },
        { "cn", "2026-03-04T09:00+08:00", "1h", "2026-03-04T10:00+08:00|", "2026-03-04T10:00+08:00", "a target met exactly when an open pause begins is due" },
        { "cn", "2026-03-04T09:00+08:00", "4h", "2026-03-04T10:00+08:00|", null, "an open pause leaves the due time unknown" },
        { "berlin", "2026-03-27T16:00+01:00", "4h", "", "2026-03-30T12:00+02:00", "across the spring DST change: Monday is in summer time" },
        { "berlin", "2026-10-23T16:00+02:00", "4h", "", "2026-10-26T12:00+01:00", "across the autumn DST change: Monday is in winter time" },
        { "berlin24", "2026-03-28T12:00+01:00", "24h", "", "2026-03-29T13:00+02:00", "the skipped hour is not worked: 24 real hours" },
        { "berlin24", "2026-10-24T12:00+02:00", "24h", "", "2026-10-25T11:00+01:00", "the repeated hour is worked once more: 24 real hours" },
        { "berlin-night", "2026-03-29T01:00+01:00", "2h", "", "2026-03-29T04:00+02:00", "01:00–04:00 on the change night is two real hours" },
    };

    [Theory]
    [MemberData(nameof(DueCases))]
    public void Due_IsTheInstantTheTargetIsUsedUp(string calendar, string start, string target, string pauses, string? expected, string why)
    {
        var cal = ByKey(calendar);
        var result = SlaCalculator.Due(cal, At(start), Target(cal, target), Pauses(pauses));
        Assert.True((expected is null ? (Instant?)null : At(expected)) == result.Due, $"{why}: due {result.Due}");
        Assert.Equal(expected is null, result.Paused);
    }

    [Fact]
    public void Due_InAnUnpublishedYear_IsReportedAsNoCalendarData()
    {
        var result = SlaCalculator.Due(CnMainland, At("2026-12-31T17:00+08:00"), Duration.FromHours(2), []);
        Assert.Equal([2027], result.YearsWithoutData);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineKind.NoCalendarData && e.Date!.Value.Year == 2027);

        var inside = SlaCalculator.Due(CnMainland, At("2026-03-04T10:00+08:00"), Duration.FromHours(2), []);
        Assert.Empty(inside.YearsWithoutData);
    }

    [Fact]
    public void Timeline_ExplainsHolidaysWeekendsMakeUpDaysAndCountedIntervals()
    {
        var result = SlaCalculator.Due(CnMainland, At("2026-02-13T16:00+08:00"), Duration.FromHours(12), []);
        // Fri 16–18 (2h), make-up Sat 09–12, 13:30–18 (7h30m), Spring Festival 15..23, Tue 24th 09:00–11:30.
        Assert.Equal(At("2026-02-24T11:30+08:00"), result.Due);
        var kinds = result.Timeline.Select(e => (e.Kind, e.Date?.ToString("yyyy-MM-dd", null), e.Counted.TotalMinutes)).ToList();
        List<(TimelineKind, string?, double)> expected =
        [
            (TimelineKind.Counted, "2026-02-13", 120),
            (TimelineKind.MakeUpWorkingDay, "2026-02-14", 0),
            (TimelineKind.Counted, "2026-02-14", 180),
            (TimelineKind.Counted, "2026-02-14", 270),
            (TimelineKind.Holiday, "2026-02-15", 0), (TimelineKind.Holiday, "2026-02-16", 0), (TimelineKind.Holiday, "2026-02-17", 0),
            (TimelineKind.Holiday, "2026-02-18", 0), (TimelineKind.Holiday, "2026-02-19", 0), (TimelineKind.Holiday, "2026-02-20", 0),
            (TimelineKind.Holiday, "2026-02-21", 0), (TimelineKind.Holiday, "2026-02-22", 0), (TimelineKind.Holiday, "2026-02-23", 0),
            (TimelineKind.Counted, "2026-02-24", 150),
            (TimelineKind.Due, "2026-02-24", 720),
        ];
        Assert.Equal(expected, kinds);
        Assert.Equal("Spring Festival", result.Timeline.First(e => e.Kind == TimelineKind.Holiday).Name!.En);
        Assert.Equal("春节", result.Timeline.First(e => e.Kind == TimelineKind.Holiday).Name!.Zh);
    }

    [Fact]
    public void Timeline_ShowsEachPause()
    {
        var result = SlaCalculator.Due(CnMainland, At("2026-03-04T09:00+08:00"), Duration.FromHours(4), Pauses("2026-03-04T10:00+08:00|2026-03-04T11:00+08:00"));
        var pause = Assert.Single(result.Timeline, e => e.Kind == TimelineKind.Paused);
        Assert.Equal(At("2026-03-04T10:00+08:00"), pause.From);
        Assert.Equal(At("2026-03-04T11:00+08:00"), pause.To);
        Assert.Equal("waiting_on_requester", pause.Reason);
    }

    public static TheoryData<string, string?, string, long, long> MeasureCases => new()
    {
        // now, stopped at, expected state, elapsed minutes, remaining minutes — for a 4h target from Wed 09:00 (due 14:30 after lunch; 75% = 12:00)
        { "2026-03-04T11:00+08:00", null, "Running", 120, 120 },
        { "2026-03-04T12:00+08:00", null, "Warning", 180, 60 },
        { "2026-03-04T13:00+08:00", null, "Warning", 180, 60 },
        { "2026-03-04T14:30+08:00", null, "Warning", 240, 0 },
        { "2026-03-04T14:31+08:00", null, "Breached", 241, -1 },
        { "2026-03-05T09:00+08:00", null, "Breached", 450, -210 },
        { "2026-03-04T16:00+08:00", "2026-03-04T14:30+08:00", "Met", 240, 0 },
        { "2026-03-04T16:00+08:00", "2026-03-04T14:31+08:00", "Breached", 241, -1 },
        { "2026-03-04T16:00+08:00", "2026-03-04T10:15+08:00", "Met", 75, 165 },
    };

    [Theory]
    [MemberData(nameof(MeasureCases))]
    public void Measure_DecidesWarningAndBreachAtNow(string now, string? stoppedAt, string state, long elapsed, long remaining)
    {
        var m = SlaCalculator.Measure(CnMainland, At("2026-03-04T09:00+08:00"), Duration.FromHours(4), [], 0.75, At(now),
            stoppedAt is null ? null : At(stoppedAt));
        Assert.Equal(At("2026-03-04T14:30+08:00"), m.Due);
        Assert.Equal(At("2026-03-04T12:00+08:00"), m.WarningAt);
        Assert.Equal(state, m.State.ToString());
        Assert.Equal(elapsed, (long)m.Elapsed.TotalMinutes);
        Assert.Equal(remaining, (long)m.Remaining.TotalMinutes);
    }

    [Fact]
    public void Measure_WhilePaused_IsPausedWithElapsedTimeUntilThePause()
    {
        var m = SlaCalculator.Measure(CnMainland, At("2026-03-04T09:00+08:00"), Duration.FromHours(4), Pauses("2026-03-04T10:00+08:00|"), 0.75, At("2026-03-04T16:00+08:00"));
        Assert.Equal(SlaState.Paused, m.State);
        Assert.Null(m.Due);
        Assert.Equal(60, m.Elapsed.TotalMinutes);
    }

    [Theory]
    [InlineData("4h", 0, 240)]
    [InlineData("30m", 0, 30)]
    [InlineData("1h30m", 0, 90)]
    [InlineData("3bd", 3, 0)]
    [InlineData("1bd4h", 1, 240)]
    public void BusinessTarget_Parses(string text, int days, int minutes)
    {
        var target = BusinessTarget.Parse(text)!;
        Assert.Equal(days, target.Days);
        Assert.Equal(minutes, target.Time.TotalMinutes);
        Assert.Equal(text, target.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("h")]
    [InlineData("4x")]
    [InlineData("-1h")]
    [InlineData("1m4h")]
    public void BusinessTarget_RefusesNonsense(string text) => Assert.Null(BusinessTarget.Parse(text));
}
