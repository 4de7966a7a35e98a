using System.Globalization;
using System.Text;

namespace Flowdesk.Attachments;

/// <summary>
/// Turns the name a client sent into one that is safe to show and to hand back in Content-Disposition:
/// the base name only (no folders, drive letters or "..") with no control, format or bidi characters
/// (U+202E cannot disguise "gpj.exe" as "exe.jpg"), no characters Windows refuses, not a device name,
/// at most <see cref="MaxLength"/> characters, and with an extension that fits the sniffed type — a text
/// file called run.bat is handed back as run.bat.txt, so a double click opens an editor, not a shell.
/// </summary>
public static class FileNames
{
    /// <summary>The column holds 255; the name is never longer.</summary>
    public const int MaxLength = 255;

    const int MaxExtensionLength = 16;
    static readonly string[] DeviceNames = ["CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"];

    /// <summary>The base name of <paramref name="clientName"/>, cleaned; null when nothing usable is left.</summary>
    public static string? BaseName(string? clientName)
    {
        if (string.IsNullOrWhiteSpace(clientName)) return null;
        var name = clientName.Normalize(NormalizationForm.FormC);
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0) name = name[(slash + 1)..];
        var colon = name.LastIndexOf(':');
        if (colon >= 0) name = name[(colon + 1)..]; // "C:name" and NTFS streams ("a.txt:evil")

        var clean = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                continue;
            if (rune.Value is '<' or '>' or '"' or '|' or '?' or '*') clean.Append('_');
            else if (category is UnicodeCategory.SpaceSeparator) clean.Append(' ');
            else clean.Append(rune.ToString());
        }
        // Leading dots hide files and make "..", trailing dots and spaces vanish on Windows.
        var result = clean.ToString().Trim(' ', '.');
        while (result.Contains("  ", StringComparison.Ordinal)) result = result.Replace("  ", " ", StringComparison.Ordinal);
        if (result.Length == 0) return null;

        var stem = Path.GetFileNameWithoutExtension(result).TrimEnd(' ', '.');
        if (DeviceNames.Contains(stem, StringComparer.OrdinalIgnoreCase)) result = "_" + result;
        return result;
    }

    /// <summary>
    /// The name to store: <paramref name="baseName"/> (already cleaned by <see cref="BaseName"/>) with the kind's extension
    /// added when its own does not fit, shortened (keeping the extension) to <see cref="MaxLength"/>.
    /// </summary>
    public static string ForKind(string baseName, FileKind kind)
    {
        var extension = Path.GetExtension(baseName);
        var stem = baseName;
        if (!kind.Fits(extension.TrimStart('.')))
        {
            extension = "." + kind.Extension;
        }
        else
        {
            stem = baseName[..^extension.Length];
        }
        if (extension.Length > MaxExtensionLength) extension = "." + kind.Extension;
        return Shorten(stem, MaxLength - extension.Length) + extension;
    }

    /// <summary>Cuts between text elements, so no surrogate pair or combining sequence is split.</summary>
    static string Shorten(string text, int max)
    {
        if (text.Length <= max) return text;
        var length = 0;
        foreach (var start in StringInfo.ParseCombiningCharacters(text))
        {
            if (start > max) break;
            length = start;
        }
        return text[..length].TrimEnd(' ', '.');
    }
}
