using System.Globalization;
using System.Text.RegularExpressions;
using Flowdesk.Calendars;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>
/// A target in business time: "4h", "30m", "1h30m", "3bd" (business days) or "1bd4h". A business day is worth the
/// calendar's longest working day, so "3bd" from Monday 10:00 on a 7.5-hour calendar is Thursday 10:00.
/// </summary>
public sealed partial record BusinessTarget(int Days, Duration Time)
{
    public static BusinessTarget? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var m = Pattern().Match(text.Trim().ToLowerInvariant());
        if (!m.Success || m.Length == 0 || !(m.Groups[1].Success || m.Groups[2].Success || m.Groups[3].Success)) return null;
        static int Num(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        var days = Num(m.Groups[1]);
        var hours = Num(m.Groups[2]);
        var minutes = Num(m.Groups[3]);
        if (days > 365 || hours > 10_000 || minutes > 100_000) return null;
        return new BusinessTarget(days, Duration.FromHours(hours) + Duration.FromMinutes(minutes));
    }

    public Duration On(WeeklyHours hours) => hours.WorkingDayLength * Days + Time;

    public override string ToString()
    {
        var parts = new List<string>();
        if (Days > 0) parts.Add($"{Days}bd");
        var total = (long)Time.TotalMinutes;
        if (total / 60 > 0) parts.Add($"{total / 60}h");
        if (total % 60 > 0) parts.Add($"{total % 60}m");
        return parts.Count == 0 ? "0m" : string.Concat(parts);
    }

    [GeneratedRegex(@"^(?:(\d{1,3})bd)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?$")]
    private static partial Regex Pattern();
}
