using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flowdesk.Processes.Expressions;

internal enum Kind { Null, String, Number, Bool, List, Other }

/// <summary>A value during evaluation: what a literal is, or what a path resolved to.</summary>
internal readonly record struct ConditionValue(Kind Kind, string? Text = null, double Number = 0, bool Flag = false, IReadOnlyList<ConditionValue>? Items = null)
{
    public static readonly ConditionValue Null = new(Kind.Null);
    public static readonly ConditionValue True = new(Kind.Bool, Flag: true);
    public static readonly ConditionValue False = new(Kind.Bool, Flag: false);
    private static readonly ConditionValue Other = new(Kind.Other);

    public static ConditionValue Of(bool value) => value ? True : False;
    public static ConditionValue Of(string value) => new(Kind.String, Text: value);
    public static ConditionValue Of(double value) => new(Kind.Number, Number: value);

    public bool IsTruthy => Kind switch
    {
        Kind.Bool => Flag,
        Kind.String => Text!.Length > 0,
        Kind.Number => Number != 0 && !double.IsNaN(Number),
        Kind.List => Items!.Count > 0,
        Kind.Other => true,
        Kind.Null => false,
        _ => false,
    };

    /// <summary>Converts what a scope returned; anything unexpected becomes a value nothing equals.</summary>
    public static ConditionValue FromJson(JsonNode? node, int depth = 0)
    {
        try
        {
            switch (node)
            {
                case null:
                    return Null;
                case JsonArray array when depth < 8:
                    var items = new ConditionValue[array.Count];
                    for (var i = 0; i < array.Count; i++) items[i] = FromJson(array[i], depth + 1);
                    return new(Kind.List, Items: items);
                case JsonValue value:
                    switch (value.GetValueKind())
                    {
                        case JsonValueKind.String:
                            return Of(value.TryGetValue<string>(out var s) ? s : value.Deserialize<string>() ?? "");
                        case JsonValueKind.Number:
                            return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? Of(n) : Other;
                        case JsonValueKind.True:
                            return True;
                        case JsonValueKind.False:
                            return False;
                        case JsonValueKind.Null:
                            return Null;
                        default:
                            return Other;
                    }
                default:
                    return Other;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException or NotSupportedException)
        {
            return Other;
        }
    }

    /// <summary>True or false when the two are comparable; null when they are of different kinds.</summary>
    public static bool? AreEqual(ConditionValue a, ConditionValue b)
    {
        if (a.Kind == Kind.Null || b.Kind == Kind.Null) return a.Kind == b.Kind;
        if (a.Kind != b.Kind || a.Kind == Kind.Other) return null;
        switch (a.Kind)
        {
            case Kind.Bool:
                return a.Flag == b.Flag;
            case Kind.Number:
                return a.Number == b.Number;
            case Kind.String:
                if (string.Equals(a.Text, b.Text, StringComparison.Ordinal)) return true;
                return Instants.TryParse(a.Text!, out var x) && Instants.TryParse(b.Text!, out var y) ? x == y : false;
            case Kind.List:
                if (a.Items!.Count != b.Items!.Count) return false;
                for (var i = 0; i < a.Items.Count; i++)
                    if (AreEqual(a.Items[i], b.Items[i]) != true) return false;
                return true;
            default:
                return null;
        }
    }

    /// <summary>The order of two numbers or two strings (dates as instants); null when not ordered.</summary>
    public static int? CompareOrder(ConditionValue a, ConditionValue b)
    {
        if (a.Kind != b.Kind) return null;
        if (a.Kind == Kind.Number)
            return double.IsNaN(a.Number) || double.IsNaN(b.Number) ? null : a.Number.CompareTo(b.Number);
        if (a.Kind == Kind.String)
        {
            if (Instants.TryParse(a.Text!, out var x) && Instants.TryParse(b.Text!, out var y)) return x.CompareTo(y);
            return string.CompareOrdinal(a.Text, b.Text);
        }
        return null;
    }
}

/// <summary>ISO dates and date-times as instants, for comparing date fields.</summary>
internal static class Instants
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>ISO 8601 with an offset or Z; seconds and fractions optional.</summary>
    public static bool TryParseDateTime(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);

    /// <summary>A date is its midnight in UTC; a date-time is its instant.</summary>
    public static bool TryParse(string text, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length < 10 || !char.IsAsciiDigit(text[0])) return false;
        if (text.Length == 10)
        {
            if (!TryParseDate(text, out var date)) return false;
            instant = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }
        return TryParseDateTime(text, out instant);
    }
}
