using Microsoft.Extensions.Localization;

[assembly: Microsoft.Extensions.Localization.RootNamespace("Flowdesk")]

namespace Flowdesk.Localization;

/// <summary>Marker for the API's messages (Messages.resx, Messages.zh-CN.resx).</summary>
public sealed class Messages
{
    private Messages() { }
}

public static class LocalizerExtensions
{
    /// <summary>The message in the current UI culture, or the key itself so a missing entry is visible, not blank.</summary>
    public static string Text(this IStringLocalizer localizer, string key, params object[] args) =>
        args.Length == 0 ? localizer[key].Value : localizer[key, args].Value;
}
