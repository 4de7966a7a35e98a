using System.Text.RegularExpressions;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;

namespace Flowdesk.Processes.Forms;

/// <summary>
/// The definition-time checks of a form: ids, options, patterns, limits, defaults and the conditions
/// (they parse, read only fields of this form, and compare values of the same kind).
/// </summary>
internal static partial class FormDefinition
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex FieldId();

    public static IReadOnlyList<FormDefinitionError> Check(IReadOnlyList<FormField> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new List<FormDefinitionError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var known = ConditionPaths.With(FormValidator.Kinds(form));

        for (var index = 0; index < form.Count; index++)
        {
            var field = form[index];
            void Add(string property, string code, params object[] args) =>
                errors.Add(new FormDefinitionError(index, field.Id ?? "", property, code, args));

            if (string.IsNullOrEmpty(field.Id) || !FieldId().IsMatch(field.Id)) Add("id", "form.def.bad_id", field.Id ?? "");
            else if (!seen.Add(field.Id)) Add("id", "form.def.duplicate_id", field.Id);

            var type = field.Type.ToString().ToLowerInvariant();
            if (field.Type is FieldType.Select or FieldType.Multiselect)
            {
                if (field.Options.Count == 0) Add("options", "form.def.no_options", field.Id!, type);
                foreach (var duplicate in field.Options.GroupBy(o => o.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
                    Add("options", "form.def.duplicate_option", field.Id!, duplicate.Key);
            }

            if (!string.IsNullOrEmpty(field.Pattern))
            {
                if (field.Type is not (FieldType.Text or FieldType.Multiline)) Add("pattern", "form.def.pattern_not_allowed", field.Id!, type);
                else if (!PatternCache.TryCreate(field.Pattern, out _, out var problem)) Add("pattern", "form.def.bad_pattern", field.Id!, problem ?? "");
            }

            Limits(field, type, Add);

            if (field.DefaultFrom is { } source && !FormValidator.DefaultSources.Contains(source))
                Add("defaultFrom", "form.def.bad_default_from", field.Id!, source);
            if (field.Default is { } value && FormValidator.CheckValue(field, value) is { } bad)
                errors.Add(new FormDefinitionError(index, field.Id ?? "", "default", bad.Code, bad.Args));

            ConditionOf(index, field, "visibleIf", field.VisibleIf, known, errors);
            ConditionOf(index, field, "requiredIf", field.RequiredIf, known, errors);
        }
        return errors;
    }

    static void Limits(FormField field, string type, Action<string, string, object[]> add)
    {
        if (field.Min is null && field.Max is null) return;
        if (field.Type is not (FieldType.Text or FieldType.Multiline or FieldType.Number or FieldType.Multiselect))
        {
            add(field.Min is null ? "max" : "min", "form.def.limit_not_allowed", [field.Id, type]);
            return;
        }
        if (field.Type != FieldType.Number)
        {
            if (field.Min < 0) add("min", "form.def.negative_limit", [field.Id, "min"]);
            if (field.Max < 0) add("max", "form.def.negative_limit", [field.Id, "max"]);
        }
        if (field.Min > field.Max) add("min", "form.def.min_greater_than_max", [field.Id, field.Min!.Value, field.Max!.Value]);
    }

    static void ConditionOf(int index, FormField field, string property, string? text, IReadOnlyDictionary<string, ValueKind> known,
        List<FormDefinitionError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        var parse = Condition.Parse(text);
        if (parse.Failure is { } failure)
        {
            errors.Add(new FormDefinitionError(index, field.Id ?? "", property, failure.Code, failure.Args, failure.Column));
            return;
        }
        if (parse.Condition!.Check(known) is { } error)
        {
            errors.Add(new FormDefinitionError(index, field.Id ?? "", property, error.Code, error.Args, error.Column));
            return;
        }
        if (property == "visibleIf" && parse.Condition.Paths.Contains("form." + field.Id))
            errors.Add(new FormDefinitionError(index, field.Id ?? "", property, "form.def.self_reference", [field.Id ?? ""]));
    }
}
