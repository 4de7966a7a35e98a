using System.Globalization;
using System.Text.Json.Nodes;
using Flowdesk.Processes.Definitions;
using Microsoft.Extensions.Primitives;

namespace Flowdesk.Web.Components.Portal;

/// <summary>
/// Turns a posted catalog form ("f.&lt;id&gt;" inputs) into the JSON values the server validator checks, field by field
/// after the form's types; nothing is judged here — a number that does not parse is passed on as text so the
/// validator's own message appears next to the field.
/// </summary>
static class PortalForms
{
    public static JsonObject ReadValues(IFormCollection form, IReadOnlyList<FormField> fields, TimeZoneInfo zone)
    {
        var values = new JsonObject();
        foreach (var field in fields)
        {
            if (values.ContainsKey(field.Id) || field.Type == FieldType.Attachment) continue;
            var posted = form[FieldInput.NameOf(field.Id)];
            switch (field.Type)
            {
                case FieldType.Bool:
                    // An unticked box sends nothing: that is "no", not "not answered".
                    values[field.Id] = posted.Any(v => v == "true");
                    break;
                case FieldType.Multiselect:
                    values[field.Id] = new JsonArray(posted.Where(v => !string.IsNullOrEmpty(v)).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
                    break;
                default:
                    if (StringValues.IsNullOrEmpty(posted) && !form.ContainsKey(FieldInput.NameOf(field.Id))) break;
                    values[field.Id] = Scalar(field, posted.ToString().Trim(), zone);
                    break;
            }
        }
        return values;
    }

    static JsonValue? Scalar(FormField field, string text, TimeZoneInfo zone)
    {
        if (text.Length == 0) return JsonValue.Create("");
        switch (field.Type)
        {
            case FieldType.Number:
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);
            case FieldType.Datetime:
                // datetime-local has no offset: it is the person's own time zone.
                if (DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                {
                    var offset = zone.GetUtcOffset(local);
                    return JsonValue.Create(new DateTimeOffset(local, offset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
                }
                return JsonValue.Create(text);
            default:
                return JsonValue.Create(text);
        }
    }

    /// <summary>The posted values again as name/value pairs, to carry them through a sign-in without showing them.</summary>
    public static IEnumerable<(string Name, string Value)> Carry(IFormCollection form) =>
        form.Where(p => p.Key.StartsWith("f.", StringComparison.Ordinal) && p.Key.Length <= 80)
            .SelectMany(p => p.Value.Select(v => (p.Key, v ?? "")));
}
