using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Forms;
using static Flowdesk.Tests.Processes.Forms.FormFixtures;

namespace Flowdesk.Tests.Processes.Forms;

public sealed class FormDefinitionTests
{
    static readonly FormField Amount = Field("amount", FieldType.Number);
    static readonly FormField Model = Field("model", FieldType.Select, "standard", "developer");

    public static TheoryData<string, FormField, string, string, int> Problems => new()
    {
        // case, the field added after amount and model, property, code, column
        { "bad id", Field("my-field", FieldType.Text), "id", "form.def.bad_id", 0 },
        { "empty id", Field("", FieldType.Text), "id", "form.def.bad_id", 0 },
        { "duplicate id", Field("amount", FieldType.Text), "id", "form.def.duplicate_id", 0 },
        { "select without options", Field("tier", FieldType.Select), "options", "form.def.no_options", 0 },
        { "multiselect without options", Field("tags", FieldType.Multiselect), "options", "form.def.no_options", 0 },
        { "duplicate option", Field("tier", FieldType.Select, "a", "b", "a"), "options", "form.def.duplicate_option", 0 },
        { "pattern does not compile", Field("code", FieldType.Text) with { Pattern = "([a-z" }, "pattern", "form.def.bad_pattern", 0 },
        { "pattern only valid once wrapped", Field("code", FieldType.Text) with { Pattern = "a)|(b" }, "pattern", "form.def.bad_pattern", 0 },
        { "pattern too long", Field("code", FieldType.Text) with { Pattern = new string('a', 501) }, "pattern", "form.def.bad_pattern", 0 },
        { "pattern on a number", Field("count", FieldType.Number) with { Pattern = "\\d+" }, "pattern", "form.def.pattern_not_allowed", 0 },
        { "min greater than max", Field("name", FieldType.Text) with { Min = 10, Max = 5 }, "min", "form.def.min_greater_than_max", 0 },
        { "number min greater than max", Field("count", FieldType.Number) with { Min = 1, Max = 0 }, "min", "form.def.min_greater_than_max", 0 },
        { "negative length", Field("name", FieldType.Text) with { Min = -1 }, "min", "form.def.negative_limit", 0 },
        { "limit on a bool", Field("flag", FieldType.Bool) with { Max = 1 }, "max", "form.def.limit_not_allowed", 0 },
        { "visibleIf does not parse", Field("why", FieldType.Text) with { VisibleIf = "form.amount > " }, "visibleIf", "condition.expected_value", 15 },
        { "requiredIf does not parse", Field("why", FieldType.Text) with { RequiredIf = "form.amount >> 5" }, "requiredIf", "condition.expected_value", 14 },
        { "visibleIf reads an unknown field", Field("why", FieldType.Text) with { VisibleIf = "form.cost > 5" }, "visibleIf", "condition.unknown_field", 1 },
        { "requiredIf mismatches types", Field("why", FieldType.Text) with { RequiredIf = "form.amount > 'lots'" }, "requiredIf", "condition.type_mismatch", 13 },
        { "visibleIf mismatches an option", Field("why", FieldType.Text) with { VisibleIf = "form.model == 1" }, "visibleIf", "condition.type_mismatch", 12 },
        { "visibleIf reads itself", Field("why", FieldType.Text) with { VisibleIf = "form.why != ''" }, "visibleIf", "form.def.self_reference", 0 },
        { "default of the wrong type", Field("count", FieldType.Number) with { Default = "5" }, "default", "form.type_number", 0 },
        { "default not an option", Field("tier", FieldType.Select, "a", "b") with { Default = "c" }, "default", "form.not_an_option", 0 },
        { "default source unknown", Field("mail", FieldType.Text) with { DefaultFrom = "requester.email" }, "defaultFrom", "form.def.bad_default_from", 0 },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void CheckDefinition_FindsTheProblemAndWhereItIs(string @case, FormField field, string property, string code, int column)
    {
        var errors = FormValidator.CheckDefinition([Amount, Model, field]);

        var error = Assert.Single(errors);
        Assert.Equal(2, error.Index);
        Assert.Equal(property, error.Property);
        Assert.Equal($"/form/2/{property}", error.Path);
        Assert.Equal(code, error.Code);
        Assert.Equal(column, error.Column);
        Assert.DoesNotContain("{", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(error.Code, error.Message);
    }

    [Fact]
    public void CheckDefinition_SoundForm_HasNoErrors()
    {
        FormField[] form =
        [
            Field("kind", FieldType.Select, "laptop", "monitor") with { Required = true, Default = "laptop" },
            Field("model", FieldType.Select, "standard", "developer") with { VisibleIf = "form.kind == 'laptop'" },
            Field("justification", FieldType.Multiline) with { VisibleIf = "form.model == 'developer'", Min = 10, Max = 2000 },
            Field("amount", FieldType.Number) with { Min = -5, Max = 5000 },
            Field("note", FieldType.Text) with { RequiredIf = "form.amount > 1000 || ticket.priority in ['p1']", Pattern = "[A-Z]{3}-\\d+" },
            Field("start", FieldType.Date) with { VisibleIf = "requester.department == 'Engineering'" },
            Field("until", FieldType.Datetime) with { RequiredIf = "form.start > '2025-01-01'" },
            Field("tags", FieldType.Multiselect, "vpn", "mail") with { Min = 1, Max = 2, VisibleIf = "form.amount > 0" },
            Field("vpn_reason", FieldType.Text) with { VisibleIf = "form.tags contains 'vpn'" },
            Field("manager", FieldType.Person) with { DefaultFrom = "requester.manager" },
            Field("laptop", FieldType.Bool) with { Default = false },
            Field("dock", FieldType.Bool) with { VisibleIf = "form.laptop" },
            Field("file", FieldType.Attachment),
            Field("group", FieldType.Group),
            Field("asset", FieldType.Asset) with { VisibleIf = "!form.laptop" },
        ];

        Assert.Empty(FormValidator.CheckDefinition(form));
    }

    [Fact]
    public void CheckDefinition_BadPattern_SaysWhyForTheProcessOwner()
    {
        var error = Assert.Single(FormValidator.CheckDefinition([Field("code", FieldType.Text) with { Pattern = "([a-z" }]));

        Assert.StartsWith("The pattern of 'code' is not a valid regular expression: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDefinition_ReportsEveryProblem()
    {
        FormField[] form =
        [
            Field("a", FieldType.Select),
            Field("a", FieldType.Text) with { VisibleIf = "form.b ==" },
        ];

        var errors = FormValidator.CheckDefinition(form);

        Assert.Equal(["form.def.no_options", "form.def.duplicate_id", "condition.expected_value"], errors.Select(e => e.Code).ToArray());
    }
}
