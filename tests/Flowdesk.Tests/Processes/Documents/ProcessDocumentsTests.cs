using System.Text;
using System.Text.Json;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;

namespace Flowdesk.Tests.Processes.Documents;

public sealed class ProcessDocumentsTests
{
    static ProcessDefinition Parse(string yaml)
    {
        var parse = ProcessDocuments.FromYaml(yaml);
        Assert.True(parse.Ok, string.Join("\n", parse.Errors));
        return parse.Definition!;
    }

    /// <summary>Records compare collections by reference, so two definitions are the same when their JSON is.</summary>
    static void AssertSame(ProcessDefinition expected, ProcessDefinition actual) =>
        Assert.Equal(ProcessJson.Serialize(expected), ProcessJson.Serialize(actual));

    static DocumentError Single(string yaml)
    {
        var parse = ProcessDocuments.FromYaml(yaml);
        Assert.Null(parse.Definition);
        return Assert.Single(parse.Errors);
    }

    [Fact]
    public void RichDocument_IsValid_AndRoundTripsThroughYaml()
    {
        var definition = Parse(SampleDocuments.Onboarding);
        Assert.Empty(ProcessValidator.Validate(definition, SampleDocuments.References));
        Assert.Equal(Enum.GetValues<FieldType>().Length, definition.Form.Select(f => f.Type).Distinct().Count());
        Assert.Equal(Enum.GetValues<ApprovalRule>().Length, definition.Approvals.Select(a => a.Rule).Distinct().Count());

        var yaml = ProcessDocuments.ToYaml(definition);
        var again = Parse(yaml);

        AssertSame(definition, again);
        Assert.Equal(yaml, ProcessDocuments.ToYaml(again));
    }

    [Fact]
    public void ToYaml_IsReadable_BlockStyleWithOneLineTexts()
    {
        var yaml = ProcessDocuments.ToYaml(Parse(SampleDocuments.Onboarding));

        Assert.StartsWith("key: hr.onboarding\nname: {en: New employee onboarding, zh-CN: 新员工入职}\ndesk: hr\n", yaml);
        Assert.Contains("\n  tags: [onboarding, laptop, 入职]\n", yaml);
        Assert.Contains("\nform:\n  - id: employee_name\n    type: text\n", yaml);
        // A text that reads as a boolean in YAML 1.1 stays a text.
        Assert.Contains("value: 'yes'", yaml);
    }

    [Fact]
    public void JsonImport_EqualsYamlImport()
    {
        var fromYaml = Parse(SampleDocuments.Onboarding);
        var json = ProcessDocuments.ToJson(fromYaml);

        var fromJson = ProcessDocuments.FromJson(json);

        Assert.True(fromJson.Ok, string.Join("\n", fromJson.Errors));
        AssertSame(fromYaml, fromJson.Definition!);
    }

    [Fact]
    public void SchemaError_NamesLineColumnAndPath()
    {
        var error = Single("""
            key: it.laptop
            name: Laptop
            desk: it
            approvals:
              - stage: manager
                approvers: [requester.manager]
              - stage: security
                approvers: [group:it-security]
                rule: sometimes
            """);

        Assert.Equal("/approvals/1/rule", error.Path);
        Assert.Equal("process.schema.enum", error.Code);
        Assert.Equal((9, 11), (error.Line, error.Column));
        Assert.Contains("any, all, quorum", error.Message);
    }

    [Fact]
    public void MissingKey_IsReportedOnItsObject()
    {
        var error = Single("""
            key: it.laptop
            name: Laptop
            desk: it
            tasks:
              - id: prepare
                group: it-desktop
            """);

        Assert.Equal(("/tasks/0", "process.schema.required", 5, 5), (error.Path, error.Code, error.Line, error.Column));
        Assert.Contains("'title'", error.Message);
    }

    [Fact]
    public void UnknownKey_IsRefusedAtItsLine()
    {
        var error = Single("""
            key: it.laptop
            name: Laptop
            desk: it
            form:
              - id: model
                type: select
                label: Model
                visible_if: form.x
            """);

        Assert.Equal(("/form/0/visible_if", "process.schema.unknown_key", 8, 5), (error.Path, error.Code, error.Line, error.Column));
    }

    [Fact]
    public void BadDurationAndApprover_AreEachReported()
    {
        var parse = ProcessDocuments.FromYaml("""
            key: it.laptop
            name: Laptop
            desk: it
            approvals:
              - { stage: boss, approvers: [boss], remindAfter: 2 weeks }
            """);

        Assert.Collection(parse.Errors.OrderBy(e => e.Path),
            e => Assert.Equal(("/approvals/0/approvers/0", "process.schema.pattern", 5, 32), (e.Path, e.Code, e.Line, e.Column)),
            e => Assert.Equal(("/approvals/0/remindAfter", "process.schema.pattern", 5, 52), (e.Path, e.Code, e.Line, e.Column)));
    }

    [Fact]
    public void JsonSchemaError_NamesLineColumnAndPath()
    {
        var parse = ProcessDocuments.FromJson("""
            {
              "key": "it.laptop",
              "name": { "en": "Laptop", "fr": "Ordinateur" },
              "desk": "it",
              "kind": "incident"
            }
            """);

        var error = Assert.Single(parse.Errors);
        Assert.Equal(("/name/fr", "process.schema.bad_language", 3, 29), (error.Path, error.Code, error.Line, error.Column));
    }

    [Fact]
    public void YamlSyntaxError_NamesTheLine()
    {
        var error = Single("key: it.laptop\nname: [Laptop\ndesk: it\n");

        Assert.Equal("process.yaml.syntax", error.Code);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public async Task BillionLaughs_IsRefused()
    {
        var yaml = new StringBuilder("key: it.laptop\nname: Laptop\ndesk: it\n");
        yaml.Append("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
            yaml.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var parse = await Task.Run(() => ProcessDocuments.FromYaml(yaml.ToString()), timeout.Token).WaitAsync(timeout.Token);

        var error = Assert.Single(parse.Errors);
        Assert.Equal(("process.yaml.alias", 4), (error.Code, error.Line));
    }

    [Fact]
    public void DocumentOverOneMegabyte_IsRefused()
    {
        var yaml = "key: it.laptop\nname: Laptop\ndesk: it\nchangelog: " + new string('x', 5 * 1024 * 1024) + "\n";

        var error = Single(yaml);

        Assert.Equal("process.document_too_large", error.Code);
        Assert.Equal("process.document_too_large", Assert.Single(ProcessDocuments.FromJson(JsonSerializer.Serialize(new { key = yaml })).Errors).Code);
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        Assert.Equal("process.document_too_deep", Single($"key: it.laptop\nname: Laptop\ndesk: it\nchangelog: {deep}\n").Code);
        Assert.Equal("process.document_too_deep", Assert.Single(ProcessDocuments.FromJson($$"""{ "key": {{deep}} }""").Errors).Code);
    }

    [Fact]
    public void TooManyNodes_AreRefused()
    {
        var many = "[" + string.Join(", ", Enumerable.Repeat("x", 25_000)) + "]";

        Assert.Equal("process.document_too_many_nodes", Single($"key: it.laptop\nname: Laptop\ndesk: it\ntags: {many}\n").Code);
    }

    [Fact]
    public void SecondDocument_IsRefused()
    {
        Assert.Equal("process.yaml.documents", Single("key: a1\nname: A\ndesk: it\n---\nkey: b1\n").Code);
    }

    [Fact]
    public void SemanticErrors_GetTheirLines()
    {
        var parse = ProcessDocuments.FromYaml("""
            key: it.laptop
            name: Laptop
            desk: it
            states:
              - { id: new }
              - { id: done, category: closed }
            transitions:
              - { from: new, to: finished }
            """);
        Assert.True(parse.Ok);

        var error = Assert.Single(parse.Locate(ProcessValidator.Validate(parse.Definition!, SampleDocuments.References)));

        Assert.Equal(("/transitions/0/to", "process.unknown_state", 8, 22), (error.Path, error.Code, error.Line, error.Column));
    }

    [Fact]
    public void Schema_IsPublishedText()
    {
        using var schema = JsonDocument.Parse(ProcessSchema.Text);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
    }
}
