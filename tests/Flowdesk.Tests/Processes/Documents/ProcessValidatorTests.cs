using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;

namespace Flowdesk.Tests.Processes.Documents;

public sealed class ProcessValidatorTests
{
    const string Head = """
        key: it.laptop
        name: Laptop
        desk: it

        """;

    static IReadOnlyList<DocumentError> Validate(string body)
    {
        var parse = ProcessDocuments.FromYaml(Head + body);
        Assert.True(parse.Ok, string.Join("\n", parse.Errors));
        return parse.Locate(ProcessValidator.Validate(parse.Definition!, SampleDocuments.References));
    }

    static DocumentError Single(string body) => Assert.Single(Validate(body));

    [Fact]
    public void TaskCycle_IsNamed()
    {
        var error = Single("""
            tasks:
              - { id: account, title: Account, group: it-identity, after: [badge] }
              - { id: laptop, title: Laptop, group: it-desktop, after: [account] }
              - { id: badge, title: Badge, desk: facilities, after: [laptop] }
            """);

        Assert.Equal("process.task_cycle", error.Code);
        Assert.Contains("account → badge → laptop → account", error.Message);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void TransitionToUnknownState_IsRefused()
    {
        var error = Single("""
            states:
              - { id: new }
              - { id: done, category: resolved }
            transitions:
              - { from: new, to: finished }
            """);

        Assert.Equal(("/transitions/0/to", "process.unknown_state", 8), (error.Path, error.Code, error.Line));
        Assert.Contains("'finished'", error.Message);
    }

    [Fact]
    public void TransitionOutOfClosedState_IsRefused()
    {
        var error = Single("""
            states:
              - { id: new }
              - { id: closed, category: closed }
            transitions:
              - { from: closed, to: new }
            """);

        Assert.Equal(("/transitions/0/from", "process.transition_from_closed"), (error.Path, error.Code));
    }

    [Fact]
    public void StatesWithoutOpenOrFinal_AreRefused()
    {
        var errors = Validate("""
            states:
              - { id: waiting, category: waiting }
            """);

        Assert.Equal(["process.no_open_state", "process.no_final_state"], errors.Select(e => e.Code));
    }

    [Fact]
    public void ConditionThatDoesNotParse_NamesTheColumn()
    {
        var error = Single("""
            form:
              - { id: model, type: text, label: Model }
            approvals:
              - { stage: security, approvers: [group:it-security], when: "form.model == " }
            """);

        Assert.Equal(("/approvals/0/when", 7), (error.Path, error.Line));
        Assert.StartsWith("condition.", error.Code);
        Assert.Contains("column 15", error.Message);
    }

    [Fact]
    public void ConditionReadingMissingField_IsRefused()
    {
        var error = Single("""
            tasks:
              - { id: laptop, title: Laptop, group: it-desktop, when: form.needs_laptop }
            """);

        Assert.Equal("/tasks/0/when", error.Path);
        Assert.Contains("needs_laptop", error.Message);
    }

    [Fact]
    public void FormConditions_AreChecked()
    {
        var error = Single("""
            form:
              - { id: model, type: select, label: Model, options: [{ value: a, label: A }], visibleIf: "form.wanted &&" }
            """);

        Assert.Equal("/form/0/visibleIf", error.Path);
        Assert.Contains("column", error.Message);
    }

    [Theory]
    [InlineData("approvers: [person:alice, person:bob], rule: quorum", "process.quorum_missing")]
    [InlineData("approvers: [person:alice, person:bob], rule: quorum, quorum: 3", "process.quorum_too_large")]
    [InlineData("approvers: [person:alice, person:bob], rule: all, quorum: 1", "process.quorum_without_rule")]
    [InlineData("approvers: [person:nobody]", "process.unknown_person")]
    [InlineData("approvers: [group:nowhere]", "process.unknown_group")]
    [InlineData("approvers: [role:wizard]", "process.unknown_role")]
    public void ApprovalStage_Problems(string stage, string code)
    {
        Assert.Equal(code, Single($"approvals:\n  - {{ stage: check, {stage} }}\n").Code);
    }

    [Fact]
    public void QuorumOverGroups_IsNotBoundedByTheListLength()
    {
        Assert.Empty(Validate("approvals:\n  - { stage: cab, approvers: [group:it-security], rule: quorum, quorum: 3 }\n"));
    }

    [Theory]
    [InlineData("{ on: field_changed:nothing, do: [{ assign: it-desktop }] }", "process.unknown_trigger_field")]
    [InlineData("{ on: state_entered:limbo, do: [{ assign: it-desktop }] }", "process.unknown_state")]
    [InlineData("{ on: created, do: [{ transition: limbo }] }", "process.unknown_state")]
    [InlineData("{ on: created, do: [{ set: { status: limbo } }] }", "process.unknown_state")]
    [InlineData("{ on: created, do: [{ set: { fields.nothing: 1 } }] }", "process.unknown_field")]
    [InlineData("{ on: created, do: [{ set: { priority: 1 } }] }", "process.set_value_text")]
    [InlineData("{ on: created, do: [{ assign: nowhere }] }", "process.unknown_group")]
    [InlineData("{ on: created, do: [{ assign: it-desktop, transition: resolved }] }", "process.action_several")]
    [InlineData("{ on: created, do: [{ template: x1 }] }", "process.action_empty")]
    [InlineData("{ on: created, do: [{ addWatcher: nobody }] }", "process.unknown_person")]
    [InlineData("{ on: created, do: [{ notify: nobody }] }", "process.unknown_recipient")]
    [InlineData("{ on: created, do: [{ createLinked: hr.nothing }] }", "process.unknown_process")]
    [InlineData("{ on: created, do: [{ addTask: { id: extra, title: Extra, group: nowhere } }] }", "process.unknown_group")]
    public void Rule_Problems(string rule, string code)
    {
        Assert.Equal(code, Single($"rules:\n  - {rule}\n").Code);
    }

    [Fact]
    public void References_AreChecked()
    {
        var errors = Validate("""
            group: nowhere
            catalog: { category: hardware, audience: [group:nowhere, role:wizard] }
            tasks:
              - { id: account, title: Account, desk: nodesk, after: [ghost] }
            """);

        Assert.Equal(
            ["/group process.unknown_group", "/catalog/audience/0 process.unknown_group", "/catalog/audience/1 process.unknown_role",
             "/tasks/0/desk process.unknown_desk", "/tasks/0/after/0 process.unknown_task"],
            errors.Select(e => $"{e.Path} {e.Code}"));
    }

    [Fact]
    public void DuplicateIds_AreRefused()
    {
        var errors = Validate("""
            states: [{ id: new }, { id: new }, { id: done, category: closed }]
            tasks: [{ id: one, title: One, desk: it }, { id: one, title: Again, desk: it }]
            approvals: [{ stage: boss, approvers: [cab] }, { stage: boss, approvers: [cab] }]
            """);

        Assert.Equal(["process.duplicate_state", "process.duplicate_stage", "process.duplicate_task"], errors.Select(e => e.Code));
    }

    [Fact]
    public void ShippedProcesses_Parse()
    {
        var assembly = typeof(ProcessDefinition).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("Flowdesk.Processes.Library.", StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var parse = ProcessDocuments.FromYaml(reader.ReadToEnd());
            Assert.True(parse.Ok, name + ": " + string.Join("\n", parse.Errors));
        }
    }

    [Fact]
    public void EnglishMessages_MatchTheResources()
    {
        var resx = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "src/Flowdesk.Core/Localization/Messages.resx"));
        var zh = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "src/Flowdesk.Core/Localization/Messages.zh-CN.resx"));
        var en = resx.Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);
        var chinese = zh.Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        foreach (var (code, text) in DocumentMessages.English)
        {
            Assert.True(en.TryGetValue(code, out var resource), $"{code} is missing from Messages.resx");
            Assert.Equal(text, resource);
            Assert.Contains(code, chinese);
        }
    }

    [Fact]
    public void DocumentationExample_IsValid()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs/process-as-code.md"));
        var start = page.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];

        var parse = ProcessDocuments.FromYaml(example);

        Assert.True(parse.Ok, string.Join("\n", parse.Errors));
        Assert.Empty(ProcessValidator.Validate(parse.Definition!, SampleDocuments.References));
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flowdesk.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Flowdesk.slnx not found above the test directory.");
    }
}
