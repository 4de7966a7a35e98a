using Flowdesk.Processes.Expressions;

namespace Flowdesk.Tests.Processes.Expressions;

public sealed class ConditionParseTests
{
    public static TheoryData<string> Valid => new()
    {
        "form.laptop_model == 'developer'",
        "form.needs_laptop",
        "ticket.priority in ['p1', 'p2'] && requester.department != 'Finance'",
        "form.amount > 5000",
        "form.amount >= -12.5e2",
        "!(form.a || form.b) && !form.c",
        "approval.decision == \"approved\"",
        "tasks.open == 0",
        "form.tags contains 'vpn'",
        "'vpn' in form.tags",
        "form.x in []",
        "form.x in [null, true, false, 1, 'a', \"b\"]",
        "form.note == 'it\\'s \\\"quoted\\\" \\\\ \\n \\t \\r \\u4e2d'",
        "  form.a  ==  'x'  ",
        "true",
        "ticket.custom.nested_path == 1",
        "(form.a > 1) == true",
        "form.a == 1 && form.b == 2 && form.c == 3 && form.d == 4",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidCondition_Succeeds(string text)
    {
        var parse = Condition.Parse(text);

        Assert.True(parse.Ok, parse.Error);
        Assert.Null(parse.Failure);
        Assert.Equal(text, parse.Condition!.Text);
    }

    public static TheoryData<string, string, int> Invalid => new()
    {
        { "", "condition.empty", 0 },
        { "   ", "condition.empty", 0 },
        { "form.amount == ", "condition.expected_value", 16 },
        { "form.amount == )", "condition.expected_value", 16 },
        { "form.a ||", "condition.expected_value", 10 },
        { "!", "condition.expected_value", 2 },
        { "&& form.a", "condition.expected_condition", 1 },
        { "(form.a == 'x'", "condition.expected_close_paren", 15 },
        { "(form.a == 'x' form.b)", "condition.expected_close_paren", 16 },
        { "form.a == 'x')", "condition.unmatched_close_paren", 14 },
        { "form.a = 'x'", "condition.use_instead", 8 },
        { "form.a == 'x' and form.b", "condition.use_instead", 15 },
        { "not form.a", "condition.use_instead", 1 },
        { "form.a & form.b", "condition.use_instead", 8 },
        { "form.a | form.b", "condition.use_instead", 8 },
        { "form.a == 'x", "condition.unterminated_string", 11 },
        { "form.a == \"x'", "condition.unterminated_string", 11 },
        { "form.a == 'x\\q'", "condition.bad_escape", 13 },
        { "form.a == 'x\\u12'", "condition.bad_escape", 13 },
        { "form.a > 12abc", "condition.bad_number", 10 },
        { "form.a > 1.2.3", "condition.bad_number", 10 },
        { "form.a > 1.", "condition.bad_number", 10 },
        { "user.name == 'x'", "condition.unknown_root", 1 },
        { "Form.name == 'x'", "condition.unknown_root", 1 },
        { "form.a == other", "condition.unknown_root", 11 },
        { "form == 'x'", "condition.expected_field", 5 },
        { "form. == 'x'", "condition.expected_field", 6 },
        { "form.a == 'x' form.b", "condition.expected_end", 15 },
        { "form.a == 'x' == 'y'", "condition.expected_end", 15 },
        { "form.a in 'x'", "condition.expected_list", 11 },
        { "form.a in [form.b]", "condition.expected_list_item", 12 },
        { "form.a in [['a']]", "condition.expected_list_item", 12 },
        { "form.a in ['a' 'b']", "condition.expected_list_end", 16 },
        { "form.a in ['a',", "condition.expected_list_item", 16 },
        { "form.a == #", "condition.unexpected_character", 11 },
        { "form.a matches 'x'", "condition.expected_end", 8 },
        { "form.a == 'x' && (form.b || )", "condition.expected_value", 29 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidCondition_NamesCodeAndColumn(string text, string code, int column)
    {
        var parse = Condition.Parse(text);

        Assert.False(parse.Ok);
        Assert.Equal(code, parse.Failure!.Code);
        Assert.Equal(column, parse.Column);
        Assert.Equal(column, parse.Failure.Column);
        Assert.Equal(parse.Failure.Message, parse.Error);
        Assert.DoesNotContain("{", parse.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingValue_SaysWhatWasExpectedAndWhere()
    {
        var parse = Condition.Parse("ticket.priority == ");

        Assert.Equal("Expected a value after '==' at column 20.", parse.Error);
        Assert.Equal(["==", 20], parse.Failure!.Args);
    }

    [Fact]
    public void Parse_LongerThanLimit_IsRefused()
    {
        var text = "form.a == '" + new string('x', Condition.MaxLength) + "'";

        var parse = Condition.Parse(text);

        Assert.Equal("condition.too_long", parse.Failure!.Code);
    }

    [Fact]
    public void Parse_AtLimit_Succeeds()
    {
        var text = "form.a == '" + new string('x', Condition.MaxLength - 12) + "'";

        Assert.Equal(Condition.MaxLength, text.Length);
        Assert.True(Condition.Parse(text).Ok);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("!(", ")")]
    public void Parse_NestingAtLimit_Succeeds(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, Condition.MaxDepth / open.Length)) + "form.a"
            + string.Concat(Enumerable.Repeat(close, Condition.MaxDepth / open.Length));

        Assert.True(Condition.Parse(text).Ok, Condition.Parse(text).Error);
    }

    [Theory]
    [InlineData("(", ")", 33)]
    [InlineData("!", "", 33)]
    public void Parse_NestingBeyondLimit_IsRefusedAtTheLevelThatOverflows(string open, string close, int column)
    {
        var text = string.Concat(Enumerable.Repeat(open, Condition.MaxDepth + 1)) + "form.a"
            + string.Concat(Enumerable.Repeat(close, Condition.MaxDepth + 1));

        var parse = Condition.Parse(text);

        Assert.Equal("condition.too_deep", parse.Failure!.Code);
        Assert.Equal(column, parse.Column);
    }

    [Fact]
    public void Parse_ThousandsOfOpeningBrackets_FailsWithoutStackOverflow()
    {
        var parse = Condition.Parse(new string('(', Condition.MaxLength));

        Assert.Equal("condition.too_deep", parse.Failure!.Code);
    }

    [Fact]
    public void Paths_ListsEveryPathOnceInOrder()
    {
        var condition = Condition.Parse("form.b == form.a || form.b && ticket.priority in ['p1'] && 'x' in form.tags").Condition!;

        Assert.Equal(["form.b", "form.a", "ticket.priority", "form.tags"], condition.Paths);
    }

    [Fact]
    public void Paths_InsideStrings_AreNotPaths()
    {
        var condition = Condition.Parse("form.a == 'form.b'").Condition!;

        Assert.Equal(["form.a"], condition.Paths);
    }
}
