using System.Globalization;
using System.Net;
using System.Text;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;

namespace Flowdesk.Web.Components.Processes;

/// <summary>Words the diagram needs in the reader's language; the page fills them from its resources.</summary>
public sealed record DiagramText(string Title, string States, string Approvals, string Tasks, string Staff, string Requester, string Anyone,
    string Engine, string After, string When, Func<ApprovalRule, int?, string> Rule, Func<string, string> StateName);

public sealed record DiagramNode(string Id, string Label, string Kind, double X, double Y, double Width, double Height);

public sealed record DiagramEdge(string From, string To, string Style, string Path);

/// <summary>A laid-out diagram: boxes and arrows with coordinates, and the SVG made from them.</summary>
public sealed record DiagramLayout(double Width, double Height, IReadOnlyList<DiagramNode> Nodes, IReadOnlyList<DiagramEdge> Edges, string Svg);

/// <summary>
/// Draws a process version as SVG on the server: the states in columns by their distance from the initial state
/// (breadth first over the transitions), each transition an arrow styled by who may make it, the approval stages as
/// a sequence below, and the fulfilment tasks in columns by their dependencies. Pure: a definition in, markup out;
/// every text is escaped, so a process name cannot inject markup.
/// </summary>
public static class ProcessDiagram
{
    const double NodeWidth = 176, NodeHeight = 42, ColumnGap = 70, RowGap = 22, Margin = 24, LaneGap = 56, LaneTitle = 26;

    public static DiagramLayout Draw(ProcessDefinition definition, int version, DiagramText text)
    {
        var workflow = ProcessWorkflows.Of(definition, version);
        var category = definition.States.Count > 0
            ? definition.States.ToDictionary(s => s.Id, s => s.Category.ToString().ToLowerInvariant(), StringComparer.Ordinal)
            : workflow.States.ToDictionary(s => s, s => workflow.ClosedStates.Contains(s) ? "closed" : workflow.ResolvedStates.Contains(s) ? "resolved"
                : s.StartsWith("waiting", StringComparison.Ordinal) || s == ProcessWorkflows.AwaitingApproval ? "waiting" : "open", StringComparer.Ordinal);

        List<DiagramNode> nodes = [];
        List<DiagramEdge> edges = [];

        // ---- states, by breadth-first layer from the initial state
        var layer = Layers(workflow.Initial, workflow.States, workflow.Transitions.Select(t => (t.From, t.To)));
        var top = Margin + LaneTitle;
        var stateRows = 0;
        foreach (var group in workflow.States.GroupBy(s => layer[s]).OrderBy(g => g.Key))
        {
            var row = 0;
            foreach (var state in group)
            {
                nodes.Add(new DiagramNode("state:" + state, text.StateName(state), "state-" + category.GetValueOrDefault(state, "open"),
                    Margin + group.Key * (NodeWidth + ColumnGap), top + row * (NodeHeight + RowGap), NodeWidth, NodeHeight));
                row++;
            }
            stateRows = Math.Max(stateRows, row);
        }
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var pairs = workflow.Transitions.GroupBy(t => (t.From, t.To)).Select(g => (g.Key.From, g.Key.To, By: g.Select(t => t.AllowedBy).Aggregate((a, b) => a | b)));
        foreach (var (from, to, by) in pairs)
        {
            if (!byId.TryGetValue("state:" + from, out var a) || !byId.TryGetValue("state:" + to, out var b)) continue;
            edges.Add(new DiagramEdge(a.Id, b.Id, Style(by), Curve(a, b)));
        }
        var y = top + stateRows * (NodeHeight + RowGap) - RowGap;
        List<(string Title, double Y)> lanes = [(text.States, Margin)];

        // ---- approval stages, one after the other
        if (definition.Approvals.Count > 0)
        {
            var laneTop = y + LaneGap;
            lanes.Add((text.Approvals, laneTop - LaneTitle));
            for (var i = 0; i < definition.Approvals.Count; i++)
            {
                var stage = definition.Approvals[i];
                var label = (stage.Name?.For(System.Globalization.CultureInfo.CurrentUICulture.Name) ?? stage.Stage) + " · " + text.Rule(stage.Rule, stage.Quorum)
                    + (stage.When is null ? "" : " · " + text.When);
                nodes.Add(new DiagramNode("approval:" + stage.Stage, label, "approval", Margin + i * (NodeWidth + ColumnGap), laneTop, NodeWidth, NodeHeight));
                if (i > 0) edges.Add(new DiagramEdge("approval:" + definition.Approvals[i - 1].Stage, "approval:" + stage.Stage, "engine",
                    Curve(nodes[^2], nodes[^1])));
            }
            if (byId.TryGetValue("state:" + ProcessWorkflows.AwaitingApproval, out var waiting))
                edges.Add(new DiagramEdge(waiting.Id, "approval:" + definition.Approvals[0].Stage, "link", Curve(waiting, nodes[^definition.Approvals.Count])));
            y = laneTop + NodeHeight;
        }

        // ---- tasks, in columns by their dependencies
        if (definition.Tasks.Count > 0)
        {
            var laneTop = y + LaneGap;
            lanes.Add((text.Tasks, laneTop - LaneTitle));
            var depth = TaskDepths(definition.Tasks);
            var rows = 0;
            foreach (var group in definition.Tasks.GroupBy(t => depth[t.Id]).OrderBy(g => g.Key))
            {
                var row = 0;
                foreach (var task in group)
                {
                    var label = task.Title.For(System.Globalization.CultureInfo.CurrentUICulture.Name) + " · " + (task.Group ?? task.Desk ?? "")
                        + (task.When is null ? "" : " · " + text.When);
                    nodes.Add(new DiagramNode("task:" + task.Id, label, "task", Margin + group.Key * (NodeWidth + ColumnGap), laneTop + row * (NodeHeight + RowGap), NodeWidth, NodeHeight));
                    row++;
                }
                rows = Math.Max(rows, row);
            }
            var tasks = nodes.Where(n => n.Id.StartsWith("task:", StringComparison.Ordinal)).ToDictionary(n => n.Id[5..], StringComparer.Ordinal);
            foreach (var task in definition.Tasks)
                foreach (var before in task.After)
                    if (tasks.TryGetValue(before, out var a)) edges.Add(new DiagramEdge(a.Id, "task:" + task.Id, "after", Curve(a, tasks[task.Id])));
            y = laneTop + rows * (NodeHeight + RowGap) - RowGap;
        }

        var width = Math.Max(nodes.Max(n => n.X + n.Width) + Margin, Margin + Legend(text).Sum(l => LegendWidth(l.Label)));
        var height = y + Margin + 34; // room for the legend
        return new DiagramLayout(width, height, nodes, edges, Svg(definition, version, text, width, height, nodes, edges, lanes));
    }

    /// <summary>Distance from the initial state over the transitions; states it cannot reach go one column further.</summary>
    public static Dictionary<string, int> Layers(string initial, IReadOnlyList<string> states, IEnumerable<(string From, string To)> transitions)
    {
        var next = transitions.GroupBy(t => t.From).ToDictionary(g => g.Key, g => g.Select(t => t.To).ToList(), StringComparer.Ordinal);
        Dictionary<string, int> layer = new(StringComparer.Ordinal) { [initial] = 0 };
        Queue<string> queue = new([initial]);
        while (queue.TryDequeue(out var state))
            foreach (var to in next.GetValueOrDefault(state) ?? [])
                if (layer.TryAdd(to, layer[state] + 1)) queue.Enqueue(to);
        var unreachable = layer.Count == 0 ? 0 : layer.Values.Max() + 1;
        foreach (var state in states) layer.TryAdd(state, unreachable);
        return layer;
    }

    /// <summary>A task's column: one more than the deepest task it waits for (cycles were refused when the document was saved).</summary>
    public static Dictionary<string, int> TaskDepths(IReadOnlyList<TaskDefinition> tasks)
    {
        var byId = tasks.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Dictionary<string, int> depth = new(StringComparer.Ordinal);
        int Depth(string id, int guard)
        {
            if (depth.TryGetValue(id, out var known)) return known;
            if (guard > tasks.Count || !byId.TryGetValue(id, out var task)) return 0;
            var d = task.After.Where(byId.ContainsKey).Select(a => Depth(a, guard + 1) + 1).DefaultIfEmpty(0).Max();
            depth[id] = d;
            return d;
        }
        foreach (var task in tasks) Depth(task.Id, 0);
        return depth;
    }

    static string Style(TransitionActor by) => by switch
    {
        TransitionActor.Engine => "engine",
        TransitionActor.Staff => "staff",
        TransitionActor.Requester => "requester",
        _ when by.HasFlag(TransitionActor.Requester) => "anyone",
        _ => "staff",
    };

    /// <summary>A cubic curve between two boxes: forward moves leave on the right, others bend around the side they come from.</summary>
    static string Curve(DiagramNode a, DiagramNode b)
    {
        string P(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        if (b.X > a.X + 1)
        {
            double x1 = a.X + a.Width, y1 = a.Y + a.Height / 2, x2 = b.X, y2 = b.Y + b.Height / 2, dx = (x2 - x1) / 2;
            return $"M{P(x1)},{P(y1)} C{P(x1 + dx)},{P(y1)} {P(x2 - dx)},{P(y2)} {P(x2)},{P(y2)}";
        }
        if (b.X < a.X - 1)
        {
            // Backwards (a reopen): over the top of the boxes.
            double x1 = a.X + a.Width / 2, y1 = a.Y, x2 = b.X + b.Width / 2, y2 = b.Y, lift = 28 + Math.Abs(a.X - b.X) / 12;
            return $"M{P(x1)},{P(y1)} C{P(x1)},{P(Math.Min(y1, y2) - lift)} {P(x2)},{P(Math.Min(y1, y2) - lift)} {P(x2)},{P(y2)}";
        }
        // Same column: a bow on the right-hand side.
        {
            double x = a.X + a.Width, y1 = a.Y + a.Height / 2, y2 = b.Y + b.Height / 2, bow = 26 + Math.Abs(y2 - y1) / 6;
            return $"M{P(x)},{P(y1)} C{P(x + bow)},{P(y1)} {P(x + bow)},{P(y2)} {P(x)},{P(y2)}";
        }
    }

    static (string Style, string Label)[] Legend(DiagramText text) =>
        [("staff", text.Staff), ("anyone", text.Anyone), ("requester", text.Requester), ("engine", text.Engine), ("after", text.After)];

    static double LegendWidth(string label) => 64 + label.Sum(c => c >= '\u2e80' ? 14.0 : 7.5);

    /// <summary>The label cut to what fits in the box at 13 px (CJK characters are about twice as wide); the full text is its tooltip.</summary>
    public static string Fit(string label, double width)
    {
        static double Width(char c) => c >= '\u2e80' ? 13.5 : char.IsUpper(c) ? 8.6 : 7.2;
        if (label.Sum(Width) <= width) return label;
        double used = Width('…');
        var length = 0;
        while (length < label.Length && used + Width(label[length]) <= width) used += Width(label[length++]);
        return label[..length].TrimEnd() + "…";
    }

    static string Svg(ProcessDefinition definition, int version, DiagramText text, double width, double height,
        IReadOnlyList<DiagramNode> nodes, IReadOnlyList<DiagramEdge> edges, IReadOnlyList<(string Title, double Y)> lanes)
    {
        string P(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        string E(string s) => WebUtility.HtmlEncode(s);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fd-diagram\" viewBox=\"0 0 {P(width)} {P(height)}\" width=\"{P(width)}\" height=\"{P(height)}\" role=\"img\" aria-labelledby=\"diagram-title diagram-desc\">");
        svg.Append($"<title id=\"diagram-title\">{E(text.Title)}</title>");
        svg.Append($"<desc id=\"diagram-desc\">{E($"{definition.Key} v{version}: {nodes.Count(n => n.Kind.StartsWith("state", StringComparison.Ordinal))} {text.States}, {definition.Approvals.Count} {text.Approvals}, {definition.Tasks.Count} {text.Tasks}")}</desc>");
        svg.Append("<defs>");
        foreach (var style in new[] { "staff", "anyone", "requester", "engine", "after", "link" })
            svg.Append($"<marker id=\"arrow-{style}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"fd-arrow-{style}\"/></marker>");
        svg.Append("</defs>");
        foreach (var (title, y) in lanes)
            svg.Append($"<text class=\"fd-lane-title\" x=\"{P(Margin)}\" y=\"{P(y + 14)}\">{E(title)}</text>");
        foreach (var edge in edges)
            svg.Append($"<path class=\"fd-edge fd-edge-{edge.Style}\" d=\"{edge.Path}\" marker-end=\"url(#arrow-{edge.Style})\" data-from=\"{E(edge.From)}\" data-to=\"{E(edge.To)}\"/>");
        foreach (var node in nodes)
        {
            svg.Append($"<g class=\"fd-node fd-node-{node.Kind}\" data-node=\"{E(node.Id)}\">");
            svg.Append($"<rect x=\"{P(node.X)}\" y=\"{P(node.Y)}\" width=\"{P(node.Width)}\" height=\"{P(node.Height)}\" rx=\"8\"/>");
            var label = Fit(node.Label, node.Width - 14);
            svg.Append($"<text x=\"{P(node.X + node.Width / 2)}\" y=\"{P(node.Y + node.Height / 2 + 5)}\" text-anchor=\"middle\">{E(label)}<title>{E(node.Label)}</title></text>");
            svg.Append("</g>");
        }
        // Legend: who may make each kind of move.
        var legendY = height - 18;
        var x = Margin;
        foreach (var (style, label) in Legend(text))
        {
            svg.Append($"<path class=\"fd-edge fd-edge-{style}\" d=\"M{P(x)},{P(legendY)} L{P(x + 28)},{P(legendY)}\" marker-end=\"url(#arrow-{style})\"/>");
            svg.Append($"<text class=\"fd-legend\" x=\"{P(x + 34)}\" y=\"{P(legendY + 4)}\">{E(label)}</text>");
            x += LegendWidth(label);
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
