using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;
using Flowdesk.Processes.Forms;

namespace Flowdesk.Portal;

/// <summary>Which fields of a form show and which are required for the values typed so far.</summary>
public sealed record FormState(IReadOnlySet<string> Visible, IReadOnlySet<string> Required);

/// <summary>
/// The visibility and requirement rules of <see cref="FormValidator"/>, for rendering: a field's visibleIf sees the
/// earlier fields as decided (hidden ones gone) and the later ones as typed, values absent from the submission take
/// their default, empty ones are no value. The page draws hidden fields hidden, and the portal script asks for this
/// as the person types, so the form on screen follows the same rules the server applies on submit.
/// </summary>
public static class FormVisibility
{
    public static FormState Decide(IReadOnlyList<FormField> form, JsonObject? submitted, RequesterProfile profile)
    {
        var working = new JsonObject();
        foreach (var field in form)
        {
            if (working.ContainsKey(field.Id)) continue;
            if (Initial(field, submitted, profile) is { } value) working[field.Id] = value;
        }
        var scope = new Scope(working, profile);
        var visible = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in form)
        {
            if (string.IsNullOrWhiteSpace(field.VisibleIf) || ConditionCache.Get(field.VisibleIf) is not { } condition || condition.Evaluate(scope))
                visible.Add(field.Id);
            else
                working.Remove(field.Id);
        }
        var required = form.Where(f => visible.Contains(f.Id) && (f.Required
            || (!string.IsNullOrWhiteSpace(f.RequiredIf) && ConditionCache.Get(f.RequiredIf) is { } c && c.Evaluate(scope))))
            .Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        return new FormState(visible, required);
    }

    /// <summary>The value a field starts with on an empty form: its fixed default or the one from the requester's profile.</summary>
    public static JsonNode? Default(FormField field, RequesterProfile profile) => Initial(field, null, profile);

    static JsonNode? Initial(FormField field, JsonObject? submitted, RequesterProfile profile)
    {
        if (submitted is not null && submitted.TryGetPropertyValue(field.Id, out var given)) return IsEmpty(given) ? null : given!.DeepClone();
        if (field.Default is { } fixedDefault) return IsEmpty(fixedDefault) ? null : fixedDefault.DeepClone();
        var fromProfile = field.DefaultFrom switch
        {
            "requester.department" => profile.Department,
            "requester.manager" => profile.Manager,
            "requester.location" => profile.Location,
            "requester.username" => profile.Username,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(fromProfile) ? null : JsonValue.Create(fromProfile);
    }

    static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonValue value when value.GetValueKind() == JsonValueKind.Null => true,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetValue<string>()),
        _ => false,
    };

    sealed class Scope(JsonObject values, RequesterProfile profile) : IConditionScope
    {
        public JsonNode? Resolve(string path)
        {
            if (path.StartsWith("form.", StringComparison.Ordinal))
                return values.TryGetPropertyValue(path[5..], out var value) ? value : null;
            return path switch
            {
                "requester.username" => profile.Username,
                "requester.department" => profile.Department,
                "requester.manager" => profile.Manager,
                "requester.location" => profile.Location,
                _ => null,
            };
        }
    }
}
