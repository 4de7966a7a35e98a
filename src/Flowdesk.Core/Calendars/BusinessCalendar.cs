using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Flowdesk.Calendars;

/// <summary>
/// A stored business calendar: weekly hours in an IANA time zone, and one <see cref="CalendarYear"/> per published
/// year. <see cref="ToWorkingCalendar"/> turns it into the pure model the SLA calculator reads.
/// </summary>
public sealed class BusinessCalendar
{
    private BusinessCalendar() { }

    public BusinessCalendar(string key, string nameEn, string nameZh, string timeZone, WeeklyHours hours, bool observesHolidays, DateTimeOffset now)
    {
        ObservesHolidays = observesHolidays;
        Id = Ids.New();
        Key = key;
        NameEn = nameEn;
        NameZh = nameZh;
        TimeZone = timeZone;
        WeeklyHours = JsonSerializer.Serialize(hours.ToText());
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public string NameEn { get; private set; } = "";
    public string NameZh { get; private set; } = "";
    /// <summary>IANA zone id, e.g. Asia/Shanghai; NodaTime's tzdb resolves it, with its DST rules.</summary>
    public string TimeZone { get; private set; } = "";
    /// <summary>JSON: { "mon": ["09:00-12:00", "13:30-18:00"], … }.</summary>
    public string WeeklyHours { get; private set; } = "{}";
    /// <summary>
    /// A calendar with public holidays needs each year published before it is used; a plain weekly one
    /// (standard Mon–Fri) never does and never warns.
    /// </summary>
    public bool ObservesHolidays { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public List<CalendarYear> Years { get; private set; } = [];

    public string Name(string language) => Localization.Languages.IsChinese(language) ? NameZh : NameEn;

    public WeeklyHours Hours()
    {
        var text = JsonSerializer.Deserialize<Dictionary<string, string[]>>(WeeklyHours) ?? [];
        return Calendars.WeeklyHours.Parse(text, []) ?? new WeeklyHours(new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingInterval>>());
    }

    public void SetHours(string timeZone, WeeklyHours hours, DateTimeOffset now)
    {
        TimeZone = timeZone;
        WeeklyHours = JsonSerializer.Serialize(hours.ToText());
        UpdatedAt = now;
    }

    public void Rename(string nameEn, string nameZh) { NameEn = nameEn; NameZh = nameZh; }

    /// <summary>Adds or replaces a year (an import of a newly published notice, or an admin's correction).</summary>
    public CalendarYear PublishYear(CalendarYearData data, string source, DateTimeOffset now)
    {
        var existing = Years.FirstOrDefault(y => y.Year == data.Year);
        if (existing is not null)
        {
            existing.Replace(data, source, now);
            UpdatedAt = now;
            return existing;
        }
        var year = new CalendarYear(Id, data, source, now);
        Years.Add(year);
        UpdatedAt = now;
        return year;
    }

    public WorkingCalendar ToWorkingCalendar() =>
        new(Key, DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) ?? DateTimeZone.Utc, Hours(), Years.Select(y => y.Data()), ObservesHolidays);
}

/// <summary>One published year of a calendar: its holidays and make-up working days, stored as JSON.</summary>
public sealed class CalendarYear
{
    private CalendarYear() { }

    internal CalendarYear(Guid calendarId, CalendarYearData data, string source, DateTimeOffset now)
    {
        Id = Ids.New();
        CalendarId = calendarId;
        Replace(data, source, now);
    }

    public Guid Id { get; private set; }
    public Guid CalendarId { get; private set; }
    public int Year { get; private set; }
    /// <summary>Where the days came from: "seed:cn-mainland-2026.yaml", "import:yaml", "import:ics", "api".</summary>
    public string Source { get; private set; } = "";
    public DateTimeOffset ImportedAt { get; private set; }
    public string Days { get; private set; } = "{}";

    internal void Replace(CalendarYearData data, string source, DateTimeOffset now)
    {
        Year = data.Year;
        Source = source;
        ImportedAt = now;
        Days = JsonSerializer.Serialize(YearText.From(data));
    }

    public CalendarYearData Data() => (JsonSerializer.Deserialize<YearText>(Days) ?? new YearText([], [])).ToData(Year);
}

/// <summary>The JSON form of a year, also the API's: dates as yyyy-MM-dd, names in both languages.</summary>
public sealed record YearText(IReadOnlyList<HolidayText> Holidays, IReadOnlyList<WorkingDayText> WorkingDays)
{
    static readonly LocalDatePattern Iso = LocalDatePattern.Iso;

    public static YearText From(CalendarYearData data) => new(
        data.Holidays.Select(h => new HolidayText(h.Name.En, h.Name.Zh, Iso.Format(h.From), Iso.Format(h.To))).ToList(),
        data.WorkingDays.Select(w => new WorkingDayText(Iso.Format(w.Date), w.Name?.En, w.Name?.Zh)).ToList());

    public CalendarYearData ToData(int year) => new(year,
        Holidays.Select(h => new HolidayRange(new LocalizedName(h.NameEn, h.NameZh), Iso.Parse(h.From).Value, Iso.Parse(h.To).Value)).ToList(),
        WorkingDays.Select(w => new MakeUpDay(Iso.Parse(w.Date).Value, w.NameEn is null && w.NameZh is null ? null : new LocalizedName(w.NameEn ?? w.NameZh!, w.NameZh ?? w.NameEn!))).ToList());
}

public sealed record HolidayText(string NameEn, string NameZh, string From, string To);

public sealed record WorkingDayText(string Date, string? NameEn = null, string? NameZh = null);
