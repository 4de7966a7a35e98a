using Flowdesk.Processes.Documents;

namespace Flowdesk.Tests.Processes.Documents;

public sealed class ProcessDiffTests
{
    const string Version1 = """
        key: it.laptop
        name: { en: Laptop request, zh-CN: 笔记本申请 }
        desk: it
        catalog: { category: hardware, tags: [laptop] }
        form:
          - id: laptop_model
            type: select
            label: Model
            options:
              - { value: standard, label: Standard }
          - id: reason
            type: text
            label: Reason
        approvals:
          - { stage: manager, approvers: [requester.manager] }
        tasks:
          - { id: prepare, title: Prepare laptop, group: it-desktop }
        rules:
          - { on: created, do: [{ assign: it-desktop }] }
        """;

    const string Version2 = """
        key: it.laptop
        name: { en: Laptop request, zh-CN: 笔记本电脑申请 }
        desk: it
        catalog: { category: hardware, tags: [laptop, hardware] }
        form:
          - id: reason
            type: text
            label: Reason
            required: true
          - id: laptop_model
            type: select
            label: Model
            options:
              - { value: standard, label: Standard }
              - { value: developer, label: Developer }
        approvals:
          - { stage: manager, approvers: [requester.manager] }
          - { stage: security, approvers: [group:it-security], when: "form.laptop_model == 'developer'" }
        tasks:
          - { id: prepare, title: Prepare laptop, group: it-desktop, due: 2d }
        rules:
          - { on: created, do: [{ assign: it-security }] }
        """;

    [Fact]
    public void Compare_MatchesItemsByIdentity_AndReadsAsSentences()
    {
        var older = ProcessDocuments.FromYaml(Version1).Definition!;
        var newer = ProcessDocuments.FromYaml(Version2).Definition!;

        var changes = ProcessDiff.Compare(older, newer);

        Assert.Equal(
        [
            "name changed from { en: Laptop request, zh-CN: 笔记本申请 } to { en: Laptop request, zh-CN: 笔记本电脑申请 }",
            "catalog: tag 'hardware' added",
            "form field 'reason': required changed from false to true",
            "form field 'laptop_model': option 'developer' added",
            "approval stage 'security' added",
            "task 'prepare': due set to '2d'",
            "rule 1 (on created), action 1: assign changed from 'it-desktop' to 'it-security'",
        ], changes.Select(c => c.Summary));
        var option = changes.Single(c => c.Path == "/form/laptop_model/options/developer");
        Assert.Equal((ChangeKind.Added, null), (option.Kind, option.Old));
        Assert.Contains("\"developer\"", option.New);
    }

    [Fact]
    public void Compare_SameVersion_HasNoChanges()
    {
        var definition = ProcessDocuments.FromYaml(SampleDocuments.Onboarding).Definition!;

        Assert.Empty(ProcessDiff.Compare(definition, definition with { }));
    }

    [Fact]
    public void Compare_RemovedItems()
    {
        var older = ProcessDocuments.FromYaml(Version2).Definition!;
        var newer = ProcessDocuments.FromYaml(Version1).Definition!;

        var summaries = ProcessDiff.Compare(older, newer).Select(c => c.Summary).ToList();

        Assert.Contains("approval stage 'security' removed", summaries);
        Assert.Contains("form field 'laptop_model': option 'developer' removed", summaries);
        Assert.Contains("form field 'reason': required changed from true to false", summaries);
    }
}
