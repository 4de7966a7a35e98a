using Flowdesk.Calendars;
using Flowdesk.Sla;
using Flowdesk.Tickets;
using NodaTime;

namespace Flowdesk.Tests.Sla;

/// <summary>Reading year files (YAML in the shared format, iCalendar holiday feeds) and matching policies.</summary>
public sealed class CalendarFileTests
{
    [Fact]
    public void ShippedCnMainland2026_HasTheSevenHolidaysAndSixMakeUpDays()
    {
        var (_, file) = Assert.Single(SlaSeeding.ShippedYears("cn-mainland"));
        Assert.Equal(2026, file.Data.Year);
        Assert.Equal("cn-mainland", file.Calendar);
        Assert.Equal("Asia/Shanghai", file.TimeZone);
        Assert.Equal(7, file.Data.Holidays.Count);
        Assert.Equal(new LocalDate(2026, 2, 15), file.Data.Holidays[1].From);
        Assert.Equal(new LocalDate(2026, 2, 23), file.Data.Holidays[1].To);
        Assert.Equal(
            [new LocalDate(2026, 1, 4), new LocalDate(2026, 2, 14), new LocalDate(2026, 2, 28), new LocalDate(2026, 5, 9), new LocalDate(2026, 9, 20), new LocalDate(2026, 10, 10)],
            file.Data.WorkingDays.Select(w => w.Date).ToList());
    }

    public static TheoryData<string, int, string, string> BadYaml => new()
    {
        // file, line, field, code
        { "year: 2027\nholidays:\n  - { name: 春节, from: 2027-02-06, to: 2027-02-31 }\n", 3, "holidays[0].to", "date" },
        { "year: 2027\nholidays:\n  - { name: 春节, from: 2027-02-06, to: 2027-02-13 }\n  - { name: x, from: 2027-05-05, to: 2027-05-01 }\n", 4, "holidays[1].to", "range" },
        { "year: 2027\nholidays:\n  - { from: 2027-02-06, to: 2027-02-13 }\n", 3, "holidays[0].name", "required" },
        { "year: 2027\nworking_days:\n  - 2027-02-07\n  - 2026-10-10\n", 4, "working_days[1]", "outside_year" },
        { "year: 2027\nholiday:\n  - { name: x, from: 2027-01-01, to: 2027-01-01 }\n", 2, "holiday", "unknown_field" },
        { "year: twenty\n", 1, "year", "year" },
        { "calendar: cn-mainland\n", 1, "year", "required" },
        { "year: 2027\ntime_zone: Asia/Peking\n", 2, "time_zone", "zone" },
        { "year: 2027\nholidays: [ { name: x, from: 2027-01-01, to: 2027-01-01 }\n", 3, "", "syntax" },
        { "year: 2027\nholidays:\n  - { name: x, from: 2027-10-01, to: 2027-10-07 }\nworking_days:\n  - 2027-10-03\n", 5, "working_days[0]", "both" },
    };

    [Theory]
    [MemberData(nameof(BadYaml))]
    public void Yaml_Errors_NameTheLineAndField(string text, int line, string field, string code)
    {
        var (file, errors) = CalendarYearYaml.Parse(text);
        Assert.Null(file);
        Assert.Contains(errors, e => e.Line == line && e.Field == field && e.Code == code);
    }

    [Fact]
    public void Ics_AllDayEvents_BecomeHolidaysAndMakeUpDays()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:春节\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:春节 补班\r\nDTSTART;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:National Day\r\nCATEGORIES:holiday\r\nDTSTART;VALUE=DATE:20271001\r\nDTEND;VALUE=DATE:20271008\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:Make-up\r\nCATEGORIES:working-day\r\nDTSTART;VALUE=DATE:20271009\r\nEND:VEVENT\r\n" +
            "END:VCALENDAR\r\n";
        var (years, errors) = IcsHolidayFile.Parse(ics, null);
        Assert.Empty(errors);
        var year = Assert.Single(years);
        Assert.Equal(2027, year.Year);
        Assert.Equal([(new LocalDate(2027, 2, 6), new LocalDate(2027, 2, 13)), (new LocalDate(2027, 10, 1), new LocalDate(2027, 10, 7))],
            year.Holidays.Select(h => (h.From, h.To)).ToList());
        Assert.Equal([new LocalDate(2027, 2, 14), new LocalDate(2027, 10, 9)], year.WorkingDays.Select(w => w.Date).ToList());
    }

    [Fact]
    public void Ics_RecurringAndTimedEvents_AreRefusedWithTheirLine()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:New Year\r\nDTSTART;VALUE=DATE:20270101\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Meeting\r\nDTSTART:20270105T090000Z\r\nEND:VEVENT\r\n" +
            "END:VCALENDAR\r\n";
        var (years, errors) = IcsHolidayFile.Parse(ics, null);
        Assert.Empty(years);
        Assert.Contains(errors, e => e.Line == 4 && e.Code == "recurring");
        Assert.Contains(errors, e => e.Line == 10 && e.Code == "not_all_day");
    }

    [Fact]
    public void Ics_Garbage_IsASyntaxError()
    {
        var (_, errors) = IcsHolidayFile.Parse("not a calendar", null);
        Assert.Equal("syntax", Assert.Single(errors).Code);
    }

    public static TheoryData<string?, string?, string, string> MatchCases => new()
    {
        // service, priority, process → expected policy name
        { null, "p3", "incident", "default" },
        { null, "p1", "incident", "p1" },
        { "email", "p3", "incident", "email" },
        { "email", "p1", "incident", "email p1" },
        { "EMAIL", "p2", "request", "email" },
        { null, "p2", "request", "request" },
        { null, "p1", "request", "request" },           // one criterion each: the process beats the priority
    };

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Matcher_PicksTheMostSpecificPolicy(string? service, string? priority, string process, string expected)
    {
        var desk = Guid.NewGuid();
        var calendar = Guid.NewGuid();
        var t = BusinessTarget.Parse("1h")!;
        SlaPolicy[] policies =
        [
            new(desk, "default", calendar, t, t),
            new(desk, "p1", calendar, t, t, priority: Priority.P1),
            new(desk, "email", calendar, t, t, service: "email"),
            new(desk, "email p1", calendar, t, t, service: "email", priority: Priority.P1),
            new(desk, "request", calendar, t, t, processKey: "request"),
            new(Guid.NewGuid(), "other desk", calendar, t, t),
        ];
        var match = SlaPolicyMatcher.Match(policies, desk, service, Enum.Parse<Priority>(priority!, ignoreCase: true), process);
        Assert.Equal(expected, match!.Name);
    }

    [Fact]
    public void Matcher_WithoutAPolicyForTheDesk_MatchesNothing() =>
        Assert.Null(SlaPolicyMatcher.Match([], Guid.NewGuid(), null, Priority.P1, "incident"));
}
