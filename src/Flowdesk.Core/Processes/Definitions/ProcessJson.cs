using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowdesk.Processes.Definitions;

/// <summary>The one JSON shape of process documents: storage, API and (through YAML) process-as-code.</summary>
public static class ProcessJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        MaxDepth = 32,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize(ProcessDefinition definition) => JsonSerializer.Serialize(definition, Options);

    public static ProcessDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<ProcessDefinition>(json, Options) ?? throw new JsonException("A process document cannot be null.");
}
