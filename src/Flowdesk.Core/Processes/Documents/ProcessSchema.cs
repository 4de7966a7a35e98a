using System.Text.Json.Nodes;
using Json.Schema;

namespace Flowdesk.Processes.Documents;

/// <summary>
/// The JSON Schema (draft 2020-12) of process documents, shipped in the assembly and published by the API at
/// /api/v1/processes/schema.json so editors can validate and complete YAML and JSON while people write them.
/// </summary>
public static class ProcessSchema
{
    public const string ContentType = "application/schema+json";

    public static string Text { get; } = ReadText();

    static readonly JsonNode Document = JsonNode.Parse(Text)!;
    static readonly JsonSchema Schema = JsonSchema.FromText(Text);

    static string ReadText()
    {
        using var stream = typeof(ProcessSchema).Assembly.GetManifestResourceStream("Flowdesk.Processes.Documents.process.schema.json")
            ?? throw new InvalidOperationException("process.schema.json is not embedded in Flowdesk.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Schema errors, one per problem, with the path of the value (or of the object missing a key).</summary>
    public static IReadOnlyList<DocumentError> Validate(JsonNode? document)
    {
        var results = Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        List<DocumentError> errors = [];
        HashSet<(string, string)> seen = [];
        foreach (var detail in results.Details.Where(d => d.HasErrors))
        {
            var path = detail.InstanceLocation.ToString();
            var definition = DefinitionAt(detail.SchemaLocation);
            foreach (var (keyword, libraryMessage) in detail.Errors!)
            {
                foreach (var error in Describe(document, path, keyword, libraryMessage, definition, detail))
                    if (seen.Add((error.Path, error.Message))) errors.Add(error);
            }
        }
        return errors;
    }

    /// <summary>The schema object an error came from (its fragment is a JSON Pointer into this document).</summary>
    static JsonNode? DefinitionAt(Uri location)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        JsonNode? node = Document;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Pointer.Unescape(segment);
            node = node switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    static JsonNode? At(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Pointer.Unescape(segment);
            node = node switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }
        return node;
    }

    static string Show(JsonNode? value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : text[..60] + "…";
    }

    static string LastSegment(string path) => Pointer.Unescape(path[(path.LastIndexOf('/') + 1)..]);

    static DocumentError Error(string path, string code, params object[] args) =>
        new(path, code, DocumentMessages.Format(code, args), Args: args);

    static IEnumerable<DocumentError> Describe(JsonNode? document, string path, string keyword, string libraryMessage, JsonNode? definition, EvaluationResults detail)
    {
        var value = At(document, path);
        var evaluationPath = detail.EvaluationPath.ToString();
        var inPropertyNames = evaluationPath.Contains("/propertyNames", StringComparison.Ordinal);
        switch (keyword)
        {
            case "required":
                var present = (value as JsonObject)?.Select(p => p.Key).ToHashSet() ?? [];
                foreach (var key in definition?["required"]?.AsArray().Select(k => k!.GetValue<string>()) ?? [])
                    if (!present.Contains(key))
                        yield return Error(path, "process.schema.required", key);
                yield break;
            case "enum" when inPropertyNames:
                yield return Error(path, "process.schema.bad_language", LastSegment(path));
                yield break;
            case "pattern" when inPropertyNames:
                yield return Error(path, "process.schema.bad_set_target", LastSegment(path));
                yield break;
            case "enum":
                var allowed = definition?["enum"]?.AsArray().Select(e => e!.GetValue<string>()) ?? [];
                yield return Error(path, "process.schema.enum", Show(value), string.Join(", ", allowed));
                yield break;
            case "type":
                var type = definition?["type"] is JsonArray types ? string.Join(" or ", types.Select(t => t!.GetValue<string>())) : definition?["type"]?.GetValue<string>();
                yield return Error(path, "process.schema.type", Article(type), Show(value));
                yield break;
            case "pattern":
                yield return Error(path, "process.schema.pattern", Show(value), PatternHint(detail.SchemaLocation, definition));
                yield break;
            case "" or "false":
                yield return Error(path, "process.schema.unknown_key", LastSegment(path));
                yield break;
            case var _ when evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal):
                yield return Error(path, "process.schema.unknown_key", LastSegment(path));
                yield break;
            default:
                yield return Error(path, "process.schema.invalid", libraryMessage);
                yield break;
        }
    }

    static string Article(string? type) => type switch
    {
        "object" => "an object (key: value)",
        "array" => "a list",
        "integer" => "a whole number",
        "string or object" => "text or { en: …, zh-CN: … }",
        null => "another value",
        _ => $"a {type}",
    };

    static string PatternHint(Uri location, JsonNode? definition)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment);
        return fragment switch
        {
            _ when fragment.StartsWith("#/$defs/key", StringComparison.Ordinal) =>
                "a key is 2 to 100 lowercase letters, digits, '.', '_' or '-', starting with a letter",
            _ when fragment.StartsWith("#/$defs/fieldId", StringComparison.Ordinal) =>
                "a field id is up to 64 letters, digits or '_', not starting with a digit",
            _ when fragment.StartsWith("#/$defs/duration", StringComparison.Ordinal) => "a duration is a number and m, h, d or bd, e.g. 30m, 4h, 2d, 3bd",
            _ when fragment.StartsWith("#/$defs/approver", StringComparison.Ordinal) =>
                "an approver is person:<user>, group:<group>, role:<role>, requester.manager, department.head or cab",
            _ when fragment.Contains("/audience", StringComparison.Ordinal) => "an audience is everyone, role:<role>, department:<name> or group:<group>",
            _ when fragment.Contains("/rule/properties/on", StringComparison.Ordinal) =>
                "a trigger is created, field_changed:<field>, state_entered:<state>, approval_decided or tasks.all_done",
            _ => $"expected the pattern {definition?["pattern"]}",
        };
    }
}
