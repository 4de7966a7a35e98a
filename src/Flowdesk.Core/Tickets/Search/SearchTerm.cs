using System.Text;

namespace Flowdesk.Tickets.Search;

/// <summary>
/// What a person typed into a ticket search, normalised: trimmed, inner runs of white space made one space.
/// A term matches a ticket whose number equals it, or whose subject or description contains it (case-insensitive).
/// </summary>
public sealed record SearchTerm
{
    /// <summary>Shortest term searched as text; a single character would match nearly every ticket.</summary>
    public const int MinLength = 2;
    public const int MaxLength = 200;

    SearchTerm(string text, int characters)
    {
        Text = text;
        Number = text.ToUpperInvariant();
        IsShort = characters < 3;
    }

    public string Text { get; }

    /// <summary>The term as a ticket number (IT-000123): numbers are stored upper case.</summary>
    public string Number { get; }

    /// <summary>Fewer than three characters: the trigram index cannot look it up directly (see TicketSearch).</summary>
    public bool IsShort { get; }

    /// <summary>A LIKE pattern for "contains", with \ as the escape character.</summary>
    public string ContainsPattern => "%" + EscapeLike(Text) + "%";

    /// <summary>The normalised term, or null when it is too short to search (fewer than two characters that are not spaces side by side).</summary>
    public static SearchTerm? Parse(string? value)
    {
        if (value is null) return null;
        var text = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
            }
            else text.Append(c);
        }
        var normalised = text.ToString();
        // Characters, not UTF-16 units: an emoji is one character, as it is to both indexes.
        var runes = normalised.EnumerateRunes().ToList();
        var hasPair = runes.Zip(runes.Skip(1)).Any(p => p.First.Value != ' ' && p.Second.Value != ' ');
        return hasPair ? new SearchTerm(normalised, runes.Count) : null;
    }

    static string EscapeLike(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal);
}
