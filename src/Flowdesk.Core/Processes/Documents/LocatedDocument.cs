using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Flowdesk.Processes.Documents;

/// <summary>A position in a document file, both 1-based.</summary>
public readonly record struct TextPosition(int Line, int Column);

/// <summary>
/// Where each node of a document sits in its file, by JSON Pointer: the value's position, and for members of an
/// object also the key's (an unknown key is reported where the key is written).
/// </summary>
public sealed class DocumentLocations
{
    readonly Dictionary<string, TextPosition> values = new(StringComparer.Ordinal);
    readonly Dictionary<string, TextPosition> keys = new(StringComparer.Ordinal);

    internal void Value(string path, TextPosition position) => values.TryAdd(path, position);
    internal void Key(string path, TextPosition position) => keys.TryAdd(path, position);

    /// <summary>The position of the node at the path, or of its nearest ancestor that was written down.</summary>
    public TextPosition? Find(string path, bool preferKey = false)
    {
        for (var current = path; ; current = current[..current.LastIndexOf('/')])
        {
            if (preferKey && keys.TryGetValue(current, out var key)) return key;
            if (values.TryGetValue(current, out var value)) return value;
            if (keys.TryGetValue(current, out key)) return key;
            if (current.Length == 0) return null;
        }
    }

    /// <summary>Adds the line and column to errors that have none.</summary>
    public IReadOnlyList<DocumentError> Locate(IEnumerable<DocumentError> errors) =>
        [.. errors.Select(e => e.Line is not null ? e
            : Find(e.Path, preferKey: e.Code is "process.schema.unknown_key" or "process.schema.bad_language" or "process.schema.bad_set_target") is { } p ? e with { Line = p.Line, Column = p.Column } : e)];
}

/// <summary>The limits every document is read under, whatever its format.</summary>
public static class DocumentLimits
{
    /// <summary>1 MB, as the API's request body limit.</summary>
    public const int MaxBytes = 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxNodes = 20_000;
}

sealed class DocumentLimitException(string code, TextPosition? position, params object[] args) : Exception(DocumentMessages.Format(code, args))
{
    public string Code { get; } = code;
    public TextPosition? Position { get; } = position;
    public IReadOnlyList<object> Args { get; } = args;
}

/// <summary>
/// YAML to a JSON tree with positions. Reads through YamlDotNet's representation model, behind a guard on the event
/// stream that refuses anchors and aliases (no billion laughs), extra documents, custom tags, deep nesting and too many
/// nodes before the model is built, so a hostile file costs one linear pass.
/// </summary>
static partial class YamlDocumentReader
{
    public static (JsonNode? Root, DocumentLocations Locations) Read(string text)
    {
        var locations = new DocumentLocations();
        var stream = new YamlStream();
        var parser = new GuardedParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner gives up on some malformed input without a YamlException; say where it stopped.
            throw new DocumentLimitException("process.yaml.syntax", parser.Position, "the text after this point is not valid YAML");
        }
        if (stream.Documents.Count == 0) return (null, locations);
        return (Convert(stream.Documents[0].RootNode, "", locations), locations);
    }

    static TextPosition At(Mark mark) => new((int)mark.Line, (int)mark.Column);

    static JsonNode? Convert(YamlNode node, string path, DocumentLocations locations)
    {
        locations.Value(path, At(node.Start));
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } || keyNode.Tag is { IsEmpty: false, IsNonSpecific: false } && keyNode.Tag.Value != "tag:yaml.org,2002:str")
                        throw new DocumentLimitException("process.yaml.key_not_text", At(keyNode.Start));
                    var child = $"{path}/{Pointer.Escape(key)}";
                    locations.Key(child, At(keyNode.Start));
                    obj[key] = Convert(valueNode, child, locations);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                    array.Add(Convert(sequence.Children[i], $"{path}/{i}", locations));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new DocumentLimitException("process.yaml.alias", At(node.Start));
        }
    }

    /// <summary>The YAML 1.2 core schema: plain null, true/false and numbers are typed; quoted scalars are text.</summary>
    static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str") return JsonValue.Create(value);
        if (tag is null && scalar.Style != ScalarStyle.Plain) return JsonValue.Create(value);
        if (tag is null or "tag:yaml.org,2002:null" && NullPattern().IsMatch(value)) return null;
        if (tag is null or "tag:yaml.org,2002:bool" && BoolPattern().IsMatch(value)) return JsonValue.Create(value.Equals("true", StringComparison.OrdinalIgnoreCase));
        if (tag is null or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" && NumberPattern().IsMatch(value)
            && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? JsonValue.Create(integer) : JsonValue.Create(number);
        if (tag is null) return JsonValue.Create(value);
        throw new DocumentLimitException("process.yaml.tag", At(scalar.Start), scalar.Tag.Value);
    }

    [GeneratedRegex("^(|~|null|Null|NULL)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();

    /// <summary>Checks each event as the representation model pulls it, so limits hold before anything is built.</summary>
    sealed class GuardedParser(IParser inner) : IParser
    {
        int depth;
        int nodes;
        int documents;

        public ParsingEvent? Current => inner.Current;

        /// <summary>Where the last event read ended.</summary>
        public TextPosition? Position { get; private set; }

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            var e = inner.Current!;
            Position = At(e.End);
            switch (e)
            {
                case AnchorAlias:
                    throw new DocumentLimitException("process.yaml.alias", At(e.Start));
                case NodeEvent { Anchor.IsEmpty: false }:
                    throw new DocumentLimitException("process.yaml.alias", At(e.Start));
                case NodeEvent { Tag: { IsEmpty: false, IsNonSpecific: false } tag } when !tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal):
                    throw new DocumentLimitException("process.yaml.tag", At(e.Start), tag.Value);
                case DocumentStart when ++documents > 1:
                    throw new DocumentLimitException("process.yaml.documents", At(e.Start));
                case MappingStart or SequenceStart:
                    if (++depth > DocumentLimits.MaxDepth)
                        throw new DocumentLimitException("process.document_too_deep", At(e.Start), DocumentLimits.MaxDepth);
                    Count(e);
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case YamlDotNet.Core.Events.Scalar:
                    Count(e);
                    break;
            }
            return true;
        }

        void Count(ParsingEvent e)
        {
            if (++nodes > DocumentLimits.MaxNodes)
                throw new DocumentLimitException("process.document_too_many_nodes", At(e.Start), DocumentLimits.MaxNodes);
        }
    }
}

/// <summary>JSON to a JSON tree with positions: one pass with Utf8JsonReader records where each value starts.</summary>
static class JsonDocumentReader
{
    public static (JsonNode? Root, DocumentLocations Locations) Read(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var locations = Locate(bytes);
        var root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = DocumentLimits.MaxDepth + 1 });
        return (root, locations);
    }

    sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;
        public int Index { get; set; } = -1;
        public string? Property { get; set; }
    }

    static DocumentLocations Locate(byte[] bytes)
    {
        var locations = new DocumentLocations();
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);

        TextPosition Position(long offset)
        {
            var line = lineStarts.BinarySearch((int)offset);
            if (line < 0) line = ~line - 1;
            return new TextPosition(line + 1, Encoding.UTF8.GetCharCount(bytes, lineStarts[line], (int)offset - lineStarts[line]) + 1);
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = DocumentLimits.MaxDepth + 1 });
        var stack = new List<Frame>();
        var segments = new List<string>();
        var nodes = 0;

        string PathOf() => segments.Count == 0 ? "" : "/" + string.Join('/', segments);

        void EnterValue(long start)
        {
            if (stack.Count > 0 && !stack[^1].IsObject)
            {
                var frame = stack[^1];
                frame.Index++;
                segments.Add(frame.Index.ToString(CultureInfo.InvariantCulture));
            }
            if (++nodes > DocumentLimits.MaxNodes)
                throw new DocumentLimitException("process.document_too_many_nodes", Position(start), DocumentLimits.MaxNodes);
            locations.Value(PathOf(), Position(start));
        }

        void LeaveValue()
        {
            if (stack.Count > 0 && segments.Count > 0) segments.RemoveAt(segments.Count - 1);
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    segments.Add(Pointer.Escape(name));
                    locations.Key(PathOf(), Position(reader.TokenStartIndex));
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    EnterValue(reader.TokenStartIndex);
                    if (stack.Count >= DocumentLimits.MaxDepth)
                        throw new DocumentLimitException("process.document_too_deep", Position(reader.TokenStartIndex), DocumentLimits.MaxDepth);
                    stack.Add(new Frame(reader.TokenType == JsonTokenType.StartObject));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.RemoveAt(stack.Count - 1);
                    LeaveValue();
                    break;
                default:
                    EnterValue(reader.TokenStartIndex);
                    LeaveValue();
                    break;
            }
        }
        return locations;
    }
}
