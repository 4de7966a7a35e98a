using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Processes.Definitions;

namespace Flowdesk.Portal;

/// <summary>One submitted answer as a person reads it: the field's label and the value (option labels, not codes).</summary>
public sealed record FormAnswer(string FieldId, string Label, string Value, bool? Flag, FieldType Type);

/// <summary>Shows the stored form values of a ticket with the labels of its pinned version, in the reader's language.</summary>
public static class FormDisplay
{
    public static List<FormAnswer> Answers(ProcessDefinition? definition, string fieldsJson, string language, IReadOnlyDictionary<string, string>? fileNames = null)
    {
        JsonObject values;
        try
        {
            values = JsonNode.Parse(fieldsJson) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
        List<FormAnswer> answers = [];
        var form = definition?.Form ?? [];
        foreach (var field in form)
        {
            if (!values.TryGetPropertyValue(field.Id, out var value) || value is null) continue;
            var flag = value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? b.GetValue<bool>() : (bool?)null;
            answers.Add(new FormAnswer(field.Id, field.Label.For(language), Show(field, value, language, fileNames), flag, field.Type));
        }
        // Values of fields the version does not know (imported, or set by a rule) still show, under their id.
        foreach (var (key, value) in values)
            if (value is not null && form.All(f => f.Id != key))
                answers.Add(new FormAnswer(key, key, value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString(), null, FieldType.Text));
        return answers;
    }

    static string Show(FormField field, JsonNode value, string language, IReadOnlyDictionary<string, string>? fileNames) => value switch
    {
        JsonArray array => string.Join(", ", array.Where(v => v is not null).Select(v => Show(field, v!, language, fileNames))),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Text(field, v.GetValue<string>(), language, fileNames),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>().ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    static string Text(FormField field, string text, string language, IReadOnlyDictionary<string, string>? fileNames) => field.Type switch
    {
        FieldType.Select or FieldType.Multiselect => field.Options.FirstOrDefault(o => o.Value == text)?.Label.For(language) ?? text,
        FieldType.Attachment => fileNames is not null && fileNames.TryGetValue(text, out var name) ? name : text,
        _ => text,
    };
}
