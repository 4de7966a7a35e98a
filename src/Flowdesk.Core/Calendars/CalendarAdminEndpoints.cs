using System.Globalization;
using System.Text;
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
using NodaTime;
using NodaTime.Text;

namespace Flowdesk.Calendars;

public sealed record CalendarSummary(string Key, string Name, string TimeZone, bool ObservesHolidays, IReadOnlyList<int> PublishedYears, bool InUse);

public sealed record CalendarYearView(int Year, string Source, DateTimeOffset ImportedAt, IReadOnlyList<HolidayText> Holidays, IReadOnlyList<WorkingDayText> WorkingDays);

public sealed record CalendarDetail(string Key, string NameEn, string NameZh, string TimeZone, bool ObservesHolidays,
    Dictionary<string, string[]> Hours, IReadOnlyList<CalendarYearView> Years, bool InUse);

public sealed record UpdateCalendarHours(string? TimeZone, Dictionary<string, string[]>? Hours);

public sealed record UpdateCalendarYear(List<HolidayText>? Holidays, List<WorkingDayText>? WorkingDays);

public sealed record CalendarImported(string Key, IReadOnlyList<int> Years, int Holidays, int WorkingDays);

public sealed record CalendarWarning(string Key, string Name, int Year, string Message);

/// <summary>
/// Business calendars for system admins: list, read, change hours, correct a year, import a newly published year
/// (YAML in the shared format or an iCalendar holiday file), and the warning list of calendars in use that lack
/// the coming year. Everyone else gets the 404 of something that does not exist.
/// </summary>
public static class CalendarAdminEndpoints
{
    const int MaxImportBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder api)
    {
        var calendars = api.MapGroup("/admin/calendars").WithTags("Admin");
        calendars.MapGet("", List).WithSummary("List business calendars (system admin)");
        calendars.MapGet("/warnings", Warnings).WithSummary("Calendars in use without data for the coming year (system admin)");
        calendars.MapGet("/{key}", Get).WithSummary("A business calendar with its hours and published years (system admin)");
        calendars.MapPut("/{key}/hours", UpdateHours).WithSummary("Set time zone and weekly hours (system admin)");
        calendars.MapPut("/{key}/years/{year:int}", UpdateYear).WithSummary("Set a year's holidays and make-up working days (system admin)");
        calendars.MapPost("/{key}/import", Import).WithSummary("Import a year from YAML or an iCalendar (.ics) holiday file (system admin)")
            .Accepts<string>("text/yaml", "application/yaml", "text/calendar", "text/plain");
    }

    static async Task<Results<Ok<List<CalendarSummary>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var language = CurrentLanguage.Get();
        var inUse = await InUseAsync(db, ct);
        var calendars = await db.BusinessCalendars.AsNoTracking().Include(c => c.Years).OrderBy(c => c.Key).ToListAsync(ct);
        return TypedResults.Ok(calendars.Select(c => new CalendarSummary(c.Key, c.Name(language), c.TimeZone, c.ObservesHolidays,
            c.Years.Select(y => y.Year).Order().ToList(), inUse.Contains(c.Id))).ToList());
    }

    static async Task<Results<Ok<CalendarDetail>, ProblemHttpResult>> Get(string key, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var calendar = await db.BusinessCalendars.AsNoTracking().Include(c => c.Years).SingleOrDefaultAsync(c => c.Key == key, ct);
        if (calendar is null) return Problems.NotFound(t);
        var inUse = await InUseAsync(db, ct);
        return TypedResults.Ok(Detail(calendar, inUse.Contains(calendar.Id)));
    }

    static async Task<Results<Ok<CalendarDetail>, ProblemHttpResult, ValidationProblem>> UpdateHours(
        string key, UpdateCalendarHours request, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var calendar = await db.BusinessCalendars.Include(c => c.Years).SingleOrDefaultAsync(c => c.Key == key, ct);
        if (calendar is null) return Problems.NotFound(t);

        var errors = new FieldErrors(t);
        var zone = request.TimeZone ?? calendar.TimeZone;
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null) errors.Add("timeZone", "calendar.zone", zone);
        List<(string Field, string Code)> hourErrors = [];
        var hours = WeeklyHours.Parse(request.Hours, hourErrors);
        foreach (var (field, code) in hourErrors) errors.Add(field, "calendar.hours." + code);
        if (hours is not null && !hours.HasAnyHours) errors.Add("hours", "calendar.hours.none");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        calendar.SetHours(zone, hours!, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Detail(calendar, (await InUseAsync(db, ct)).Contains(calendar.Id)));
    }

    static async Task<Results<Ok<CalendarDetail>, ProblemHttpResult, ValidationProblem>> UpdateYear(
        string key, int year, UpdateCalendarYear request, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var calendar = await db.BusinessCalendars.Include(c => c.Years).SingleOrDefaultAsync(c => c.Key == key, ct);
        if (calendar is null) return Problems.NotFound(t);

        // The same rules as a file import: the request is rendered to the file format and read by the same reader.
        var yaml = ToYaml(year, request);
        var (file, errors) = CalendarYearYaml.Parse(yaml);
        if (file is null) return Problems.Validation(t, ToProblem(t, errors, lines: false));
        calendar.PublishYear(file.Data, "api", clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Detail(calendar, (await InUseAsync(db, ct)).Contains(calendar.Id)));
    }

    static async Task<Results<Ok<CalendarImported>, ProblemHttpResult, ValidationProblem>> Import(
        string key, string? format, int? year, HttpRequest http, Caller caller, FlowdeskDb db, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var calendar = await db.BusinessCalendars.Include(c => c.Years).SingleOrDefaultAsync(c => c.Key == key, ct);
        if (calendar is null) return Problems.NotFound(t);
        if (http.ContentLength > MaxImportBytes) return Problems.TooLarge(t, MaxImportBytes);

        var text = await ReadBodyAsync(http, ct);
        if (text is null) return Problems.TooLarge(t, MaxImportBytes);
        var kind = (format ?? "").ToLowerInvariant() switch
        {
            "ics" or "ical" or "icalendar" => "ics",
            "yaml" or "yml" => "yaml",
            _ => http.ContentType?.Contains("calendar", StringComparison.OrdinalIgnoreCase) == true || text.TrimStart().StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase) ? "ics" : "yaml",
        };

        List<CalendarYearData> years;
        if (kind == "ics")
        {
            var (parsed, errors) = IcsHolidayFile.Parse(text, year);
            if (errors.Count > 0) return Problems.Validation(t, ToProblem(t, errors, lines: true));
            years = [.. parsed];
        }
        else
        {
            var (file, errors) = CalendarYearYaml.Parse(text);
            if (file is not null && file.Calendar is { } named && named != calendar.Key)
                errors.Add(new ImportError(1, "calendar", "calendar_mismatch", named));
            if (file is not null && file.TimeZone is { } zone && zone != calendar.TimeZone)
                errors.Add(new ImportError(1, "time_zone", "zone_mismatch", zone));
            if (file is not null && year is { } wanted && file.Data.Year != wanted)
                errors.Add(new ImportError(1, "year", "year_mismatch", wanted.ToString(CultureInfo.InvariantCulture)));
            if (errors.Count > 0) return Problems.Validation(t, ToProblem(t, errors, lines: true));
            years = [file!.Data];
        }

        var now = clock.GetUtcNow();
        foreach (var data in years) calendar.PublishYear(data, "import:" + kind, now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new CalendarImported(calendar.Key, years.Select(y => y.Year).ToList(),
            years.Sum(y => y.Holidays.Count), years.Sum(y => y.WorkingDays.Count)));
    }

    static async Task<Results<Ok<List<CalendarWarning>>, ProblemHttpResult>> Warnings(
        Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var language = CurrentLanguage.Get();
        var inUse = await InUseAsync(db, ct);
        var calendars = await db.BusinessCalendars.AsNoTracking().Include(c => c.Years).Where(c => inUse.Contains(c.Id)).OrderBy(c => c.Key).ToListAsync(ct);
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var warnings = MissingYears(calendars.Select(c => c.ToWorkingCalendar()), now)
            .Select(m => (Calendar: calendars.Single(c => c.Key == m.Key), m.Year))
            .Select(m => new CalendarWarning(m.Calendar.Key, m.Calendar.Name(language), m.Year, t.Text("calendar.warning.missing_year", m.Calendar.Name(language), m.Year)))
            .ToList();
        return TypedResults.Ok(warnings);
    }

    /// <summary>Pure: for each calendar that observes holidays, the current and coming year (in its zone) it lacks.</summary>
    public static IEnumerable<(string Key, int Year)> MissingYears(IEnumerable<WorkingCalendar> calendars, Instant now)
    {
        foreach (var calendar in calendars.Where(c => c.ObservesHolidays))
        {
            var current = now.InZone(calendar.Zone).Year;
            foreach (var year in new[] { current, current + 1 })
                if (!calendar.PublishedYears.Contains(year)) yield return (calendar.Key, year);
        }
    }

    static async Task<HashSet<Guid>> InUseAsync(FlowdeskDb db, CancellationToken ct) =>
        (await db.SlaPolicies.Select(p => p.CalendarId).Distinct().ToListAsync(ct)).ToHashSet();

    static CalendarDetail Detail(BusinessCalendar c, bool inUse) => new(c.Key, c.NameEn, c.NameZh, c.TimeZone, c.ObservesHolidays, c.Hours().ToText(),
        c.Years.OrderBy(y => y.Year).Select(y =>
        {
            var text = YearText.From(y.Data());
            return new CalendarYearView(y.Year, y.Source, y.ImportedAt, text.Holidays, text.WorkingDays);
        }).ToList(), inUse);

    static async Task<string?> ReadBodyAsync(HttpRequest http, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[MaxImportBytes + 1];
        var total = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(total, buffer.Length - total), ct)) > 0)
        {
            total += read;
            if (total > MaxImportBytes) return null;
        }
        return new string(buffer, 0, total);
    }

    /// <summary>Errors by field; each message names its line when the input was a file.</summary>
    static Dictionary<string, string[]> ToProblem(IStringLocalizer t, IEnumerable<ImportError> errors, bool lines) =>
        errors.GroupBy(e => e.Field.Length == 0 ? "file" : e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => lines
                ? t.Text("calendar.import." + e.Code, e.Line, g.Key, e.Value ?? "")
                : t.Text("calendar.field." + e.Code, g.Key, e.Value ?? "")).ToArray(), StringComparer.Ordinal);

    static string ToYaml(int year, UpdateCalendarYear request)
    {
        static string Q(string? s) => "\"" + (s ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"year: {year}\nholidays:\n");
        foreach (var h in request.Holidays ?? [])
            sb.Append(CultureInfo.InvariantCulture, $"  - {{ name: {{ en: {Q(h.NameEn)}, zh-CN: {Q(h.NameZh)} }}, from: {Q(h.From)}, to: {Q(h.To)} }}\n");
        sb.Append("working_days:\n");
        foreach (var w in request.WorkingDays ?? [])
            sb.Append(w.NameEn is null && w.NameZh is null
                ? $"  - {Q(w.Date)}\n"
                : $"  - {{ date: {Q(w.Date)}, name: {{ en: {Q(w.NameEn ?? w.NameZh)}, zh-CN: {Q(w.NameZh ?? w.NameEn)} }} }}\n");
        return sb.ToString();
    }

    internal static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;
}
