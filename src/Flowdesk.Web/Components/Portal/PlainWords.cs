using System.Globalization;
using Flowdesk.Localization;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Web.Components.Portal;

/// <summary>SLA targets such as "3bd", "4h", "2d" in plain words ("3 business days" / "3 个工作日").</summary>
static class Durations
{
    public static string? Plain(string target, IStringLocalizer t)
    {
        var text = target.Trim().ToLowerInvariant();
        var unit = text.EndsWith("bd", StringComparison.Ordinal) ? "bd" : text.Length > 0 ? text[^1..] : "";
        var number = text[..^unit.Length];
        if (unit.Length == 0 || !decimal.TryParse(number, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)) return null;
        var key = unit switch { "bd" => "duration.business_days", "d" => "duration.days", "h" => "duration.hours", "m" => "duration.minutes", _ => null };
        return key is null ? null : t[key, amount.ToString("0.##", CultureInfo.CurrentCulture)].Value;
    }
}

/// <summary>
/// The SLA promise in plain words, in the person's time zone and language: "due by today 17:00", "due by tomorrow 09:00",
/// "due by Thursday 17:00", "due by Thursday 3 December 17:00"; "was due by …" once passed; on hold while paused.
/// </summary>
static class SlaPromise
{
    public static string? Describe(DateTimeOffset? due, bool paused, bool finished, DateTimeOffset now, TimeZoneInfo zone, IStringLocalizer t)
    {
        if (finished) return null;
        if (paused) return t["sla.paused"];
        if (due is not { } at) return null;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        var days = (local.Date - today).Days;
        var day = t[$"day.{(int)local.DayOfWeek}"].Value;
        var when = days switch
        {
            0 => t["sla.when_today", time].Value,
            1 => t["sla.when_tomorrow", time].Value,
            > 1 and < 7 => t["sla.when_weekday", day, time].Value,
            _ => t["sla.when_date", day, Date(local), time].Value,
        };
        return at < now ? t["sla.overdue", when] : t["sla.due", when];
    }

    static string Date(DateTimeOffset local) => Languages.IsChinese(CultureInfo.CurrentUICulture.Name)
        ? $"{local.Month}月{local.Day}日"
        : local.ToString("d MMMM", CultureInfo.InvariantCulture);
}
