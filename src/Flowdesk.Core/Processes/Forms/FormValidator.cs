using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;

namespace Flowdesk.Processes.Forms;

/// <summary>
/// Validates a submission against a form (pure: existence of people, groups, assets and attachments is asked of
/// <see cref="IFormLookups"/>), and checks a form's definition for the process importer.
/// </summary>
/// <remarks>
/// Steps: unknown submitted fields are refused; each field takes its submitted value, or when the key is absent its
/// <see cref="FormField.Default"/> or <see cref="FormField.DefaultFrom"/> (an explicit null, "" or [] is "no value",
/// and no default replaces it). Visibility is decided in form order: a field's visibleIf sees the earlier fields as
/// already decided (hidden ones gone) and the later ones as submitted. A hidden field is dropped — neither required nor
/// kept nor type-checked. Then every visible value is checked against its type, and Required / requiredIf (evaluated on
/// the visible values) are applied. Conditions read form.* and requester.*; other paths come from the optional context.
/// A pattern must match the whole value (like HTML's pattern attribute) and gets 100 ms.
/// </remarks>
public static class FormValidator
{
    public const int TextMaxLength = 1000;
    public const int MultilineMaxLength = 20_000;
    public const int ReferenceMaxLength = 200;
    public const int PatternMaxLength = 500;
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Where <see cref="FormField.DefaultFrom"/> may take a default from.</summary>
    public static readonly IReadOnlyList<string> DefaultSources = ["requester.department", "requester.manager", "requester.location", "requester.username"];

    public static async ValueTask<FormResult> ValidateAsync(IReadOnlyList<FormField> form, JsonObject? submitted, RequesterProfile profile,
        IFormLookups lookups, IConditionScope? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(lookups);
        var errors = new Dictionary<string, List<FieldError>>(StringComparer.Ordinal);
        void Add(string field, FieldError error)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(error);
        }

        var fields = new Dictionary<string, FormField>(StringComparer.Ordinal);
        foreach (var field in form) fields.TryAdd(field.Id, field);
        if (submitted is not null)
            foreach (var (key, _) in submitted)
                if (!fields.ContainsKey(key)) Add(key, new FieldError("form.unknown_field", [key]));

        // The values conditions see: submitted or default, until a field turns out hidden.
        var working = new JsonObject();
        foreach (var field in fields.Values)
            if (Initial(field, submitted, profile) is { } value) working[field.Id] = value;

        var scope = new FormScope(working, profile, context);
        var visible = new List<FormField>();
        foreach (var field in fields.Values)
        {
            if (IsVisible(field, scope)) visible.Add(field);
            else working.Remove(field.Id);
        }

        var values = new JsonObject();
        foreach (var field in visible)
        {
            if (!working.TryGetPropertyValue(field.Id, out var value) || value is null)
            {
                if (IsRequired(field, scope)) Add(field.Id, new FieldError("form.required"));
                continue;
            }
            if (CheckValue(field, value) is { } error)
            {
                Add(field.Id, error);
                continue;
            }
            if (await CheckExistsAsync(field, value, lookups, ct) is { } missing)
            {
                Add(field.Id, missing);
                continue;
            }
            values[field.Id] = value.DeepClone();
        }

        return new FormResult(values, errors.ToDictionary(e => e.Key, e => (IReadOnlyList<FieldError>)e.Value, StringComparer.Ordinal));
    }

    /// <summary>The kinds of the form's fields for <see cref="Condition.Check"/>, keyed "form.&lt;id&gt;".</summary>
    public static IReadOnlyDictionary<string, ValueKind> Kinds(IReadOnlyList<FormField> form)
    {
        var kinds = new Dictionary<string, ValueKind>(StringComparer.Ordinal);
        foreach (var field in form) kinds.TryAdd("form." + field.Id, KindOf(field.Type));
        return kinds;
    }

    public static ValueKind KindOf(FieldType type) => type switch
    {
        FieldType.Number => ValueKind.Number,
        FieldType.Bool => ValueKind.Bool,
        FieldType.Date or FieldType.Datetime => ValueKind.Date,
        FieldType.Multiselect => ValueKind.List,
        FieldType.Text or FieldType.Multiline or FieldType.Select or FieldType.Person or FieldType.Group
            or FieldType.Asset or FieldType.Attachment => ValueKind.Text,
        _ => ValueKind.Text,
    };

    /// <summary>Problems in a form's definition; empty when the form is sound.</summary>
    public static IReadOnlyList<FormDefinitionError> CheckDefinition(IReadOnlyList<FormField> form) => FormDefinition.Check(form);

    /// <summary>A field's starting value: what was submitted, else its fixed default, else the one from the requester's profile.</summary>
    internal static JsonNode? Initial(FormField field, JsonObject? submitted, RequesterProfile profile)
    {
        if (submitted is not null && submitted.TryGetPropertyValue(field.Id, out var given))
            return IsEmpty(given) ? null : given!.DeepClone();
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

    // A condition that does not parse was refused at import; should one slip through, the field stays
    // visible (nothing the requester typed is lost) and is not conditionally required.
    internal static bool IsVisible(FormField field, IConditionScope scope) =>
        string.IsNullOrWhiteSpace(field.VisibleIf) || ConditionCache.Get(field.VisibleIf) is not { } condition || condition.Evaluate(scope);

    internal static bool IsRequired(FormField field, IConditionScope scope) =>
        field.Required || (!string.IsNullOrWhiteSpace(field.RequiredIf) && ConditionCache.Get(field.RequiredIf) is { } condition && condition.Evaluate(scope));

    /// <summary>The type, length, range, option and pattern checks of one non-empty value.</summary>
    internal static FieldError? CheckValue(FormField field, JsonNode value)
    {
        switch (field.Type)
        {
            case FieldType.Text:
            case FieldType.Multiline:
                if (AsString(value) is not { } text) return new FieldError("form.type_text");
                return CheckText(field, text);
            case FieldType.Number:
                if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number
                    || !decimal.TryParse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                    return new FieldError("form.type_number");
                if (field.Min is { } min && amount < min) return new FieldError("form.number_min", [Show(min)]);
                if (field.Max is { } max && amount > max) return new FieldError("form.number_max", [Show(max)]);
                return null;
            case FieldType.Date:
                return AsString(value) is { } date && Instants.TryParseDate(date, out _) ? null : new FieldError("form.type_date");
            case FieldType.Datetime:
                return AsString(value) is { } instant && Instants.TryParseDateTime(instant, out _) ? null : new FieldError("form.type_datetime");
            case FieldType.Bool:
                return value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : new FieldError("form.type_bool");
            case FieldType.Select:
                if (AsString(value) is not { } choice) return new FieldError("form.type_select");
                return field.Options.Any(o => o.Value == choice) ? null : new FieldError("form.not_an_option", [choice]);
            case FieldType.Multiselect:
                return CheckChoices(field, value);
            case FieldType.Person:
            case FieldType.Group:
            case FieldType.Asset:
            case FieldType.Attachment:
                if (AsString(value) is not { } reference || reference.Length > ReferenceMaxLength || HasControl(reference, allowLineBreaks: false))
                    return new FieldError(TypeCode(field.Type));
                return null;
            default:
                return new FieldError("form.type_text");
        }
    }

    static FieldError? CheckText(FormField field, string text)
    {
        var multiline = field.Type == FieldType.Multiline;
        if (HasControl(text, allowLineBreaks: multiline)) return new FieldError("form.control_characters");
        var longest = field.Max is { } max ? (int)Math.Min(max, multiline ? MultilineMaxLength : TextMaxLength) : multiline ? MultilineMaxLength : TextMaxLength;
        if (text.Length > longest) return new FieldError("form.too_long", [longest]);
        if (field.Min is { } min && text.Length < min) return new FieldError("form.too_short", [Show(min)]);
        if (!string.IsNullOrEmpty(field.Pattern))
        {
            if (PatternCache.Get(field.Pattern) is not { } regex) return new FieldError("form.pattern");
            try
            {
                if (!regex.IsMatch(text)) return new FieldError("form.pattern");
            }
            catch (RegexMatchTimeoutException)
            {
                return new FieldError("form.pattern_timeout");
            }
        }
        return null;
    }

    static FieldError? CheckChoices(FormField field, JsonNode value)
    {
        if (value is not JsonArray array) return new FieldError("form.type_multiselect");
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array)
        {
            if (item is null || AsString(item) is not { } choice) return new FieldError("form.type_multiselect");
            if (!field.Options.Any(o => o.Value == choice)) return new FieldError("form.not_an_option", [choice]);
            if (!chosen.Add(choice)) return new FieldError("form.duplicate_choice", [choice]);
        }
        if (field.Min is { } min && chosen.Count < min) return new FieldError("form.choices_min", [Show(min)]);
        if (field.Max is { } max && chosen.Count > max) return new FieldError("form.choices_max", [Show(max)]);
        return null;
    }

    static async ValueTask<FieldError?> CheckExistsAsync(FormField field, JsonNode value, IFormLookups lookups, CancellationToken ct)
    {
        var key = AsString(value);
        if (key is null) return null;
        var (exists, code) = field.Type switch
        {
            FieldType.Person => (await lookups.PersonExistsAsync(key, ct), "form.unknown_person"),
            FieldType.Group => (await lookups.GroupExistsAsync(key, ct), "form.unknown_group"),
            FieldType.Asset => (await lookups.AssetExistsAsync(key, ct), "form.unknown_asset"),
            FieldType.Attachment => (await lookups.AttachmentExistsAsync(key, ct), "form.unknown_attachment"),
            _ => (true, ""),
        };
        return exists ? null : new FieldError(code, [key]);
    }

    internal static string TypeCode(FieldType type) => type switch
    {
        FieldType.Text or FieldType.Multiline => "form.type_text",
        FieldType.Number => "form.type_number",
        FieldType.Date => "form.type_date",
        FieldType.Datetime => "form.type_datetime",
        FieldType.Bool => "form.type_bool",
        FieldType.Select => "form.type_select",
        FieldType.Multiselect => "form.type_multiselect",
        FieldType.Person => "form.type_person",
        FieldType.Group => "form.type_group",
        FieldType.Asset => "form.type_asset",
        FieldType.Attachment => "form.type_attachment",
        _ => "form.type_text",
    };

    static string? AsString(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.TryGetValue<string>(out var s) ? s : value.Deserialize<string>()
            : null;

    static bool HasControl(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
            if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')) return true;
        return false;
    }

    static string Show(decimal number) => number.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>What form conditions read: the form's values, the requester, and anything else from the context.</summary>
    internal sealed class FormScope(JsonObject values, RequesterProfile profile, IConditionScope? context) : IConditionScope
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
                _ => context?.Resolve(path),
            };
        }
    }
}

/// <summary>Parsed conditions by text; forms are validated often and hold few distinct conditions.</summary>
internal static class ConditionCache
{
    const int Limit = 2048;
    static readonly ConcurrentDictionary<string, Condition?> Parsed = new(StringComparer.Ordinal);

    public static Condition? Get(string text)
    {
        if (Parsed.TryGetValue(text, out var condition)) return condition;
        if (Parsed.Count >= Limit) Parsed.Clear();
        return Parsed[text] = Condition.Parse(text).Condition;
    }
}

/// <summary>Compiled patterns by text, each anchored to the whole value and given <see cref="FormValidator.PatternTimeout"/>.</summary>
internal static class PatternCache
{
    const int Limit = 512;
    static readonly ConcurrentDictionary<string, Regex?> Compiled = new(StringComparer.Ordinal);

    public static Regex? Get(string pattern)
    {
        if (Compiled.TryGetValue(pattern, out var regex)) return regex;
        if (Compiled.Count >= Limit) Compiled.Clear();
        return Compiled[pattern] = TryCreate(pattern, out var created, out _) ? created : null;
    }

    public static bool TryCreate(string pattern, out Regex? regex, out string? problem)
    {
        regex = null;
        problem = null;
        if (pattern.Length > FormValidator.PatternMaxLength)
        {
            problem = $"longer than {FormValidator.PatternMaxLength} characters";
            return false;
        }
        try
        {
            // The pattern must stand on its own: "a)|(b" would otherwise become a valid, different pattern once wrapped.
            _ = new Regex(pattern, RegexOptions.None, FormValidator.PatternTimeout);
            regex = new Regex($"\\A(?:{pattern})\\z", RegexOptions.None, FormValidator.PatternTimeout);
            return true;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }
    }
}
