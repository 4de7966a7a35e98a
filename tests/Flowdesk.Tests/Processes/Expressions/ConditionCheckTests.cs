using Flowdesk.Processes.Expressions;

namespace Flowdesk.Tests.Processes.Expressions;

public sealed class ConditionCheckTests
{
    static readonly IReadOnlyDictionary<string, ValueKind> Known = ConditionPaths.With(new Dictionary<string, ValueKind>
    {
        ["form.amount"] = ValueKind.Number,
        ["form.model"] = ValueKind.Text,
        ["form.needs_laptop"] = ValueKind.Bool,
        ["form.tags"] = ValueKind.List,
        ["form.start"] = ValueKind.Date,
        ["form.note"] = ValueKind.Text,
    });

    public static TheoryData<string, string?, int> Table => new()
    {
        { "form.amount > 5000", null, 0 },
        { "form.amount > 'abc'", "condition.type_mismatch", 13 },
        { "form.amount == '5000'", "condition.type_mismatch", 13 },
        { "'5000' != form.amount", "condition.type_mismatch", 8 },
        { "form.model == 5", "condition.type_mismatch", 12 },
        { "form.model == form.amount", "condition.type_mismatch", 12 },
        { "form.amount > form.start", "condition.type_mismatch", 13 },
        { "form.needs_laptop == 'yes'", "condition.type_mismatch", 19 },
        { "form.needs_laptop > 1", "condition.not_ordered", 19 },
        { "form.tags < 1", "condition.not_ordered", 11 },
        { "form.amount > null", "condition.not_ordered", 13 },
        { "form.tags == 'vpn'", "condition.type_mismatch", 11 },
        { "form.tags == ['vpn']", null, 0 },
        { "form.tags contains 'vpn'", null, 0 },
        { "form.note contains 'vpn'", null, 0 },
        { "form.note contains 5", "condition.type_mismatch", 11 },
        { "form.amount contains 5", "condition.contains_needs", 13 },
        { "form.tags in ['a']", "condition.in_left_list", 11 },
        { "form.model in form.amount", "condition.in_needs_list", 12 },
        { "form.model in form.tags", null, 0 },
        { "form.model in ['a', 'b']", null, 0 },
        { "form.model in ['a', 1]", "condition.type_mismatch", 12 },
        { "form.amount in [1, 2, null]", null, 0 },
        { "form.start < '2025-04-01'", null, 0 },
        { "form.start < '2025-04-01T08:00:00+08:00'", null, 0 },
        { "form.start < 'tomorrow'", "condition.not_a_date", 14 },
        { "'31/03/2025' == form.start", "condition.not_a_date", 1 },
        { "form.start == form.model", null, 0 },
        { "form.unknown == 'x'", "condition.unknown_field", 1 },
        { "!form.unknown", "condition.unknown_field", 2 },
        { "form.model == 'x' || form.other", "condition.unknown_field", 22 },
        { "ticket.priority == 'p1'", null, 0 },
        { "ticket.priority == 1", "condition.type_mismatch", 17 },
        { "tasks.open > 'x'", "condition.type_mismatch", 12 },
        { "tasks.open > 0", null, 0 },
        { "ticket.whatever == 5", null, 0 },
        { "form.model == null", null, 0 },
        { "form.needs_laptop && form.amount > 1", null, 0 },
        { "(form.amount > 1) == true", null, 0 },
        { "(form.amount > 1) == 'yes'", "condition.type_mismatch", 19 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Check_AgainstKnownKinds_FindsTypeErrors(string text, string? code, int column)
    {
        var condition = Condition.Parse(text).Condition!;

        var error = condition.Check(Known);

        Assert.Equal(code, error?.Code);
        Assert.Equal(column, error?.Column ?? 0);
    }

    [Fact]
    public void Check_Mismatch_NamesBothSidesTheirKindsAndTheOperator()
    {
        var error = Condition.Parse("form.amount > 'abc'").Condition!.Check(Known)!;

        Assert.Equal("Cannot compare form.amount (number) with 'abc' (text) using '>' at column 13.", error.Message);
    }
}
