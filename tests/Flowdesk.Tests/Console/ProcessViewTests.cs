using System.Net;
using System.Net.Http.Json;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Ui;
using Flowdesk.Web.Components.Processes;

namespace Flowdesk.Tests.Console;

/// <summary>The process view: a diagram drawn on the server from the definition, and the page only for those who may read processes.</summary>
public sealed class ProcessViewTests(FlowdeskApp app) : IClassFixture<FlowdeskApp>
{
    const string Document = """
        key: test.diagram
        name: { en: "Diagram <script>alert(1)</script>", zh-CN: 流程图 }
        desk: it
        kind: request
        form:
          - { id: model, type: select, label: { en: Model }, options: [ { value: a, label: { en: A } } ] }
        approvals:
          - { stage: manager, approvers: [requester.manager] }
          - { stage: security, approvers: [group:it-security], rule: all, when: "form.model == 'a'" }
        tasks:
          - { id: prepare, title: { en: Prepare }, group: it-desktop }
          - { id: ship, title: { en: Ship }, group: it-desktop, after: [prepare] }
          - { id: check, title: { en: Check }, group: it-desktop, after: [ship, prepare] }
        """;

    static readonly DiagramText Words = new("Flow", "States", "Approvals", "Tasks", "staff", "requester", "anyone", "engine", "after", "if",
        (rule, quorum) => rule.ToString(), state => state);

    static ProcessDefinition Parse()
    {
        var parsed = ProcessDocuments.FromYaml(Document);
        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return parsed.Definition!;
    }

    [Fact]
    public void Diagram_HasAStateBoxPerState_AnArrowPerMove_AndTheApprovalAndTaskLanes()
    {
        var definition = Parse();
        var workflow = Flowdesk.Processes.ProcessWorkflows.Of(definition, 1);
        var layout = ProcessDiagram.Draw(definition, 1, Words);

        Assert.Equal(workflow.States.Select(s => "state:" + s).Order(), layout.Nodes.Where(n => n.Id.StartsWith("state:")).Select(n => n.Id).Order());
        var pairs = workflow.Transitions.Select(t => ($"state:{t.From}", $"state:{t.To}")).Distinct().ToHashSet();
        Assert.Equal(pairs, layout.Edges.Where(e => e.From.StartsWith("state:") && e.To.StartsWith("state:")).Select(e => (e.From, e.To)).ToHashSet());
        Assert.Equal(["approval:manager", "approval:security"], layout.Nodes.Where(n => n.Kind == "approval").Select(n => n.Id));
        Assert.Contains(layout.Edges, e => e is { From: "state:awaiting_approval", To: "approval:manager" });
        Assert.Contains(layout.Edges, e => e is { From: "task:prepare", To: "task:ship", Style: "after" });

        // Tasks stand in columns by what they wait for; the initial state is the leftmost column.
        var x = layout.Nodes.ToDictionary(n => n.Id, n => n.X);
        Assert.True(x["task:prepare"] < x["task:ship"] && x["task:ship"] < x["task:check"]);
        Assert.Equal(layout.Nodes.Min(n => n.X), x["state:new"]);
        // Boxes never overlap.
        foreach (var a in layout.Nodes)
            foreach (var b in layout.Nodes.Where(b => b != a))
                Assert.False(a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height, $"{a.Id} overlaps {b.Id}");
    }

    [Fact]
    public void Diagram_EscapesText_FromTheDocument()
    {
        var definition = Parse() with { Approvals = [new ApprovalStage { Stage = "x", Name = LocalizedText.Of("<b>boss</b>", "<b>老板</b>"), Approvers = ["cab"] }] };
        var svg = ProcessDiagram.Draw(definition, 1, Words with { Title = "<script>alert(1)</script>" }).Svg;
        Assert.DoesNotContain("<script>", svg);
        Assert.DoesNotContain("<b>", svg);
        Assert.Contains("&lt;b&gt;boss&lt;/b&gt;", svg);
        Assert.StartsWith("<svg", svg);
    }

    [Fact]
    public void Layers_PutUnreachableStatesAfterTheRest()
    {
        var layers = ProcessDiagram.Layers("a", ["a", "b", "c", "orphan"], [("a", "b"), ("b", "c"), ("c", "a")]);
        Assert.Equal(0, layers["a"]);
        Assert.Equal(2, layers["c"]);
        Assert.Equal(3, layers["orphan"]);
    }

    [Fact]
    public async Task ProcessPage_ShowsTheDiagramAndYaml_ToStaff_AndIsNotFoundForRequesters()
    {
        using var li = Browser.Open(app);
        await li.SignedInAs("li.agent");
        var page = await li.Get("/console/processes/it.laptop");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<svg", page.Html);
        Assert.Contains("fd-node-approval", page.Html);
        Assert.Contains("fd-node-task", page.Html);
        Assert.Contains("key: it.laptop", page.Html);
        // Technicians read; only process owners and admins get the draft editor.
        Assert.DoesNotContain("process-editor", page.Html);

        using var admin = Browser.Open(app);
        await admin.SignedInAs("admin");
        Assert.Contains("process-editor", (await admin.Get("/console/processes/it.laptop?version=1")).Html);

        using var alice = Browser.Open(app);
        await alice.SignedInAs("alice");
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Get("/console/processes/it.laptop")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Get("/console/processes")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await li.Get("/console/processes/no.such.process")).Status);
    }

    [Fact]
    public async Task TicketPage_ShowsLinks_AndTheInternalNoteBoxOnlyToStaff()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var a = await alice.CreateTicket(subject: "Page: the one with links");
        var b = await alice.CreateTicket(subject: "Page: the other one");
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{a.Id()}/links", new { ticket = b.Str("number"), kind = "duplicates" })).ShouldBe(HttpStatusCode.Created);

        using var staff = Browser.Open(app);
        await staff.SignedInAs("li.agent");
        var staffPage = await staff.Get("/tickets/" + a.Str("number"));
        Assert.Equal(HttpStatusCode.OK, staffPage.Status);
        Assert.Contains("data-link-kind=\"duplicates\"", staffPage.Html);
        Assert.Contains("id=\"note\"", staffPage.Html);
        Assert.Contains("id=\"reply\"", staffPage.Html);
        Assert.Contains(b.Str("number"), staffPage.Html);

        using var requester = Browser.Open(app);
        await requester.SignedInAs("alice");
        var requesterPage = await requester.Get("/tickets/" + b.Str("number"));
        Assert.Contains("data-link-kind=\"duplicated_by\"", requesterPage.Html);
        Assert.Contains("id=\"reply\"", requesterPage.Html);
        Assert.DoesNotContain("id=\"note\"", requesterPage.Html);
        Assert.DoesNotContain("merge-into", requesterPage.Html);
        // Her other tickets are listed beside it.
        Assert.Contains(a.Str("number"), requesterPage.Html);
    }
}
