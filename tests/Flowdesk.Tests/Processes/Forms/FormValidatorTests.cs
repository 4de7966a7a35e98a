using System.Text.Json.Nodes;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;
using static Flowdesk.Tests.Processes.Forms.FormFixtures;

namespace Flowdesk.Tests.Processes.Forms;

public sealed class FormValidatorTests
{
    static FormField FieldOf(FieldType type) => type switch
    {
        FieldType.Select => Field("value", type, "standard", "developer"),
        FieldType.Multiselect => Field("value", type, "vpn", "mail", "wifi-guest"),
        _ => Field("value", type),
    };

    public static TheoryData<FieldType, string, string?> EveryType => new()
    {
        { FieldType.Text, "\"hello 你好\"", null },
        { FieldType.Text, "5", "form.type_text" },
        { FieldType.Text, "true", "form.type_text" },
        { FieldType.Text, "[\"a\"]", "form.type_text" },
        { FieldType.Text, "\"a\\u0001b\"", "form.control_characters" },
        { FieldType.Text, "\"line\\nbreak\"", "form.control_characters" },
        { FieldType.Text, "\"" + new string('x', 1001) + "\"", "form.too_long" },
        { FieldType.Multiline, "\"line\\nbreak\\r\\n\\tindented\"", null },
        { FieldType.Multiline, "\"bell\\u0007\"", "form.control_characters" },
        { FieldType.Multiline, "5", "form.type_text" },
        { FieldType.Multiline, "\"" + new string('x', 20_001) + "\"", "form.too_long" },
        { FieldType.Number, "5", null },
        { FieldType.Number, "-3.25", null },
        { FieldType.Number, "1e3", null },
        { FieldType.Number, "\"5\"", "form.type_number" },
        { FieldType.Number, "true", "form.type_number" },
        { FieldType.Number, "1e400", "form.type_number" },
        { FieldType.Date, "\"2025-03-31\"", null },
        { FieldType.Date, "\"2024-02-29\"", null },
        { FieldType.Date, "\"2025-02-29\"", "form.type_date" },
        { FieldType.Date, "\"31/03/2025\"", "form.type_date" },
        { FieldType.Date, "\"2025-03-31T09:00:00+08:00\"", "form.type_date" },
        { FieldType.Date, "20250331", "form.type_date" },
        { FieldType.Datetime, "\"2025-03-31T09:30:00+08:00\"", null },
        { FieldType.Datetime, "\"2025-03-31T01:30:00Z\"", null },
        { FieldType.Datetime, "\"2025-03-31T01:30:00.123Z\"", null },
        { FieldType.Datetime, "\"2025-03-31T09:30+08:00\"", null },
        { FieldType.Datetime, "\"2025-03-31T09:30:00\"", "form.type_datetime" },
        { FieldType.Datetime, "\"2025-03-31\"", "form.type_datetime" },
        { FieldType.Datetime, "\"tomorrow 9am\"", "form.type_datetime" },
        { FieldType.Datetime, "1743384600", "form.type_datetime" },
        { FieldType.Bool, "true", null },
        { FieldType.Bool, "false", null },
        { FieldType.Bool, "\"true\"", "form.type_bool" },
        { FieldType.Bool, "1", "form.type_bool" },
        { FieldType.Select, "\"developer\"", null },
        { FieldType.Select, "\"Developer\"", "form.not_an_option" },
        { FieldType.Select, "\"gold\"", "form.not_an_option" },
        { FieldType.Select, "1", "form.type_select" },
        { FieldType.Select, "[\"developer\"]", "form.type_select" },
        { FieldType.Multiselect, "[\"vpn\", \"mail\"]", null },
        { FieldType.Multiselect, "[\"wifi-guest\"]", null },
        { FieldType.Multiselect, "\"vpn\"", "form.type_multiselect" },
        { FieldType.Multiselect, "[1]", "form.type_multiselect" },
        { FieldType.Multiselect, "[null]", "form.type_multiselect" },
        { FieldType.Multiselect, "[\"vpn\", \"vpn\"]", "form.duplicate_choice" },
        { FieldType.Multiselect, "[\"wifi\"]", "form.not_an_option" },
        { FieldType.Person, "\"bob\"", null },
        { FieldType.Person, "\"mallory\"", "form.unknown_person" },
        { FieldType.Person, "5", "form.type_person" },
        { FieldType.Person, "\"" + new string('x', 201) + "\"", "form.type_person" },
        { FieldType.Person, "\"bo\\nb\"", "form.type_person" },
        { FieldType.Group, "\"it-desktop\"", null },
        { FieldType.Group, "\"nobody\"", "form.unknown_group" },
        { FieldType.Group, "true", "form.type_group" },
        { FieldType.Asset, "\"LAP-001\"", null },
        { FieldType.Asset, "\"LAP-999\"", "form.unknown_asset" },
        { FieldType.Asset, "{}", "form.type_asset" },
        { FieldType.Attachment, "\"" + AttachmentId + "\"", null },
        { FieldType.Attachment, "\"0195f0c1-0000-0000-0000-000000000000\"", "form.unknown_attachment" },
        { FieldType.Attachment, "5", "form.type_attachment" },
    };

    [Theory]
    [MemberData(nameof(EveryType))]
    public async Task Validate_EveryFieldType_AcceptsItsValuesAndRefusesOthers(FieldType type, string value, string? code)
    {
        var result = await Validate([FieldOf(type)], $$"""{ "value": {{value}} }""");

        if (code is null)
        {
            Assert.True(result.Ok, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(value), result.Values["value"]));
        }
        else
        {
            Assert.Equal(code, Assert.Single(result.Errors["value"]).Code);
            Assert.False(result.Values.ContainsKey("value"));
        }
    }

    public static TheoryData<FieldType, decimal?, decimal?, string, string?> Limits => new()
    {
        { FieldType.Text, 3, 5, "\"abc\"", null },
        { FieldType.Text, 3, 5, "\"abcde\"", null },
        { FieldType.Text, 3, 5, "\"ab\"", "form.too_short" },
        { FieldType.Text, 3, 5, "\"abcdef\"", "form.too_long" },
        { FieldType.Multiline, null, 10, "\"12345\\n78901\"", "form.too_long" },
        { FieldType.Multiline, null, 10, "\"12345\\n7890\"", null },
        { FieldType.Number, 1, 10, "1", null },
        { FieldType.Number, 1, 10, "10", null },
        { FieldType.Number, 1, 10, "0.5", "form.number_min" },
        { FieldType.Number, 1, 10, "10.01", "form.number_max" },
        { FieldType.Number, -5, null, "-6", "form.number_min" },
        { FieldType.Multiselect, 1, 2, "[\"vpn\"]", null },
        { FieldType.Multiselect, 1, 2, "[\"vpn\", \"mail\", \"wifi-guest\"]", "form.choices_max" },
        { FieldType.Multiselect, 2, null, "[\"vpn\"]", "form.choices_min" },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Validate_MinAndMax_ApplyAsLengthValueOrCount(FieldType type, decimal? min, decimal? max, string value, string? code)
    {
        var field = FieldOf(type) with { Min = min, Max = max };

        var result = await Validate([field], $$"""{ "value": {{value}} }""");

        Assert.Equal(code, result.Errors.GetValueOrDefault("value")?.Single().Code);
    }

    [Fact]
    public async Task Validate_LimitError_CarriesTheLimitForTheMessage()
    {
        var result = await Validate([FieldOf(FieldType.Number) with { Max = 5000 }], """{ "value": 6000 }""");

        var error = Assert.Single(result.Errors["value"]);
        Assert.Equal(["5000"], error.Args);
        Assert.Equal("Must be at most 5000.", error.Message);
    }

    public static TheoryData<string, string, string?> Patterns => new()
    {
        { @"[A-Z]{3}-\d{3}", "ABC-123", null },
        { @"[A-Z]{3}-\d{3}", "xABC-123", "form.pattern" },
        { @"[A-Z]{3}-\d{3}", "ABC-1234", "form.pattern" },
        { @"\d+|[a-z]+", "abc", null },
        { @"\d+|[a-z]+", "12ab", "form.pattern" },
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public async Task Validate_Pattern_MustMatchTheWholeValue(string pattern, string value, string? code)
    {
        var result = await Validate([FieldOf(FieldType.Text) with { Pattern = pattern }], new JsonObject { ["value"] = value }.ToJsonString());

        Assert.Equal(code, result.Errors.GetValueOrDefault("value")?.Single().Code);
    }

    [Theory]
    [InlineData("(a+)+$")]
    [InlineData("(a|aa)+$")]
    [InlineData("(.*a){20}")]
    public async Task Validate_CatastrophicPattern_EndsByTimeoutAsAValidationError(string pattern)
    {
        var value = new string('a', 200) + "!";

        var result = await Validate([FieldOf(FieldType.Text) with { Pattern = pattern }], new JsonObject { ["value"] = value }.ToJsonString());

        Assert.Equal("form.pattern_timeout", Assert.Single(result.Errors["value"]).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{ "title": null }""")]
    [InlineData("""{ "title": "" }""")]
    [InlineData("""{ "title": "   " }""")]
    public async Task Validate_RequiredWithoutValue_IsRefused(string? submitted)
    {
        var result = await Validate([Field("title", FieldType.Text) with { Required = true }], submitted);

        Assert.Equal("form.required", Assert.Single(result.Errors["title"]).Code);
    }

    [Fact]
    public async Task Validate_RequiredMultiselectWithNoChoice_IsRefused()
    {
        var result = await Validate([FieldOf(FieldType.Multiselect) with { Required = true }], """{ "value": [] }""");

        Assert.Equal("form.required", Assert.Single(result.Errors["value"]).Code);
    }

    [Fact]
    public async Task Validate_OptionalWithoutValue_IsLeftOut()
    {
        var result = await Validate([Field("title", FieldType.Text), Field("note", FieldType.Multiline)], """{ "note": "" }""");

        Assert.True(result.Ok);
        Assert.Empty(result.Values);
    }

    static readonly FormField[] Laptop =
    [
        Field("kind", FieldType.Select, "laptop", "monitor") with { Required = true },
        Field("model", FieldType.Select, "standard", "developer") with { VisibleIf = "form.kind == 'laptop'", Required = true },
        Field("justification", FieldType.Multiline) with { VisibleIf = "form.model == 'developer'", Required = true },
        Field("amount", FieldType.Number),
        Field("approval_note", FieldType.Text) with { RequiredIf = "form.amount > 1000" },
    ];

    public static TheoryData<string, string[], string[], string[]> Conditional => new()
    {
        // submitted, kept values, fields with errors, codes
        { """{ "kind": "laptop", "model": "developer", "justification": "builds" }""", ["kind", "model", "justification"], [], [] },
        { """{ "kind": "laptop", "model": "developer" }""", ["kind", "model"], ["justification"], ["form.required"] },
        { """{ "kind": "laptop" }""", ["kind"], ["model"], ["form.required"] },
        // hidden: not required, not kept, not even type-checked
        { """{ "kind": "monitor" }""", ["kind"], [], [] },
        { """{ "kind": "monitor", "model": "developer", "justification": "builds" }""", ["kind"], [], [] },
        { """{ "kind": "monitor", "model": 42 }""", ["kind"], [], [] },
        // a field hidden because the field it depends on is hidden
        { """{ "kind": "monitor", "model": "developer" }""", ["kind"], [], [] },
        { """{ "kind": "laptop", "model": "standard", "justification": "why not" }""", ["kind", "model"], [], [] },
        // required only when the condition holds
        { """{ "kind": "monitor", "amount": 5000 }""", ["kind", "amount"], ["approval_note"], ["form.required"] },
        { """{ "kind": "monitor", "amount": 5000, "approval_note": "budget ok" }""", ["kind", "amount", "approval_note"], [], [] },
        { """{ "kind": "monitor", "amount": 500 }""", ["kind", "amount"], [], [] },
        { """{ "kind": "monitor", "amount": "5000" }""", ["kind"], ["amount"], ["form.type_number"] },
    };

    [Theory]
    [MemberData(nameof(Conditional))]
    public async Task Validate_ConditionalVisibilityAndRequirement(string submitted, string[] kept, string[] failed, string[] codes)
    {
        var result = await Validate(Laptop, submitted);

        Assert.Equal(kept, result.Values.Select(v => v.Key).ToArray());
        Assert.Equal(failed, result.Errors.Keys.ToArray());
        Assert.Equal(codes, result.Errors.Values.SelectMany(e => e).Select(e => e.Code).ToArray());
    }

    [Fact]
    public async Task Validate_UnknownFields_AreRefusedByName()
    {
        var result = await Validate([Field("title", FieldType.Text)], """{ "title": "x", "price": 1, "admin": true }""");

        Assert.Equal(["price", "admin"], result.Errors.Keys.Order(StringComparer.Ordinal).Reverse().ToArray());
        var error = Assert.Single(result.Errors["price"]);
        Assert.Equal("form.unknown_field", error.Code);
        Assert.Equal("'price' is not a field of this form.", error.Message);
    }

    public static TheoryData<string, string?, string?, string?> Defaults => new()
    {
        // field, submitted value (json), expected value (json), error
        { "tier", null, "\"standard\"", null },
        { "tier", "\"developer\"", "\"developer\"", null },
        { "tier", "null", null, null },
        { "department", null, "\"Engineering\"", null },
        { "department", "\"Finance\"", "\"Finance\"", null },
        { "manager", null, "\"bob\"", null },
        { "location", null, "\"Shanghai\"", null },
    };

    static readonly FormField[] WithDefaults =
    [
        Field("tier", FieldType.Select, "standard", "developer") with { Default = "standard" },
        Field("department", FieldType.Text) with { DefaultFrom = "requester.department" },
        Field("manager", FieldType.Person) with { DefaultFrom = "requester.manager" },
        Field("location", FieldType.Text) with { DefaultFrom = "requester.location" },
    ];

    [Theory]
    [MemberData(nameof(Defaults))]
    public async Task Validate_Defaults_ComeFromTheFieldOrTheRequesterProfile(string field, string? submitted, string? expected, string? code)
    {
        var result = await Validate(WithDefaults, submitted is null ? "{}" : $$"""{ "{{field}}": {{submitted}} }""");

        Assert.Equal(code, result.Errors.GetValueOrDefault(field)?.Single().Code);
        Assert.True(JsonNode.DeepEquals(expected is null ? null : JsonNode.Parse(expected), result.Values[field]),
            result.Values[field]?.ToJsonString());
    }

    [Fact]
    public async Task Validate_DefaultFromAnEmptyProfileValue_LeavesTheFieldEmpty()
    {
        var form = new[] { Field("manager", FieldType.Person) with { DefaultFrom = "requester.manager", Required = true } };

        var result = await Validate(form, "{}", profile: new RequesterProfile("carol", null, null, null));

        Assert.Equal("form.required", Assert.Single(result.Errors["manager"]).Code);
    }

    [Fact]
    public async Task Validate_HiddenFieldWithDefault_IsDropped()
    {
        var form = new[]
        {
            Field("remote", FieldType.Bool) with { Default = false },
            Field("vpn_group", FieldType.Group) with { Default = "it-desktop", VisibleIf = "form.remote" },
        };

        var result = await Validate(form, "{}");

        Assert.True(result.Ok);
        Assert.Equal("""{"remote":false}""", result.Values.ToJsonString());
    }

    [Fact]
    public async Task Validate_Conditions_ReadTheRequesterAndTheContext()
    {
        var form = new[]
        {
            Field("cost_center", FieldType.Text) with { VisibleIf = "requester.department == 'Engineering'", Required = true },
            Field("outage", FieldType.Bool) with { RequiredIf = "ticket.priority == 'p1'" },
        };
        var context = new ConditionValues(new Dictionary<string, JsonNode?> { ["ticket.priority"] = "p1" });

        var engineering = await Validate(form, "{}", context: context);
        var finance = await Validate(form, "{}", profile: Alice with { Department = "Finance" });

        Assert.Equal(["cost_center", "outage"], engineering.Errors.Keys.ToArray());
        Assert.True(finance.Ok);
    }

    [Fact]
    public async Task Validate_AsksLookupsOnlyForVisibleWellFormedValues()
    {
        var form = new[]
        {
            Field("show", FieldType.Bool),
            Field("owner", FieldType.Person) with { VisibleIf = "form.show" },
            Field("group", FieldType.Group),
            Field("asset", FieldType.Asset),
        };
        var lookups = new Lookups();

        var result = await Validate(form, """{ "show": false, "owner": "mallory", "group": 5, "asset": "LAP-001" }""", lookups);

        Assert.Equal(["asset:LAP-001"], lookups.Asked);
        Assert.Equal(["group"], result.Errors.Keys.ToArray());
    }

    [Fact]
    public async Task Validate_KeptValues_AreCopiesInFormOrder()
    {
        var form = new[] { Field("a", FieldType.Text), Field("b", FieldType.Multiselect, "x", "y") };
        var submitted = FormFixtures.Json("""{ "b": ["x"], "a": "first" }""");

        var result = await Flowdesk.Processes.Forms.FormValidator.ValidateAsync(form, submitted, Alice, new Lookups());
        submitted["b"]!.AsArray().Add("y");

        Assert.Equal("""{"a":"first","b":["x"]}""", result.Values.ToJsonString());
    }

    [Fact]
    public async Task Validate_ConditionThatDoesNotParse_KeepsTheFieldVisibleAndOptional()
    {
        var form = new[] { Field("a", FieldType.Text) with { VisibleIf = "form.a ==", RequiredIf = "((" } };

        var result = await Validate(form, """{ "a": "kept" }""");

        Assert.True(result.Ok);
        Assert.Equal("kept", (string?)result.Values["a"]);
    }

    [Fact]
    public void Kinds_MapFieldTypesToConditionKinds()
    {
        var form = Enum.GetValues<FieldType>().Select(t => Field(t.ToString().ToLowerInvariant(), t)).ToArray();

        var kinds = Flowdesk.Processes.Forms.FormValidator.Kinds(form);

        Assert.Equal(ValueKind.Text, kinds["form.text"]);
        Assert.Equal(ValueKind.Text, kinds["form.person"]);
        Assert.Equal(ValueKind.Number, kinds["form.number"]);
        Assert.Equal(ValueKind.Bool, kinds["form.bool"]);
        Assert.Equal(ValueKind.Date, kinds["form.datetime"]);
        Assert.Equal(ValueKind.List, kinds["form.multiselect"]);
        Assert.Equal(Enum.GetValues<FieldType>().Length, kinds.Count);
    }
}
