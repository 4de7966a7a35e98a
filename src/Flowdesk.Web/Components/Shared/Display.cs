using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Web.Components.Shared;

/// <summary>How stored values reach the page: codes through the text resources, instants in the person's time zone.</summary>
static class Display
{
    /// <summary>The translated label of a code such as a status; the code itself when it has no entry yet.</summary>
    public static string Code(IStringLocalizer t, string group, string code)
    {
        var text = t[$"{group}.{code.ToLowerInvariant()}"];
        return text.ResourceNotFound ? code : text.Value;
    }

    public static TimeZoneInfo Zone(string? ianaId) =>
        ianaId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string Time(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at, TimeZoneInfo zone) => at is { } value ? Time(value, zone) : "";
}
