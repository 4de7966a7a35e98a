using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace Flowdesk.Calendars;

/// <summary>One stretch of working time on a day, in minutes since local midnight (end ≤ 24:00).</summary>
public readonly record struct WorkingInterval(int StartMinute, int EndMinute)
{
    public Duration Length => Duration.FromMinutes(EndMinute - StartMinute);

    /// <summary>"09:00-12:00"; the end may be "24:00".</summary>
    public static bool TryParse(string? text, out WorkingInterval interval)
    {
        interval = default;
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || ParseMinute(parts[0]) is not { } start || ParseMinute(parts[1]) is not { } end) return false;
        if (start >= end) return false;
        interval = new WorkingInterval(start, end);
        return true;
    }

    static int? ParseMinute(string text)
    {
        var hm = text.Split(':');
        if (hm.Length != 2 || hm[0].Length is < 1 or > 2 || hm[1].Length != 2) return null;
        if (!int.TryParse(hm[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ||
            !int.TryParse(hm[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return null;
        if (m > 59 || h > 24 || (h == 24 && m != 0)) return null;
        return h * 60 + m;
    }

    public override string ToString() =>
        $"{StartMinute / 60:00}:{StartMinute % 60:00}-{EndMinute / 60:00}:{EndMinute % 60:00}";
}

/// <summary>The working hours of each weekday; a day without intervals is not a working day.</summary>
public sealed class WeeklyHours
{
    static readonly IsoDayOfWeek[] Week =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    public static readonly IReadOnlyList<string> DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    readonly IReadOnlyList<WorkingInterval>[] days;

    public WeeklyHours(IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingInterval>> hours) =>
        days = Week.Select(d => hours.TryGetValue(d, out var list) ? (IReadOnlyList<WorkingInterval>)list.OrderBy(i => i.StartMinute).ToList() : []).ToArray();

    public IReadOnlyList<WorkingInterval> For(IsoDayOfWeek day) => days[(int)day - 1];

    public bool HasAnyHours => days.Any(d => d.Count > 0);

    /// <summary>A make-up working day (调休) keeps the normal hours: those of the first weekday that has any.</summary>
    public IReadOnlyList<WorkingInterval> NormalDay => days.FirstOrDefault(d => d.Count > 0) ?? [];

    /// <summary>What one business day ("1bd") is worth: the longest working day of the week.</summary>
    public Duration WorkingDayLength => days.Select(Length).DefaultIfEmpty(Duration.Zero).Max();

    static Duration Length(IReadOnlyList<WorkingInterval> day) => day.Aggregate(Duration.Zero, (sum, i) => sum + i.Length);

    /// <summary>The stored and API form: { "mon": ["09:00-12:00", "13:30-18:00"], … }.</summary>
    public Dictionary<string, string[]> ToText() =>
        Week.Select((d, i) => (Name: DayNames[i], Hours: For(d))).ToDictionary(x => x.Name, x => x.Hours.Select(h => h.ToString()).ToArray(), StringComparer.Ordinal);

    /// <summary>Parses the text form; errors are (field, code) pairs, e.g. ("hours.mon[1]", "interval").</summary>
    public static WeeklyHours? Parse(IReadOnlyDictionary<string, string[]>? text, List<(string Field, string Code)> errors)
    {
        if (text is null) { errors.Add(("hours", "required")); return null; }
        var result = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingInterval>>();
        foreach (var (name, values) in text)
        {
            var index = DayNames.ToList().IndexOf(name.ToLowerInvariant());
            if (index < 0) { errors.Add(($"hours.{name}", "weekday")); continue; }
            List<WorkingInterval> intervals = [];
            for (var i = 0; i < (values?.Length ?? 0); i++)
            {
                if (WorkingInterval.TryParse(values![i], out var interval)) intervals.Add(interval);
                else errors.Add(($"hours.{name}[{i}]", "interval"));
            }
            var sorted = intervals.OrderBy(x => x.StartMinute).ToList();
            for (var i = 1; i < sorted.Count; i++)
                if (sorted[i].StartMinute < sorted[i - 1].EndMinute) errors.Add(($"hours.{name}", "overlap"));
            result[Week[index]] = sorted;
        }
        return new WeeklyHours(result);
    }

    public static WeeklyHours MondayToFriday(params WorkingInterval[] hours) => new(
        Week.Take(5).ToDictionary(d => d, _ => (IReadOnlyList<WorkingInterval>)hours));
}

public enum DayType { Working, NonWorking, Holiday, MakeUpWorkingDay }

/// <summary>What a calendar says about one local date.</summary>
public sealed record CalendarDayInfo(LocalDate Date, DayType Type, IReadOnlyList<WorkingInterval> Hours, LocalizedName? Name, bool YearUnpublished);

public sealed record LocalizedName(string En, string Zh)
{
    public string In(string language) => Localization.Languages.IsChinese(language) ? Zh : En;
}

/// <summary>
/// A business calendar as pure data: weekly hours in an IANA zone, plus the holidays and make-up working days of
/// each published year. A date in a year that is not published falls back to the weekly pattern and says so;
/// nothing guesses a year the government has not announced.
/// </summary>
public sealed class WorkingCalendar
{
    readonly Dictionary<LocalDate, (bool Holiday, LocalizedName? Name)> days = [];

    public WorkingCalendar(string key, DateTimeZone zone, WeeklyHours hours, IEnumerable<CalendarYearData> years, bool observesHolidays = true)
    {
        Key = key;
        ObservesHolidays = observesHolidays;
        Zone = zone;
        Hours = hours;
        var list = years.ToList();
        PublishedYears = list.Select(y => y.Year).ToHashSet();
        foreach (var year in list)
        {
            foreach (var holiday in year.Holidays)
                for (var d = holiday.From; d <= holiday.To; d = d.PlusDays(1))
                    days[d] = (true, holiday.Name);
            foreach (var working in year.WorkingDays)
                days[working.Date] = (false, working.Name);
        }
    }

    public string Key { get; }
    public DateTimeZone Zone { get; }
    public WeeklyHours Hours { get; }
    public IReadOnlySet<int> PublishedYears { get; }
    /// <summary>False for a plain weekly calendar that never has holidays, so no year is ever missing.</summary>
    public bool ObservesHolidays { get; }

    public CalendarDayInfo Day(LocalDate date)
    {
        var weekly = Hours.For(date.DayOfWeek);
        if (days.TryGetValue(date, out var listed))
        {
            if (listed.Holiday) return new(date, DayType.Holiday, [], listed.Name, false);
            return weekly.Count > 0
                ? new(date, DayType.Working, weekly, listed.Name, false)
                : new(date, DayType.MakeUpWorkingDay, Hours.NormalDay, listed.Name, false);
        }
        var unpublished = ObservesHolidays && !PublishedYears.Contains(date.Year);
        return new(date, weekly.Count > 0 ? DayType.Working : DayType.NonWorking, weekly, null, unpublished);
    }

    /// <summary>
    /// The instant a local time of this date happens. A time skipped by a DST change moves forward by the gap; an
    /// ambiguous one takes its earlier occurrence, so a working interval is always the time that really passes.
    /// </summary>
    public Instant At(LocalDate date, int minute) =>
        Zone.ResolveLocal(date.AtMidnight().PlusMinutes(minute), Resolvers.LenientResolver).ToInstant();

    public LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;
}

/// <summary>A year's published days: holidays (inclusive ranges) and weekend dates that are working days.</summary>
public sealed record CalendarYearData(int Year, IReadOnlyList<HolidayRange> Holidays, IReadOnlyList<MakeUpDay> WorkingDays);

public sealed record HolidayRange(LocalizedName Name, LocalDate From, LocalDate To);

public sealed record MakeUpDay(LocalDate Date, LocalizedName? Name);
