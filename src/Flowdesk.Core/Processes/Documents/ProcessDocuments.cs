using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowdesk.Processes.Definitions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flowdesk.Processes.Documents;

/// <summary>
/// A document read from YAML or JSON: the definition when it is well-formed and matches the schema, otherwise the errors,
/// each with its path and its line and column in the file. Semantic errors (<see cref="ProcessValidator"/>) found later
/// get their positions through <see cref="Locate"/>.
/// </summary>
public sealed record DocumentParse(ProcessDefinition? Definition, IReadOnlyList<DocumentError> Errors)
{
    public DocumentLocations? Locations { get; init; }

    public bool Ok => Definition is not null && Errors.Count == 0;

    public IReadOnlyList<DocumentError> Locate(IEnumerable<DocumentError> errors) =>
        Locations is { } locations ? locations.Locate(errors) : [.. errors];
}

/// <summary>Process-as-code: YAML and JSON documents to and from <see cref="ProcessDefinition"/>.</summary>
public static partial class ProcessDocuments
{
    static readonly JsonSerializerOptions Indented = new(ProcessJson.Options) { WriteIndented = true };

    /// <summary>Keys holding text in several languages, written as { en: …, zh-CN: … } on one line.</summary>
    static readonly HashSet<string> LocalizedKeys = ["name", "description", "label", "help", "title", "typicalTime"];

    /// <summary>Lists whose absence means empty; an empty one is left out of the YAML.</summary>
    static readonly HashSet<string> OptionalLists = ["form", "states", "transitions", "approvals", "tasks", "rules", "tags", "options", "after"];

    /// <summary>Values that are data, not document structure: written as they are.</summary>
    static readonly HashSet<string> DataKeys = ["default", "set"];

    public static DocumentParse FromYaml(string text) => Read(text, YamlDocumentReader.Read);

    public static DocumentParse FromJson(string text) => Read(text, JsonDocumentReader.Read);

    /// <summary>Reads by the file name's extension: .json is JSON, anything else YAML (JSON is also YAML, but positions differ).</summary>
    public static DocumentParse FromFile(string fileName, string text) =>
        fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(text) : FromYaml(text);

    static DocumentParse Read(string text, Func<string, (JsonNode? Root, DocumentLocations Locations)> reader)
    {
        // Characters are at most 3 UTF-8 bytes, so only long texts need counting.
        if (text.Length > DocumentLimits.MaxBytes / 3 && Encoding.UTF8.GetByteCount(text) > DocumentLimits.MaxBytes)
            return Failed(Error("", "process.document_too_large", DocumentLimits.MaxBytes / 1024));

        JsonNode? root;
        DocumentLocations locations;
        try
        {
            (root, locations) = reader(text);
        }
        catch (DocumentLimitException e)
        {
            return Failed(new DocumentError("", e.Code, e.Message, e.Position?.Line, e.Position?.Column, e.Args));
        }
        catch (YamlException e)
        {
            return Failed(Error("", "process.yaml.syntax", YamlMessage(e)) with { Line = (int)e.Start.Line, Column = (int)e.Start.Column });
        }
        catch (JsonException e)
        {
            return Failed(Error("", "process.json.syntax", JsonMessage(e)) with
            {
                Line = e.LineNumber is { } line ? (int)line + 1 : null,
                Column = e.BytePositionInLine is { } column ? (int)column + 1 : null,
            });
        }

        if (root is null)
            return Failed(Error("", "process.document_empty"));

        var schemaErrors = ProcessSchema.Validate(root);
        if (schemaErrors.Count > 0)
            return new DocumentParse(null, locations.Locate(schemaErrors)) { Locations = locations };

        try
        {
            var definition = root.Deserialize<ProcessDefinition>(ProcessJson.Options)
                ?? throw new JsonException("A process document cannot be null.");
            return new DocumentParse(definition, []) { Locations = locations };
        }
        catch (JsonException e)
        {
            // The schema admits only what the model reads, so this is a disagreement between the two; still say where.
            var path = PointerFromJsonPath(e.Path);
            return new DocumentParse(null, locations.Locate([Error(path, "process.document_invalid", JsonMessage(e))])) { Locations = locations };
        }
    }

    static DocumentParse Failed(DocumentError error) => new(null, [error]);

    static DocumentError Error(string path, string code, params object[] args) => new(path, code, DocumentMessages.Format(code, args), Args: args);

    /// <summary>YamlDotNet puts the positions in front of the message; they are in the error already.</summary>
    static string YamlMessage(YamlException e)
    {
        var message = e.Message;
        var start = message.IndexOf("): ", StringComparison.Ordinal);
        message = start >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(start + 3)..] : message;
        return message.Trim();
    }

    static string JsonMessage(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>$.approvals[1].rule → /approvals/1/rule.</summary>
    static string PointerFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        var builder = new StringBuilder();
        foreach (Match m in JsonPathSegment().Matches(path))
            builder.Append('/').Append(Pointer.Escape(m.Groups["index"].Success ? m.Groups["index"].Value : m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Value));
        return builder.ToString();
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex JsonPathSegment();

    public static string ToJson(ProcessDefinition definition) => JsonSerializer.Serialize(definition, Indented) + "\n";

    /// <summary>
    /// Readable YAML in the model's key order: block style, one-line lists of plain values and one-line
    /// { en: …, zh-CN: … } texts; empty optional lists left out. FromYaml(ToYaml(d)) equals d.
    /// </summary>
    public static string ToYaml(ProcessDefinition definition)
    {
        var node = JsonSerializer.SerializeToNode(definition, ProcessJson.Options);
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings().WithBestWidth(int.MaxValue).WithBestIndent(2).WithIndentedSequences());
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Write(emitter, node, key: null, data: false);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    static void Write(IEmitter emitter, JsonNode? node, string? key, bool data)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                var oneLine = !data && key is not null && LocalizedKeys.Contains(key);
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, oneLine ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (name, value) in obj)
                {
                    if (!data && value is JsonArray { Count: 0 } && OptionalLists.Contains(name)) continue;
                    if (!data && name == "required" && value is JsonValue flag && flag.GetValueKind() == JsonValueKind.False) continue;
                    Text(emitter, name);
                    Write(emitter, value, name, data || DataKeys.Contains(name));
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                var plain = array.All(item => item is JsonValue);
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, plain ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array) Write(emitter, item, key, data);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Text(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                // Numbers and booleans as JSON writes them: plain, so they read back typed.
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    /// <summary>Text that would read back as something else (true, 12, null, yes) is quoted; several lines are a literal block.</summary>
    static void Text(IEmitter emitter, string text)
    {
        var style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : LooksTyped().IsMatch(text) ? ScalarStyle.SingleQuoted
            : ScalarStyle.Any;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, style, true, true));
    }

    /// <summary>YAML 1.2 null, booleans and numbers, and the YAML 1.1 spellings other tools still read as booleans.</summary>
    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+)$")]
    private static partial Regex LooksTyped();
}
