using System.Text.Json.Nodes;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
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
            if (FormValidator.Initial(field, submitted, profile) is { } value) working[field.Id] = value;
        }
        var scope = new FormValidator.FormScope(working, profile, null);
        var visible = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in form)
        {
            if (FormValidator.IsVisible(field, scope))
                visible.Add(field.Id);
            else
                working.Remove(field.Id);
        }
        var required = form.Where(f => visible.Contains(f.Id) && FormValidator.IsRequired(f, scope))
            .Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        return new FormState(visible, required);
    }

    /// <summary>The value a field starts with on an empty form: its fixed default or the one from the requester's profile.</summary>
    public static JsonNode? Default(FormField field, RequesterProfile profile) => FormValidator.Initial(field, null, profile);
}
