using System.Text.Json.Nodes;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Forms;

namespace Flowdesk.Tests.Processes.Forms;

static class FormFixtures
{
    public const string AttachmentId = "0195f0c1-7d3a-7c4e-9a41-2b9d1c7e5f10";

    public static readonly RequesterProfile Alice = new("alice", "Engineering", "bob", "Shanghai");

    public static FormField Field(string id, FieldType type, params string[] options) => new()
    {
        Id = id,
        Type = type,
        Label = LocalizedText.Of(id, id),
        Options = [.. options.Select(o => new FieldOption(o, LocalizedText.Of(o, o)))],
    };

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public static async Task<FormResult> Validate(IReadOnlyList<FormField> form, string? submitted, Lookups? lookups = null,
        RequesterProfile? profile = null, Flowdesk.Processes.Expressions.IConditionScope? context = null) =>
        await FormValidator.ValidateAsync(form, submitted is null ? null : Json(submitted), profile ?? Alice, lookups ?? new Lookups(), context);

    public sealed class Lookups : IFormLookups
    {
        public List<string> Asked { get; } = [];

        public ValueTask<bool> PersonExistsAsync(string userName, CancellationToken ct) => Answer($"person:{userName}", userName is "alice" or "bob");
        public ValueTask<bool> GroupExistsAsync(string key, CancellationToken ct) => Answer($"group:{key}", key == "it-desktop");
        public ValueTask<bool> AssetExistsAsync(string tag, CancellationToken ct) => Answer($"asset:{tag}", tag == "LAP-001");
        public ValueTask<bool> AttachmentExistsAsync(string id, CancellationToken ct) => Answer($"attachment:{id}", id == AttachmentId);

        ValueTask<bool> Answer(string question, bool answer)
        {
            Asked.Add(question);
            return ValueTask.FromResult(answer);
        }
    }
}
