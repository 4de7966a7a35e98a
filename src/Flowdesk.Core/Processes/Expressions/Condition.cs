using System.Globalization;
using System.Text.Json.Nodes;

namespace Flowdesk.Processes.Expressions;

/// <summary>
/// The condition language of process documents (visible_if, required_if, approval `when`, task `when`,
/// rule `when`): a small, typed expression over ticket fields and form values, with no way to run code.
/// Examples: <c>form.laptop_model == 'developer'</c>, <c>form.needs_laptop</c>,
/// <c>ticket.priority in ['p1', 'p2'] &amp;&amp; requester.department != 'Finance'</c>, <c>form.amount &gt; 5000</c>.
/// </summary>
/// <remarks>
/// <para>Grammar (lowest precedence first; at most <see cref="MaxLength"/> characters and <see cref="MaxDepth"/>
/// levels of <c>( )</c>, <c>!</c> and <c>[ ]</c>):</para>
/// <code>
/// or         := and ( '||' and )*
/// and        := unary ( '&amp;&amp;' unary )*
/// unary      := '!' unary | comparison            // !form.a == 'x' means !(form.a == 'x')
/// comparison := operand ( ('=='|'!='|'&lt;'|'&lt;='|'&gt;'|'&gt;='|'contains') operand | 'in' (list | path) )?
/// operand    := string | number | true | false | null | list | path | '(' or ')'
/// list       := '[' ( scalar ( ',' scalar )* )? ']'   // scalars only: string, number, true, false, null
/// path       := root ( '.' identifier )+          // root: form, ticket, requester, approval, tasks
/// </code>
/// <para>Strings are 'single' or "double" quoted with the escapes \' \" \\ \n \t \r \uXXXX; numbers use the
/// invariant culture (<c>-12.5</c>, <c>1e3</c>). An operand on its own is "truthy": true, a non-empty string,
/// a non-zero number or a non-empty list.</para>
/// <para>Evaluation never throws. A missing value is null: null equals only null, and every ordering,
/// <c>in</c> and <c>contains</c> with null is false. Values of different kinds (text against a number)
/// are not comparable: every comparison between them, <c>!=</c> included, is false. Strings compare ordinally,
/// except that two ISO dates or date-times (<c>2025-03-31</c>, <c>2025-03-31T09:00:00+08:00</c>) compare as
/// instants (a date is midnight UTC); <c>contains</c> on text ignores case.</para>
/// <para>Errors (parse and <see cref="Check"/>) are <see cref="ConditionError"/>s: a localisation key in
/// Messages.resx (<c>condition.*</c>), its arguments and the 1-based column; <see cref="ConditionError.Message"/>
/// is the English text for logs and the CLI. The API shows <c>localizer.Text(error.Code, [.. error.Args])</c>.</para>
/// </remarks>
public sealed class Condition
{
    public const int MaxLength = 1000;
    public const int MaxDepth = 32;

    /// <summary>The roots a path may start with.</summary>
    public static readonly IReadOnlyList<string> Roots = ["form", "ticket", "requester", "approval", "tasks"];

    private readonly ConditionNode root;

    internal Condition(string text, ConditionNode root, IReadOnlyList<string> paths)
    {
        Text = text;
        this.root = root;
        Paths = paths;
    }

    public string Text { get; }

    /// <summary>The paths the condition reads, each once, in order of appearance (e.g. "form.amount").</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Parses a condition; a failure carries a message a process owner can act on and the column.</summary>
    public static ConditionParse Parse(string text) => ConditionParser.Parse(text);

    /// <summary>Evaluates against the values a ticket offers; a missing value is null, and null compares false.</summary>
    public bool Evaluate(IConditionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return root.Evaluate(scope).IsTruthy;
    }

    /// <summary>
    /// Checks the condition against the kinds of the paths it reads, e.g. "form.amount" → Number.
    /// A <c>form.*</c> path missing from <paramref name="known"/> is an error (not a field of the form);
    /// other paths missing from it are of unknown kind and pass. Returns the first error, or null.
    /// See <see cref="ConditionPaths.Builtin"/> for the kinds of ticket, requester, approval and task paths.
    /// </summary>
    public ConditionError? Check(IReadOnlyDictionary<string, ValueKind> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        ConditionError? error = null;
        root.Check(known, ref error);
        return error;
    }

    public override string ToString() => Text;
}

public sealed record ConditionParse(Condition? Condition, string? Error, int Column)
{
    public bool Ok => Condition is not null;

    /// <summary>The failure with its localisation key and arguments; null when the condition parsed.</summary>
    public ConditionError? Failure { get; init; }

    internal static ConditionParse Fail(ConditionError failure) => new(null, failure.Message, failure.Column) { Failure = failure };
}

/// <summary>
/// A parse or type error in a condition: <see cref="Code"/> is the key in Messages.resx (condition.*),
/// <see cref="Args"/> fill its placeholders, <see cref="Column"/> is 1-based (0 when it has none).
/// </summary>
public sealed record ConditionError(string Code, IReadOnlyList<object> Args, int Column)
{
    /// <summary>The English text, e.g. "Expected a value after '==' at column 18."</summary>
    public string Message => ConditionMessages.Format(Code, Args);

    public override string ToString() => Message;
}

/// <summary>The kind of a value a path holds, for <see cref="Condition.Check"/>.</summary>
public enum ValueKind
{
    /// <summary>A string: text, select, person, group, asset, attachment.</summary>
    Text = 1,
    Number = 2,
    Bool = 3,
    /// <summary>A string holding an ISO date (yyyy-MM-dd) or date-time with offset; compared as instants.</summary>
    Date = 4,
    List = 5,
}

/// <summary>What a condition can read: "form.x", "ticket.priority", "requester.department" …</summary>
public interface IConditionScope
{
    /// <summary>The value at a dotted path, as a JSON node (string, number, bool, array) or null when absent.</summary>
    JsonNode? Resolve(string path);
}

/// <summary>Kinds of the paths the engine offers besides form fields, for <see cref="Condition.Check"/>.</summary>
public static class ConditionPaths
{
    public static readonly IReadOnlyDictionary<string, ValueKind> Builtin = new Dictionary<string, ValueKind>
    {
        ["ticket.priority"] = ValueKind.Text,
        ["ticket.status"] = ValueKind.Text,
        ["ticket.impact"] = ValueKind.Text,
        ["ticket.urgency"] = ValueKind.Text,
        ["ticket.category"] = ValueKind.Text,
        ["ticket.service"] = ValueKind.Text,
        ["ticket.desk"] = ValueKind.Text,
        ["ticket.kind"] = ValueKind.Text,
        ["ticket.group"] = ValueKind.Text,
        ["ticket.assignee"] = ValueKind.Text,
        ["requester.username"] = ValueKind.Text,
        ["requester.department"] = ValueKind.Text,
        ["requester.location"] = ValueKind.Text,
        ["requester.manager"] = ValueKind.Text,
        ["approval.decision"] = ValueKind.Text,
        ["approval.stage"] = ValueKind.Text,
        ["tasks.open"] = ValueKind.Number,
        ["tasks.done"] = ValueKind.Number,
    };

    /// <summary>The builtin kinds plus the given ones (form fields), the given ones winning.</summary>
    public static IReadOnlyDictionary<string, ValueKind> With(IEnumerable<KeyValuePair<string, ValueKind>> more)
    {
        var all = new Dictionary<string, ValueKind>(Builtin, StringComparer.Ordinal);
        foreach (var (path, kind) in more) all[path] = kind;
        return all;
    }
}

/// <summary>A scope over fixed values: a path → value map and, optionally, the form's values under "form.".</summary>
public sealed class ConditionValues(IReadOnlyDictionary<string, JsonNode?>? values = null, JsonObject? form = null) : IConditionScope
{
    public JsonNode? Resolve(string path)
    {
        if (form is not null && path.StartsWith("form.", StringComparison.Ordinal))
            return form.TryGetPropertyValue(path["form.".Length..], out var node) ? node : null;
        return values is not null && values.TryGetValue(path, out var value) ? value : null;
    }
}

internal static class ConditionMessages
{
    // The English texts of Messages.resx for the condition.* keys; a test keeps the two in step.
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>
    {
        ["condition.empty"] = "The condition is empty.",
        ["condition.too_long"] = "The condition is longer than {0} characters.",
        ["condition.too_deep"] = "The condition nests deeper than {0} levels at column {1}.",
        ["condition.expected_condition"] = "Expected a condition at column {0}.",
        ["condition.expected_value"] = "Expected a value after '{0}' at column {1}.",
        ["condition.expected_end"] = "Expected '&&', '||' or the end of the condition at column {0}, found '{1}'.",
        ["condition.expected_close_paren"] = "Expected ')' to close the '(' at column {0}, found '{1}' at column {2}.",
        ["condition.unmatched_close_paren"] = "There is no '(' for the ')' at column {0}.",
        ["condition.expected_list"] = "Expected a list like ['a', 'b'] or a path after 'in' at column {0}.",
        ["condition.expected_list_item"] = "Expected a string, number, true, false or null in the list at column {0}.",
        ["condition.expected_list_end"] = "Expected ',' or ']' in the list at column {0}.",
        ["condition.unterminated_string"] = "The string that starts at column {0} is not closed.",
        ["condition.bad_escape"] = "Unknown escape '{0}' at column {1}; use \\' \\\" \\\\ \\n \\t \\r or \\uXXXX.",
        ["condition.bad_number"] = "'{0}' at column {1} is not a number.",
        ["condition.unknown_root"] = "'{0}' at column {1} is not something a condition can read; paths start with form., ticket., requester., approval. or tasks.",
        ["condition.expected_field"] = "Expected a field name after '{0}.' at column {1}.",
        ["condition.use_instead"] = "Use '{0}' instead of '{1}' at column {2}.",
        ["condition.unexpected_character"] = "Unexpected character '{0}' at column {1}.",
        ["condition.unknown_field"] = "'{0}' at column {1} is not a field of this form.",
        ["condition.type_mismatch"] = "Cannot compare {0} ({1}) with {2} ({3}) using '{4}' at column {5}.",
        ["condition.not_ordered"] = "'{0}' at column {1} cannot order {2} ({3}); it orders numbers, dates and text.",
        ["condition.in_needs_list"] = "'in' at column {0} needs a list on the right, but {1} is {2}.",
        ["condition.in_left_list"] = "'in' at column {0} needs a single value on the left, but {1} is a list; use 'contains'.",
        ["condition.contains_needs"] = "'contains' at column {0} needs text or a list on the left, but {1} is {2}.",
        ["condition.not_a_date"] = "'{0}' at column {1} is not a date (2025-03-31) or a date-time with offset (2025-03-31T09:00:00+08:00).",
    };

    public static string Format(string code, IReadOnlyList<object> args) =>
        English.TryGetValue(code, out var template)
            ? string.Format(CultureInfo.InvariantCulture, template, [.. args])
            : code;
}
