using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flowdesk.Processes.Definitions;

namespace Flowdesk.Processes.Documents;

[JsonConverter(typeof(Tickets.LowerCaseEnum<ChangeKind>))]
public enum ChangeKind { Added = 1, Removed = 2, Changed = 3 }

/// <summary>
/// One difference between two versions. Path names items by identity (/form/laptop_model/options/developer), Old and
/// New are the JSON of the values (null on the side where the item is absent), Summary is the line a person reads.
/// </summary>
public sealed record DefinitionChange(string Path, ChangeKind Kind, string? Old, string? New, string Summary);

/// <summary>
/// The semantic difference of two process versions: form fields, options, states, transitions, approval stages and
/// tasks are matched by their ids, so a reordered or inserted item reads as what it is, not as a cascade of changes.
/// Rules and their actions have no ids and are compared by position.
/// </summary>
public static class ProcessDiff
{
    /// <summary>How the items of a list are identified and named.</summary>
    sealed record ListShape(Func<JsonNode, string> Identity, Func<string, string> Label);

    static string Member(JsonNode node, string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    static readonly Dictionary<string, ListShape> Identified = new(StringComparer.Ordinal)
    {
        ["form"] = new(n => Member(n, "id"), id => $"form field '{id}'"),
        ["states"] = new(n => Member(n, "id"), id => $"state '{id}'"),
        ["approvals"] = new(n => Member(n, "stage"), id => $"approval stage '{id}'"),
        ["tasks"] = new(n => Member(n, "id"), id => $"task '{id}'"),
        ["options"] = new(n => Member(n, "value"), id => $"option '{id}'"),
        ["transitions"] = new(n => $"{Member(n, "from")} → {Member(n, "to")}", id => $"transition {id}"),
    };

    static readonly Dictionary<string, string> PlainLists = new(StringComparer.Ordinal)
    {
        ["tags"] = "tag", ["audience"] = "audience", ["approvers"] = "approver", ["after"] = "dependency",
    };

    /// <summary>Values compared whole: texts in several languages, default values, the fields a rule sets.</summary>
    static readonly HashSet<string> Atomic = ["name", "description", "label", "help", "title", "typicalTime", "default", "set"];

    public static IReadOnlyList<DefinitionChange> Compare(ProcessDefinition older, ProcessDefinition newer)
    {
        var changes = new List<DefinitionChange>();
        CompareObjects(changes, Node(older), Node(newer), "", "");
        return changes;
    }

    static JsonObject Node(ProcessDefinition definition) => JsonSerializer.SerializeToNode(definition, ProcessJson.Options)!.AsObject();

    static string In(string context, string text) => context.Length == 0 ? text : $"{context}: {text}";

    static string Join(string context, string label) => context.Length == 0 ? label : $"{context}, {label}";

    static void CompareObjects(List<DefinitionChange> changes, JsonObject a, JsonObject b, string path, string context)
    {
        var keys = a.Select(p => p.Key).Concat(b.Select(p => p.Key)).Distinct().ToList();
        foreach (var key in keys)
        {
            var childPath = $"{path}/{Pointer.Escape(key)}";
            var hasOld = a.TryGetPropertyValue(key, out var oldValue);
            var hasNew = b.TryGetPropertyValue(key, out var newValue);
            if (Identified.TryGetValue(key, out var shape) && (oldValue ?? newValue) is JsonArray)
                CompareIdentified(changes, oldValue as JsonArray ?? [], newValue as JsonArray ?? [], childPath, context, shape);
            else if (PlainLists.TryGetValue(key, out var item) && (oldValue ?? newValue) is JsonArray)
                ComparePlain(changes, oldValue as JsonArray ?? [], newValue as JsonArray ?? [], childPath, context, key, item);
            else if (key is "rules" or "do")
                ComparePositional(changes, oldValue as JsonArray ?? [], newValue as JsonArray ?? [], childPath, context, key);
            else if (!Atomic.Contains(key) && oldValue is JsonObject oldObject && newValue is JsonObject newObject)
                CompareObjects(changes, oldObject, newObject, childPath, Join(context, key == "addTask" ? "added task" : key));
            else if (!hasOld && hasNew)
                changes.Add(new(childPath, ChangeKind.Added, null, Json(newValue), In(context, $"{key} set to {Show(newValue)}")));
            else if (hasOld && !hasNew)
                changes.Add(new(childPath, ChangeKind.Removed, Json(oldValue), null, In(context, $"{key} removed (was {Show(oldValue)})")));
            else if (!JsonNode.DeepEquals(oldValue, newValue))
                changes.Add(new(childPath, ChangeKind.Changed, Json(oldValue), Json(newValue), In(context, $"{key} changed from {Show(oldValue)} to {Show(newValue)}")));
        }
    }

    static void CompareIdentified(List<DefinitionChange> changes, JsonArray a, JsonArray b, string path, string context, ListShape shape)
    {
        var olds = a.OfType<JsonObject>().GroupBy(n => shape.Identity(n)).ToDictionary(g => g.Key, g => g.First());
        var news = b.OfType<JsonObject>().GroupBy(n => shape.Identity(n)).ToDictionary(g => g.Key, g => g.First());
        foreach (var (id, old) in olds.Where(o => !news.ContainsKey(o.Key)))
            changes.Add(new($"{path}/{Pointer.Escape(id)}", ChangeKind.Removed, Json(old), null, In(context, $"{shape.Label(id)} removed")));
        foreach (var (id, current) in news)
        {
            var itemPath = $"{path}/{Pointer.Escape(id)}";
            if (!olds.TryGetValue(id, out var old))
                changes.Add(new(itemPath, ChangeKind.Added, null, Json(current), In(context, $"{shape.Label(id)} added")));
            else
                CompareObjects(changes, old, current, itemPath, Join(context, shape.Label(id)));
        }
    }

    static void ComparePlain(List<DefinitionChange> changes, JsonArray a, JsonArray b, string path, string context, string key, string item)
    {
        var olds = a.Select(Text).ToList();
        var news = b.Select(Text).ToList();
        foreach (var removed in olds.Except(news))
            changes.Add(new($"{path}/{Pointer.Escape(removed)}", ChangeKind.Removed, Json(JsonValue.Create(removed)), null, In(context, $"{item} '{removed}' removed")));
        foreach (var added in news.Except(olds))
            changes.Add(new($"{path}/{Pointer.Escape(added)}", ChangeKind.Added, null, Json(JsonValue.Create(added)), In(context, $"{item} '{added}' added")));
        if (olds.Count == news.Count && !olds.Except(news).Any() && !olds.SequenceEqual(news))
            changes.Add(new(path, ChangeKind.Changed, Json(a), Json(b), In(context, $"{key} reordered")));
    }

    static void ComparePositional(List<DefinitionChange> changes, JsonArray a, JsonArray b, string path, string context, string key)
    {
        string Label(int i, JsonNode? node) => key == "rules"
            ? $"rule {i + 1} (on {Member(node!, "on")})"
            : $"action {i + 1}";
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var itemPath = $"{path}/{i.ToString(CultureInfo.InvariantCulture)}";
            if (i >= b.Count)
                changes.Add(new(itemPath, ChangeKind.Removed, Json(a[i]), null, In(context, $"{Label(i, a[i])} removed")));
            else if (i >= a.Count)
                changes.Add(new(itemPath, ChangeKind.Added, null, Json(b[i]), In(context, $"{Label(i, b[i])} added")));
            else if (a[i] is JsonObject old && b[i] is JsonObject current)
                CompareObjects(changes, old, current, itemPath, Join(context, Label(i, current)));
        }
    }

    static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null";

    static string? Json(JsonNode? node) => node?.ToJsonString(ProcessJson.Options) ?? "null";

    /// <summary>How a value reads in a summary line: 'text', { en: …, zh-CN: … }, numbers and lists as written.</summary>
    static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => $"'{s}'",
        JsonObject o when o.All(p => p.Key is "en" or "zh-CN" && p.Value is JsonValue) =>
            "{ " + string.Join(", ", o.Select(p => $"{p.Key}: {Text(p.Value)}")) + " }",
        _ => node.ToJsonString(ProcessJson.Options),
    };
}
