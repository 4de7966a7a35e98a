using Flowdesk.Calendars;
using Flowdesk.Persistence;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>
/// The calendars and SLA policies every installation starts with. Idempotent: adds only what is missing, so it
/// runs on every start after the desks exist (Seeding calls it) and never overwrites an admin's edits.
/// </summary>
public static class SlaSeeding
{
    public const string CnMainland = "cn-mainland";
    public const string Standard = "standard";

    public static async Task EnsureAsync(FlowdeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var calendars = await db.BusinessCalendars.Include(c => c.Years).ToListAsync(ct);

        var cn = calendars.SingleOrDefault(c => c.Key == CnMainland);
        if (cn is null)
        {
            cn = new BusinessCalendar(CnMainland, "Mainland China (public holidays)", "中国大陆（法定节假日）", "Asia/Shanghai",
                WeeklyHours.MondayToFriday(new WorkingInterval(9 * 60, 12 * 60), new WorkingInterval(13 * 60 + 30, 18 * 60)), observesHolidays: true, now);
            db.BusinessCalendars.Add(cn);
        }
        foreach (var (name, file) in ShippedYears(CnMainland))
            if (!cn.Years.Any(y => y.Year == file.Data.Year)) cn.PublishYear(file.Data, "seed:" + name, now);

        var standard = calendars.SingleOrDefault(c => c.Key == Standard);
        if (standard is null)
        {
            standard = new BusinessCalendar(Standard, "Standard Mon–Fri 09:00–17:00", "标准工作日 周一至周五 09:00–17:00", "Asia/Shanghai",
                WeeklyHours.MondayToFriday(new WorkingInterval(9 * 60, 17 * 60)), observesHolidays: false, now);
            db.BusinessCalendars.Add(standard);
        }
        await db.SaveChangesAsync(ct);

        var desks = await db.Desks.AsNoTracking().ToListAsync(ct);
        var withPolicies = await db.SlaPolicies.Select(p => p.DeskId).Distinct().ToListAsync(ct);
        foreach (var desk in desks.Where(d => !withPolicies.Contains(d.Id)))
            db.SlaPolicies.AddRange(DefaultPolicies(desk, cn, standard));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>IT on cn-mainland and facilities on standard by priority; HR one default (1bd / 5bd) on cn-mainland.</summary>
    static IEnumerable<SlaPolicy> DefaultPolicies(Desks.Desk desk, BusinessCalendar cn, BusinessCalendar standard)
    {
        if (desk.Key == "hr")
        {
            yield return new SlaPolicy(desk.Id, "HR default", cn.Id, T("1bd"), T("5bd"), escalations: [new(1, SlaMetric.Resolution, 100, EscalationAction.Notify, "desk-admins")]);
            yield break;
        }
        var calendar = desk.Key == "facilities" ? standard : cn;
        (Priority Priority, string First, string Resolution)[] table =
            [(Priority.P1, "1h", "4h"), (Priority.P2, "2h", "1bd"), (Priority.P3, "4h", "3bd"), (Priority.P4, "1bd", "5bd")];
        yield return new SlaPolicy(desk.Id, $"{desk.Key} default", calendar.Id, T("4h"), T("3bd"), escalations: Escalations(raise: true));
        foreach (var (priority, first, resolution) in table)
            yield return new SlaPolicy(desk.Id, $"{desk.Key} {priority.ToString().ToLowerInvariant()}", calendar.Id, T(first), T(resolution),
                priority: priority, escalations: Escalations(raise: priority != Priority.P1));
    }

    static IReadOnlyList<EscalationLevel> Escalations(bool raise) =>
    [
        new(1, SlaMetric.Resolution, 75, EscalationAction.Notify, "assignee"),
        new(2, SlaMetric.Resolution, 100, EscalationAction.Notify, "desk-admins"),
        raise ? new(3, SlaMetric.Resolution, 150, EscalationAction.RaisePriority) : new(3, SlaMetric.Resolution, 150, EscalationAction.Reassign, "service-desk"),
    ];

    static BusinessTarget T(string text) => BusinessTarget.Parse(text)!;

    /// <summary>Year files shipped as embedded resources (Calendars/Data/{calendar}-{year}.yaml).</summary>
    internal static IEnumerable<(string Name, CalendarYearFile File)> ShippedYears(string calendarKey)
    {
        var assembly = typeof(SlaSeeding).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains($".Calendars.Data.{calendarKey}-", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var (file, errors) = CalendarYearYaml.Parse(reader.ReadToEnd());
            if (file is null)
                throw new InvalidOperationException($"Shipped calendar file {resource} is invalid: " + string.Join("; ", errors.Select(e => $"line {e.Line} {e.Field}: {e.Code}")));
            yield return (resource[(resource.IndexOf(".Data.", StringComparison.Ordinal) + 6)..], file);
        }
    }

    /// <summary>The coming year in a zone: the one admins must have published before it starts.</summary>
    public static int ComingYear(Instant now, DateTimeZone zone) => now.InZone(zone).Year + 1;
}
