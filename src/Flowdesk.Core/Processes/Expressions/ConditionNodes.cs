namespace Flowdesk.Processes.Expressions;

/// <summary>The kind of an operand as far as the check can tell; Any when a path's kind is not known.</summary>
internal enum StaticKind { Any, Null, String, Number, Bool, Date, List }

internal abstract class ConditionNode(string source, int column)
{
    /// <summary>The node's text in the condition, for error messages.</summary>
    public string Source { get; } = source;
    public int Column { get; } = column;

    public abstract ConditionValue Evaluate(IConditionScope scope);

    /// <summary>The node's kind; sets <paramref name="error"/> on the first type error found.</summary>
    public abstract StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error);

    internal static string Describe(StaticKind kind) => kind switch
    {
        StaticKind.String => "text",
        StaticKind.Number => "number",
        StaticKind.Bool => "true/false",
        StaticKind.Date => "date",
        StaticKind.List => "list",
        StaticKind.Null => "null",
        StaticKind.Any => "any",
        _ => "any",
    };

    internal static StaticKind From(ValueKind kind) => kind switch
    {
        ValueKind.Text => StaticKind.String,
        ValueKind.Number => StaticKind.Number,
        ValueKind.Bool => StaticKind.Bool,
        ValueKind.Date => StaticKind.Date,
        ValueKind.List => StaticKind.List,
        _ => StaticKind.Any,
    };
}

internal sealed class LiteralNode(ConditionValue value, string source, int column) : ConditionNode(source, column)
{
    public ConditionValue Value { get; } = value;

    public override ConditionValue Evaluate(IConditionScope scope) => Value;

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error) => KindOf(Value);

    internal static StaticKind KindOf(ConditionValue value) => value.Kind switch
    {
        Kind.Null => StaticKind.Null,
        Kind.String => StaticKind.String,
        Kind.Number => StaticKind.Number,
        Kind.Bool => StaticKind.Bool,
        Kind.List => StaticKind.List,
        Kind.Other => StaticKind.Any,
        _ => StaticKind.Any,
    };
}

internal sealed class ListNode(IReadOnlyList<LiteralNode> items, string source, int column) : ConditionNode(source, column)
{
    private readonly ConditionValue value = new(Kind.List, Items: [.. items.Select(i => i.Value)]);

    public IReadOnlyList<LiteralNode> Items { get; } = items;

    public override ConditionValue Evaluate(IConditionScope scope) => value;

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error) => StaticKind.List;
}

internal sealed class PathNode(string path, int column) : ConditionNode(path, column)
{
    public string Path { get; } = path;

    public override ConditionValue Evaluate(IConditionScope scope)
    {
        try
        {
            return ConditionValue.FromJson(scope.Resolve(Path));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException)
        {
            // A scope that cannot answer is a missing value, never a failed evaluation.
            return ConditionValue.Null;
        }
    }

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error)
    {
        if (known.TryGetValue(Path, out var kind)) return From(kind);
        if (Path.StartsWith("form.", StringComparison.Ordinal))
            error ??= new ConditionError("condition.unknown_field", [Path, Column], Column);
        return StaticKind.Any;
    }
}

internal sealed class NotNode(ConditionNode operand, string source, int column) : ConditionNode(source, column)
{
    public override ConditionValue Evaluate(IConditionScope scope) => ConditionValue.Of(!operand.Evaluate(scope).IsTruthy);

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error)
    {
        operand.Check(known, ref error);
        return StaticKind.Bool;
    }
}

/// <summary>a &amp;&amp; b &amp;&amp; … (All) or a || b || … (!All), flat so long chains do not nest.</summary>
internal sealed class LogicalNode(bool all, IReadOnlyList<ConditionNode> operands, string source, int column) : ConditionNode(source, column)
{
    public override ConditionValue Evaluate(IConditionScope scope)
    {
        foreach (var operand in operands)
            if (operand.Evaluate(scope).IsTruthy != all) return ConditionValue.Of(!all);
        return ConditionValue.Of(all);
    }

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error)
    {
        foreach (var operand in operands)
        {
            operand.Check(known, ref error);
            if (error is not null) break;
        }
        return StaticKind.Bool;
    }
}

internal sealed class CompareNode(string op, ConditionNode left, ConditionNode right, string source, int column) : ConditionNode(source, column)
{
    public string Operator { get; } = op;

    public override ConditionValue Evaluate(IConditionScope scope)
    {
        var a = left.Evaluate(scope);
        var b = right.Evaluate(scope);
        return ConditionValue.Of(Operator switch
        {
            "==" => ConditionValue.AreEqual(a, b) == true,
            "!=" => ConditionValue.AreEqual(a, b) == false,
            "<" => a.Kind != Kind.Null && ConditionValue.CompareOrder(a, b) < 0,
            "<=" => a.Kind != Kind.Null && ConditionValue.CompareOrder(a, b) <= 0,
            ">" => a.Kind != Kind.Null && ConditionValue.CompareOrder(a, b) > 0,
            ">=" => a.Kind != Kind.Null && ConditionValue.CompareOrder(a, b) >= 0,
            "in" => In(a, b),
            "contains" => Contains(a, b),
            _ => false,
        });
    }

    private static bool In(ConditionValue item, ConditionValue list) =>
        item.Kind != Kind.Null && list.Kind == Kind.List && list.Items!.Any(e => ConditionValue.AreEqual(item, e) == true);

    private static bool Contains(ConditionValue whole, ConditionValue part) => whole.Kind switch
    {
        Kind.String => part.Kind == Kind.String && whole.Text!.Contains(part.Text!, StringComparison.OrdinalIgnoreCase),
        Kind.List => part.Kind != Kind.Null && whole.Items!.Any(e => ConditionValue.AreEqual(e, part) == true),
        _ => false,
    };

    public override StaticKind Check(IReadOnlyDictionary<string, ValueKind> known, ref ConditionError? error)
    {
        var a = left.Check(known, ref error);
        if (error is not null) return StaticKind.Bool;
        var b = right.Check(known, ref error);
        if (error is not null) return StaticKind.Bool;
        error = Operator switch
        {
            "==" or "!=" => Comparable(left, a, right, b),
            "<" or "<=" or ">" or ">=" => Ordered(a, b),
            "in" => CheckIn(a, b),
            "contains" => CheckContains(a, b),
            _ => null,
        };
        return StaticKind.Bool;
    }

    private ConditionError? Comparable(ConditionNode x, StaticKind a, ConditionNode y, StaticKind b)
    {
        if (a == StaticKind.Any || b == StaticKind.Any || a == StaticKind.Null || b == StaticKind.Null) return null;
        if (a == StaticKind.Date && b == StaticKind.String) return DateLiteral(y);
        if (b == StaticKind.Date && a == StaticKind.String) return DateLiteral(x);
        return a == b ? null : Mismatch(x, a, y, b);
    }

    private ConditionError? Ordered(StaticKind a, StaticKind b)
    {
        foreach (var (node, kind) in new[] { (left, a), (right, b) })
            if (kind is StaticKind.Bool or StaticKind.List or StaticKind.Null)
                return new ConditionError("condition.not_ordered", [Operator, Column, node.Source, Describe(kind)], Column);
        return Comparable(left, a, right, b);
    }

    private ConditionError? CheckIn(StaticKind a, StaticKind b)
    {
        if (a == StaticKind.List)
            return new ConditionError("condition.in_left_list", [Column, left.Source], Column);
        if (b is not (StaticKind.List or StaticKind.Any))
            return new ConditionError("condition.in_needs_list", [Column, right.Source, Describe(b)], Column);
        if (right is ListNode list)
            foreach (var item in list.Items)
                if (Comparable(left, a, item, LiteralNode.KindOf(item.Value)) is { } error) return error;
        return null;
    }

    private ConditionError? CheckContains(StaticKind a, StaticKind b)
    {
        switch (a)
        {
            case StaticKind.String:
                return b is StaticKind.String or StaticKind.Date or StaticKind.Any or StaticKind.Null ? null : Mismatch(left, a, right, b);
            case StaticKind.List:
                return b == StaticKind.List ? Mismatch(left, a, right, b) : null;
            case StaticKind.Any:
                return null;
            default:
                return new ConditionError("condition.contains_needs", [Column, left.Source, Describe(a)], Column);
        }
    }

    private static ConditionError? DateLiteral(ConditionNode node) =>
        node is LiteralNode { Value.Kind: Kind.String } literal && !Instants.TryParse(literal.Value.Text!, out _)
            ? new ConditionError("condition.not_a_date", [literal.Value.Text!, literal.Column], literal.Column)
            : null;

    private ConditionError Mismatch(ConditionNode x, StaticKind a, ConditionNode y, StaticKind b) =>
        new("condition.type_mismatch", [x.Source, Describe(a), y.Source, Describe(b), Operator, Column], Column);
}
