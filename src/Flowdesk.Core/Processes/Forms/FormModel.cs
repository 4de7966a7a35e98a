using System.Globalization;
using System.Text.Json.Nodes;

namespace Flowdesk.Processes.Forms;

/// <summary>
/// One problem with a submitted value: <see cref="Code"/> is the key in Messages.resx (form.*),
/// <see cref="Args"/> fill its placeholders; <see cref="Message"/> is the English text.
/// The API shows <c>localizer.Text(error.Code, [.. error.Args])</c>.
/// </summary>
public sealed record FieldError(string Code, IReadOnlyList<object> Args)
{
    public FieldError(string code) : this(code, []) { }

    public string Message => FormMessages.Format(Code, Args);

    public override string ToString() => Message;
}

/// <summary>
/// What a submission becomes: the values to keep (visible fields only, defaults applied, in form order)
/// and the errors by field id. Values are meaningful only when <see cref="Ok"/>.
/// </summary>
public sealed record FormResult(JsonObject Values, IReadOnlyDictionary<string, IReadOnlyList<FieldError>> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// A problem in a form's definition, for the process importer: the field (index and id), the property at fault
/// ("id", "options", "pattern", "visibleIf", "requiredIf", "min", "max", "default", "defaultFrom"), a localisation
/// key with its arguments (form.def.*, or condition.* for conditions, or form.* for a default that is not a valid
/// value) and, for conditions, the 1-based column inside the condition.
/// </summary>
public sealed record FormDefinitionError(int Index, string Field, string Property, string Code, IReadOnlyList<object> Args, int Column = 0)
{
    /// <summary>JSON Pointer of the property inside a process document, e.g. /form/3/visibleIf.</summary>
    public string Path => $"/form/{Index}/{Property}";

    public string Message => Code.StartsWith("condition.", StringComparison.Ordinal)
        ? Expressions.ConditionMessages.Format(Code, Args)
        : FormMessages.Format(Code, Args);

    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Existence checks the validator cannot make itself (they need the database). Called only for values that are
/// otherwise valid, once per value.
/// </summary>
public interface IFormLookups
{
    ValueTask<bool> PersonExistsAsync(string userName, CancellationToken ct);
    ValueTask<bool> GroupExistsAsync(string key, CancellationToken ct);
    ValueTask<bool> AssetExistsAsync(string tag, CancellationToken ct);
    ValueTask<bool> AttachmentExistsAsync(string id, CancellationToken ct);
}

internal static class FormMessages
{
    // The English texts of Messages.resx for the form.* keys; a test keeps the two in step.
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>
    {
        ["form.required"] = "This field is required.",
        ["form.unknown_field"] = "'{0}' is not a field of this form.",
        ["form.type_text"] = "Must be text.",
        ["form.type_number"] = "Must be a number.",
        ["form.type_date"] = "Must be a date like 2025-03-31.",
        ["form.type_datetime"] = "Must be a date and time with its offset, like 2025-03-31T09:30:00+08:00.",
        ["form.type_bool"] = "Must be true or false.",
        ["form.type_select"] = "Must be the value of one of the options, as text.",
        ["form.type_multiselect"] = "Must be a list of option values.",
        ["form.type_person"] = "Must be a user name.",
        ["form.type_group"] = "Must be a group key.",
        ["form.type_asset"] = "Must be an asset tag.",
        ["form.type_attachment"] = "Must be the id of an uploaded attachment.",
        ["form.control_characters"] = "Control characters are not allowed.",
        ["form.too_short"] = "At least {0} characters.",
        ["form.too_long"] = "At most {0} characters.",
        ["form.number_min"] = "Must be at least {0}.",
        ["form.number_max"] = "Must be at most {0}.",
        ["form.choices_min"] = "Choose at least {0}.",
        ["form.choices_max"] = "Choose at most {0}.",
        ["form.duplicate_choice"] = "'{0}' is chosen more than once.",
        ["form.not_an_option"] = "'{0}' is not one of the options.",
        ["form.pattern"] = "Does not have the expected format.",
        ["form.pattern_timeout"] = "Could not be checked against the expected format in time; shorten the value or tell the process owner.",
        ["form.unknown_person"] = "There is no person '{0}'.",
        ["form.unknown_group"] = "There is no group '{0}'.",
        ["form.unknown_asset"] = "There is no asset '{0}'.",
        ["form.unknown_attachment"] = "There is no attachment '{0}'.",
        ["form.def.bad_id"] = "'{0}' is not a valid field id: use letters, digits and _, starting with a letter or _, at most 64 characters.",
        ["form.def.duplicate_id"] = "The field id '{0}' is used more than once.",
        ["form.def.no_options"] = "The {1} field '{0}' has no options.",
        ["form.def.duplicate_option"] = "The field '{0}' has the option '{1}' more than once.",
        ["form.def.pattern_not_allowed"] = "The field '{0}' is a {1} field; a pattern applies only to text and multiline fields.",
        ["form.def.bad_pattern"] = "The pattern of '{0}' is not a valid regular expression: {1}",
        ["form.def.limit_not_allowed"] = "The field '{0}' is a {1} field; min and max apply to text, multiline, number and multiselect fields.",
        ["form.def.negative_limit"] = "The {1} of '{0}' cannot be negative.",
        ["form.def.min_greater_than_max"] = "The min of '{0}' ({1}) is greater than its max ({2}).",
        ["form.def.bad_default_from"] = "'{1}' is not a default source for '{0}'; use requester.department, requester.manager, requester.location or requester.username.",
        ["form.def.self_reference"] = "The visibleIf of '{0}' reads the field itself.",
    };

    public static string Format(string code, IReadOnlyList<object> args) =>
        English.TryGetValue(code, out var template)
            ? string.Format(CultureInfo.InvariantCulture, template, [.. args])
            : code;
}
