using System.Globalization;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Flowdesk.Calendars;

/// <summary>A problem in an imported file, with the line (1-based, 0 when unknown) and the field it is about.</summary>
public sealed record ImportError(int Line, string Field, string Code, string? Value = null);

/// <summary>One year read from a file in the shared format (calendar, year, time_zone, holidays, working_days).</summary>
public sealed record CalendarYearFile(string? Calendar, string? TimeZone, CalendarYearData Data);

/// <summary>
/// Reads a year file like calendars/cn-mainland-2026.yaml. Every error names its line and field; nothing is
/// half-read: a file with any error yields no data.
/// </summary>
public static class CalendarYearYaml
{
    static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;
    static readonly HashSet<string> TopLevel = ["calendar", "year", "time_zone", "holidays", "working_days"];

    public static (CalendarYearFile? File, List<ImportError> Errors) Parse(string text)
    {
        List<ImportError> errors = [];
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add(new ImportError((int)e.Start.Line, "", "syntax", e.Message));
            return (null, errors);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new ImportError(1, "", "not_mapping"));
            return (null, errors);
        }

        foreach (var key in root.Children.Keys)
            if (key is YamlScalarNode { Value: { } name } && !TopLevel.Contains(name))
                errors.Add(new ImportError(Line(key), name, "unknown_field", name));

        var calendar = Scalar(root, "calendar", errors, required: false);
        var zone = Scalar(root, "time_zone", errors, required: false);
        if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            errors.Add(new ImportError(Line(root, "time_zone"), "time_zone", "zone", zone));

        var yearText = Scalar(root, "year", errors, required: true);
        var year = 0;
        if (yearText is not null && (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out year) || year is < 1970 or > 2200))
            errors.Add(new ImportError(Line(root, "year"), "year", "year", yearText));

        List<HolidayRange> holidays = [];
        if (Sequence(root, "holidays", errors) is { } holidayNodes)
        {
            for (var i = 0; i < holidayNodes.Children.Count; i++)
            {
                var field = $"holidays[{i}]";
                if (holidayNodes.Children[i] is not YamlMappingNode h)
                {
                    errors.Add(new ImportError(Line(holidayNodes.Children[i]), field, "not_mapping"));
                    continue;
                }
                var name = Name(h, field, errors, required: true);
                var from = Date(h, "from", field, errors);
                var to = Date(h, "to", field, errors);
                if (from is { } f && to is { } t)
                {
                    if (t < f) errors.Add(new ImportError(Line(h, "to"), field + ".to", "range", IsoDate.Format(t)));
                    else if (year > 0 && !Touches(f, t, year)) errors.Add(new ImportError(Line(h, "from"), field + ".from", "outside_year", year.ToString(CultureInfo.InvariantCulture)));
                    else if (Period.Between(f, t, PeriodUnits.Days).Days > 31) errors.Add(new ImportError(Line(h, "to"), field + ".to", "too_long"));
                    else if (name is not null) holidays.Add(new HolidayRange(name, f, t));
                }
            }
        }

        List<MakeUpDay> workingDays = [];
        if (Sequence(root, "working_days", errors) is { } workingNodes)
        {
            for (var i = 0; i < workingNodes.Children.Count; i++)
            {
                var field = $"working_days[{i}]";
                var node = workingNodes.Children[i];
                LocalDate? date = null;
                LocalizedName? name = null;
                if (node is YamlScalarNode s) date = ParseDate(s, field, errors);
                else if (node is YamlMappingNode m) { date = Date(m, "date", field, errors); name = Name(m, field, errors, required: false); }
                else errors.Add(new ImportError(Line(node), field, "date"));
                if (date is not { } d) continue;
                if (year > 0 && d.Year != year) errors.Add(new ImportError(Line(node), field, "outside_year", year.ToString(CultureInfo.InvariantCulture)));
                else if (holidays.Any(h => h.From <= d && d <= h.To)) errors.Add(new ImportError(Line(node), field, "both", IsoDate.Format(d)));
                else workingDays.Add(new MakeUpDay(d, name));
            }
        }

        if (errors.Count > 0) return (null, errors);
        return (new CalendarYearFile(calendar, zone, new CalendarYearData(year, holidays, workingDays)), errors);
    }

    /// <summary>A year's holidays may start in late December of the year before (元旦 ranges do).</summary>
    static bool Touches(LocalDate from, LocalDate to, int year) => from.Year <= year && to.Year >= year;

    static int Line(YamlNode node) => (int)node.Start.Line;

    static int Line(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var value) ? Line(value) : Line(parent);

    static string? Scalar(YamlMappingNode parent, string key, List<ImportError> errors, bool required, string prefix = "")
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            if (required) errors.Add(new ImportError(Line(parent), prefix + key, "required"));
            return null;
        }
        if (node is YamlScalarNode { Value: { Length: > 0 } value }) return value.Trim();
        if (required || node is not YamlScalarNode) errors.Add(new ImportError(Line(node), prefix + key, "required"));
        return null;
    }

    static YamlSequenceNode? Sequence(YamlMappingNode parent, string key, List<ImportError> errors)
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node)) return null;
        if (node is YamlSequenceNode sequence) return sequence;
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" }) return null; // an empty list written as "key:"
        errors.Add(new ImportError(Line(node), key, "not_list"));
        return null;
    }

    static LocalDate? Date(YamlMappingNode parent, string key, string field, List<ImportError> errors)
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            errors.Add(new ImportError(Line(parent), $"{field}.{key}", "required"));
            return null;
        }
        return ParseDate(node, $"{field}.{key}", errors);
    }

    static LocalDate? ParseDate(YamlNode node, string field, List<ImportError> errors)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim();
        var result = IsoDate.Parse(text ?? "");
        if (text is { Length: 10 } && result.Success) return result.Value;
        errors.Add(new ImportError(Line(node), field, "date", text));
        return null;
    }

    /// <summary>name: "春节" (one text for both languages) or name: { zh-CN: 春节, en: Spring Festival }.</summary>
    static LocalizedName? Name(YamlMappingNode parent, string field, List<ImportError> errors, bool required)
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode("name"), out var node))
        {
            if (required) errors.Add(new ImportError(Line(parent), field + ".name", "required"));
            return null;
        }
        if (node is YamlScalarNode { Value: { Length: > 0 } both }) return Checked(both.Trim(), both.Trim());
        if (node is YamlMappingNode names)
        {
            var zh = Scalar(names, "zh-CN", errors, required: false, prefix: field + ".name.");
            var en = Scalar(names, "en", errors, required: false, prefix: field + ".name.");
            if (zh is not null || en is not null) return Checked(en ?? zh!, zh ?? en!);
        }
        errors.Add(new ImportError(Line(node), field + ".name", "required"));
        return null;

        LocalizedName? Checked(string en, string zh)
        {
            if (en.Length > 100 || zh.Length > 100 || en.Any(char.IsControl) || zh.Any(char.IsControl))
            {
                errors.Add(new ImportError(Line(node), field + ".name", "name"));
                return null;
            }
            return new LocalizedName(en, zh);
        }
    }
}
