using Flowdesk.Calendars;
using Flowdesk.Sla;
using NodaTime;
using NodaTime.Text;

namespace Flowdesk.Tests.Sla;

/// <summary>The calendars the tables run on, and short ways to write instants and pauses.</summary>
static class Calendars
{
    /// <summary>The shipped cn-mainland calendar: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai, with the 2026 notice.</summary>
    public static readonly WorkingCalendar CnMainland = new("cn-mainland", DateTimeZoneProviders.Tzdb["Asia/Shanghai"],
        WeeklyHours.MondayToFriday(new WorkingInterval(9 * 60, 12 * 60), new WorkingInterval(13 * 60 + 30, 18 * 60)),
        SlaSeeding.ShippedYears("cn-mainland").Select(y => y.File.Data));

    /// <summary>Mon–Fri 09:00–17:00 in Berlin, which changes to summer time on 2026-03-29 and back on 2026-10-25.</summary>
    public static readonly WorkingCalendar Berlin = new("berlin", DateTimeZoneProviders.Tzdb["Europe/Berlin"],
        WeeklyHours.MondayToFriday(new WorkingInterval(9 * 60, 17 * 60)), [], observesHolidays: false);

    /// <summary>Around the clock in Berlin: business time is elapsed time, DST hours included or skipped as they happen.</summary>
    public static readonly WorkingCalendar BerlinAlways = new("berlin-24x7", DateTimeZoneProviders.Tzdb["Europe/Berlin"],
        new WeeklyHours(Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .ToDictionary(d => d, _ => (IReadOnlyList<WorkingInterval>)[new WorkingInterval(0, 24 * 60)])), [], observesHolidays: false);

    /// <summary>Every day 01:00–04:00 Berlin: on 2026-03-29 that interval is only two real hours long.</summary>
    public static readonly WorkingCalendar BerlinNight = new("berlin-night", DateTimeZoneProviders.Tzdb["Europe/Berlin"],
        new WeeklyHours(Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .ToDictionary(d => d, _ => (IReadOnlyList<WorkingInterval>)[new WorkingInterval(60, 4 * 60)])), [], observesHolidays: false);

    public static WorkingCalendar ByKey(string key) => key switch
    {
        "cn" => CnMainland,
        "berlin" => Berlin,
        "berlin24" => BerlinAlways,
        "berlin-night" => BerlinNight,
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>"2026-03-04T10:00+08:00" → instant.</summary>
    static readonly OffsetDateTimePattern Minutes = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>");

    public static Instant At(string text) => Minutes.Parse(text).GetValueOrThrow().ToInstant();

    public static Duration Target(WorkingCalendar calendar, string text) => BusinessTarget.Parse(text)!.On(calendar.Hours);

    /// <summary>Pauses written "from|to;from|to" with full instants; an empty "to" is a pause still open.</summary>
    public static IReadOnlyList<PauseInterval> Pauses(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(';').Select(p => p.Split('|')).Select(p =>
            new PauseInterval(At(p[0]), p[1].Length == 0 ? null : At(p[1]), "waiting_on_requester")).ToList();
}
