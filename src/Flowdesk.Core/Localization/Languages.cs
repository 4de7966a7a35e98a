namespace Flowdesk.Localization;

public static class Languages
{
    public const string English = "en";
    public const string Chinese = "zh-CN";
    public static readonly string[] Supported = [English, Chinese];

    public static bool IsChinese(string? language) =>
        language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>Maps any zh* tag to zh-CN and everything else to en.</summary>
    public static string Normalize(string? language) => IsChinese(language) ? Chinese : English;
}

public static class CurrentLanguage
{
    /// <summary>The language of this request (from the culture cookie or Accept-Language), as en or zh-CN.</summary>
    public static string Get() => Languages.Normalize(System.Globalization.CultureInfo.CurrentUICulture.Name);
}
