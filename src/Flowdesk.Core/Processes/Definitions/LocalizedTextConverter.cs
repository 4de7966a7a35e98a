using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowdesk.Processes.Definitions;

/// <summary>Reads { "en": "…", "zh-CN": "…" } or a bare string (taken as en); writes the object.</summary>
public sealed class LocalizedTextConverter : JsonConverter<LocalizedText>
{
    public override LocalizedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new LocalizedText(new Dictionary<string, string> { [Localization.Languages.English] = reader.GetString()! });
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options)
            ?? throw new JsonException("Expected an object of language: text.");
        return new LocalizedText(values);
    }

    public override void Write(Utf8JsonWriter writer, LocalizedText value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (language, text) in value.Values.OrderBy(v => v.Key == Localization.Languages.English ? 0 : 1).ThenBy(v => v.Key, StringComparer.Ordinal))
            writer.WriteString(language, text);
        writer.WriteEndObject();
    }
}
