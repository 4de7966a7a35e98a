using System.Runtime.Serialization;
using Ical.Net.CalendarComponents;
using NodaTime;

namespace Flowdesk.Calendars;

/// <summary>
/// Reads an iCalendar (.ics) holiday feed into years of holidays and make-up working days. Events must be all-day
/// and non-recurring: a rule that repeats a holiday every year would be a guess about years not yet announced.
/// An event is a make-up working day when its CATEGORIES include "working-day" (or "workday", "班") or its
/// summary says so (补班, 上班, 调休上班, "working day"); every other event is a holiday.
/// </summary>
public static class IcsHolidayFile
{
    static readonly string[] WorkingCategories = ["working-day", "workday", "work-day", "班"];
    static readonly string[] WorkingSummaries = ["补班", "上班", "（班）", "(班)", "working day", "workday"];

    public static (IReadOnlyList<CalendarYearData> Years, List<ImportError> Errors) Parse(string text, int? onlyYear)
    {
        List<ImportError> errors = [];
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = Ical.Net.Calendar.Load(text);
        }
        catch (Exception e) when (e is SerializationException or FormatException or ArgumentException or InvalidOperationException)
        {
            errors.Add(new ImportError(LineOf(lines, e.Message), "", "syntax", e.Message));
            return ([], errors);
        }
        if (calendar is null)
        {
            errors.Add(new ImportError(1, "", "syntax"));
            return ([], errors);
        }

        // Ical.Net keeps no positions, so events are matched to their BEGIN:VEVENT lines in order.
        var eventLines = lines.Select((l, i) => (l, i)).Where(x => x.l.Trim().Equals("BEGIN:VEVENT", StringComparison.OrdinalIgnoreCase)).Select(x => x.i + 1).ToList();
        List<HolidayRange> holidays = [];
        List<MakeUpDay> working = [];
        var index = 0;
        foreach (var e in calendar.Events)
        {
            var line = index < eventLines.Count ? eventLines[index] : 0;
            var field = $"VEVENT[{index}]";
            index++;
            if (e.RecurrenceRule is not null || e.RecurrenceDates.GetAllPeriods().Any())
            {
                errors.Add(new ImportError(line, field + ".RRULE", "recurring", e.Summary));
                continue;
            }
            if (e.DtStart is not { } start)
            {
                errors.Add(new ImportError(line, field + ".DTSTART", "required"));
                continue;
            }
            if (start.HasTime)
            {
                errors.Add(new ImportError(line, field + ".DTSTART", "not_all_day", e.Summary));
                continue;
            }
            var summary = (e.Summary ?? "").Trim();
            if (summary.Length is 0 or > 100)
            {
                errors.Add(new ImportError(line, field + ".SUMMARY", "name"));
                continue;
            }
            var from = LocalDate.FromDateOnly(start.Date);
            // DTEND of an all-day event is exclusive; without it the event is one day.
            var to = e.DtEnd is { } end ? LocalDate.FromDateOnly(end.Date).PlusDays(-1) : from;
            if (to < from) to = from;
            if (Period.Between(from, to, PeriodUnits.Days).Days > 31)
            {
                errors.Add(new ImportError(line, field + ".DTEND", "too_long"));
                continue;
            }
            var name = new LocalizedName(summary, summary);
            if (IsWorkingDay(e, summary))
                for (var d = from; d <= to; d = d.PlusDays(1)) working.Add(new MakeUpDay(d, name));
            else
                holidays.Add(new HolidayRange(name, from, to));
        }
        if (errors.Count > 0) return ([], errors);

        var years = holidays.Select(h => h.From.Year).Concat(working.Select(w => w.Date.Year)).Distinct().Order()
            .Where(y => onlyYear is null || y == onlyYear)
            .Select(y => new CalendarYearData(y, holidays.Where(h => h.From.Year == y).ToList(), working.Where(w => w.Date.Year == y).ToList()))
            .ToList();
        if (years.Count == 0) errors.Add(new ImportError(0, "", "no_events", onlyYear?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (years, errors);
    }

    static bool IsWorkingDay(CalendarEvent e, string summary) =>
        e.Categories.Any(c => WorkingCategories.Contains(c.Trim().ToLowerInvariant())) ||
        WorkingSummaries.Any(w => summary.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>Ical.Net names the offending line's text in its message; find it to report the line number.</summary>
    static int LineOf(string[] lines, string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        if (start < 0 || end <= start + 1) return 0;
        var quoted = message[(start + 1)..end];
        var i = Array.FindIndex(lines, l => l.TrimEnd() == quoted.TrimEnd());
        return i < 0 ? 0 : i + 1;
    }
}
