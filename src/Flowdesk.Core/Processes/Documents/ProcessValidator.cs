using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;
using Flowdesk.Processes.Forms;

namespace Flowdesk.Processes.Documents;

/// <summary>A problem in a process document: where (JSON path, and the line/column when it came from a file) and what.</summary>
/// <remarks>Code is a key of Messages.resx; Args fill its placeholders, so the API can show the message in the caller's language.</remarks>
public sealed record DocumentError(string Path, string Code, string Message, int? Line = null, int? Column = null, IReadOnlyList<object>? Args = null)
{
    /// <summary>One line for a terminal or a log: <c>12:7 /approvals/1/rule: …</c>.</summary>
    public override string ToString() =>
        (Line is { } line ? $"{line}:{Column ?? 1} " : "") + (Path.Length > 0 ? $"{Path}: " : "") + Message;
}

/// <summary>What a document may refer to in this installation.</summary>
public sealed record ProcessReferences(IReadOnlySet<string> Desks, IReadOnlySet<string> Groups, IReadOnlySet<string> People,
    IReadOnlySet<string> Roles, IReadOnlySet<string> Processes);

/// <summary>
/// Semantic checks beyond the JSON Schema: references to desks, groups, people, roles and processes; unique ids;
/// transitions between known states; task dependencies without cycles; approval rules; conditions that parse and read
/// fields the form has; rule triggers and actions. Pure: the references come in, the errors go out.
/// </summary>
public static partial class ProcessValidator
{
    /// <summary>Ticket fields a rule may watch besides the form's own (field_changed:&lt;field&gt;).</summary>
    static readonly HashSet<string> TicketFields = ["status", "priority", "assignee", "group", "category", "service", "title", "description"];
    static readonly HashSet<string> SettableTicketFields = ["status", "priority", "category", "service"];
    static readonly HashSet<string> NotifyTargets = ["requester", "assignee", "group", "requester.manager"];

    public static IReadOnlyList<DocumentError> Validate(ProcessDefinition definition, ProcessReferences references)
    {
        var check = new Checker(definition, references);
        check.Run();
        return check.Errors;
    }

    /// <summary>Durations of process documents: 30m, 4h, 2d, 3bd (business days).</summary>
    public static bool TryParseDuration(string text, out int amount, out string unit)
    {
        var match = DurationPattern().Match(text);
        amount = 0;
        unit = "";
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out amount)) return false;
        unit = match.Groups[2].Value;
        return true;
    }

    [GeneratedRegex(@"^(\d{1,6})(m|h|d|bd)$")]
    private static partial Regex DurationPattern();

    sealed class Checker(ProcessDefinition definition, ProcessReferences references)
    {
        public List<DocumentError> Errors { get; } = [];
        readonly HashSet<string> fields = new(definition.Form.Select(f => f.Id), StringComparer.Ordinal);
        readonly HashSet<string> taskIds = new(definition.Tasks.Select(t => t.Id), StringComparer.Ordinal);
        readonly IReadOnlyDictionary<string, ValueKind> known = ConditionPaths.With(FormValidator.Kinds(definition.Form));
        HashSet<string> states = [];
        HashSet<string> closedStates = [];

        void Add(string path, string code, params object[] args) =>
            Errors.Add(new DocumentError(path, code, DocumentMessages.Format(code, args), Args: args));

        public void Run()
        {
            if (!references.Desks.Contains(definition.Desk))
                Add("/desk", "process.unknown_desk", definition.Desk);
            if (definition.Group is { } group) Group("/group", group);
            Catalog();
            Form();
            States();
            Transitions();
            Approvals();
            Tasks();
            Rules();
            Sla();
        }

        void Group(string path, string key)
        {
            if (!references.Groups.Contains(key)) Add(path, "process.unknown_group", key);
        }

        void Duration(string path, string? text)
        {
            if (text is not null && !TryParseDuration(text, out _, out _))
                Add(path, "process.bad_duration", text);
        }

        void Unique<T>(IReadOnlyList<T> items, Func<T, string> id, string list, string member, string code)
        {
            HashSet<string> seen = new(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
                if (!seen.Add(id(items[i])))
                    Add($"/{list}/{i}/{member}", code, id(items[i]));
        }

        void Catalog()
        {
            if (definition.Catalog is not { } catalog) return;
            for (var i = 0; i < catalog.Audience.Count; i++)
            {
                var entry = catalog.Audience[i];
                var path = $"/catalog/audience/{i}";
                if (entry.StartsWith("group:", StringComparison.Ordinal)) Group(path, entry[6..]);
                else if (entry.StartsWith("role:", StringComparison.Ordinal)) Role(path, entry[5..]);
                else if (entry != "everyone" && !entry.StartsWith("department:", StringComparison.Ordinal))
                    Add(path, "process.bad_audience", entry);
            }
        }

        void Role(string path, string role)
        {
            if (!references.Roles.Contains(role)) Add(path, "process.unknown_role", role);
        }

        void Form()
        {
                        foreach (var error in FormValidator.CheckDefinition(definition.Form))
                Errors.Add(new DocumentError(error.Path, error.Code, error.Message, Args: error.Args));
        }

        void States()
        {
            if (definition.States.Count == 0)
            {
                var builtIn = BuiltInWorkflows.Request;
                states = [.. builtIn.States];
                closedStates = [.. builtIn.ClosedStates];
                return;
            }
            Unique(definition.States, s => s.Id, "states", "id", "process.duplicate_state");
            states = [.. definition.States.Select(s => s.Id)];
            closedStates = [.. definition.States.Where(s => s.Category == StateCategory.Closed).Select(s => s.Id)];
            if (!definition.States.Any(s => s.Category == StateCategory.Open))
                Add("/states", "process.no_open_state");
            if (!definition.States.Any(s => s.Category is StateCategory.Resolved or StateCategory.Closed))
                Add("/states", "process.no_final_state");
        }

        void State(string path, string state)
        {
            if (!states.Contains(state))
                Add(path, "process.unknown_state", state, string.Join(", ", states));
        }

        void Transitions()
        {
            HashSet<(string, string)> seen = [];
            for (var i = 0; i < definition.Transitions.Count; i++)
            {
                var transition = definition.Transitions[i];
                State($"/transitions/{i}/from", transition.From);
                State($"/transitions/{i}/to", transition.To);
                if (closedStates.Contains(transition.From))
                    Add($"/transitions/{i}/from", "process.transition_from_closed", transition.From);
                if (transition.From == transition.To)
                    Add($"/transitions/{i}/to", "process.transition_to_itself", transition.From);
                if (!seen.Add((transition.From, transition.To)))
                    Add($"/transitions/{i}", "process.duplicate_transition", transition.From, transition.To);
            }
        }

        void Approvals()
        {
            Unique(definition.Approvals, a => a.Stage, "approvals", "stage", "process.duplicate_stage");
            for (var i = 0; i < definition.Approvals.Count; i++)
            {
                var stage = definition.Approvals[i];
                var path = $"/approvals/{i}";
                if (stage.Approvers.Count == 0)
                    Add($"{path}/approvers", "process.no_approvers");
                for (var j = 0; j < stage.Approvers.Count; j++) Approver($"{path}/approvers/{j}", stage.Approvers[j]);
                if (stage.Rule == ApprovalRule.Quorum)
                {
                    // A group, role or the CAB may hold any number of people; only a list of individuals bounds the quorum.
                    var individuals = stage.Approvers.All(a => a.StartsWith("person:", StringComparison.Ordinal) || a is "requester.manager" or "department.head");
                    if (stage.Quorum is not { } quorum)
                        Add($"{path}/quorum", "process.quorum_missing");
                    else if (quorum < 1)
                        Add($"{path}/quorum", "process.quorum_too_small");
                    else if (individuals && quorum > stage.Approvers.Count)
                        Add($"{path}/quorum", "process.quorum_too_large", quorum, stage.Approvers.Count);
                }
                else if (stage.Quorum is not null)
                {
                    Add($"{path}/quorum", "process.quorum_without_rule");
                }
                ConditionAt($"{path}/when", stage.When);
                Duration($"{path}/remindAfter", stage.RemindAfter);
                Duration($"{path}/remindEvery", stage.RemindEvery);
                if (stage.RemindEvery is not null && stage.RemindAfter is null) Add($"{path}/remindEvery", "process.remind_every_without_after");
            }
        }

        void Approver(string path, string approver)
        {
            var colon = approver.IndexOf(':', StringComparison.Ordinal);
            var (kind, name) = colon < 0 ? (approver, "") : (approver[..colon], approver[(colon + 1)..]);
            switch (kind)
            {
                case "person":
                    if (!references.People.Contains(name)) Add(path, "process.unknown_person", name);
                    break;
                case "group":
                    Group(path, name);
                    break;
                case "role":
                    Role(path, name);
                    break;
                case "requester.manager" or "department.head" or "cab" when colon < 0:
                    break;
                default:
                    Add(path, "process.bad_approver", approver);
                    break;
            }
        }

        void Tasks()
        {
            Unique(definition.Tasks, t => t.Id, "tasks", "id", "process.duplicate_task");
            for (var i = 0; i < definition.Tasks.Count; i++) Task($"/tasks/{i}", definition.Tasks[i], taskIds);
            TaskCycles();
        }

        void Task(string path, TaskDefinition task, HashSet<string> tasks)
        {
            if (task.Group is not null && task.Desk is not null)
                Add($"{path}/desk", "process.task_group_and_desk");
            if (task.Group is { } group) Group($"{path}/group", group);
            if (task.Desk is { } desk && !references.Desks.Contains(desk))
                Add($"{path}/desk", "process.unknown_desk", desk);
            for (var j = 0; j < task.After.Count; j++)
            {
                if (task.After[j] == task.Id)
                    Add($"{path}/after/{j}", "process.task_after_itself", task.Id);
                else if (!tasks.Contains(task.After[j]))
                    Add($"{path}/after/{j}", "process.unknown_task", task.After[j]);
            }
            ConditionAt($"{path}/when", task.When);
            Duration($"{path}/due", task.Due);
        }

        /// <summary>Depth-first search over after-edges; the first cycle found is reported once, as a → b → a.</summary>
        void TaskCycles()
        {
            var byId = definition.Tasks.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var index = definition.Tasks.Select((t, i) => (t.Id, i)).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            Dictionary<string, int> mark = new(StringComparer.Ordinal); // 1 on the path, 2 done
            HashSet<string> reported = new(StringComparer.Ordinal);
            List<string> path = [];

            bool Visit(string id)
            {
                mark[id] = 1;
                path.Add(id);
                foreach (var next in byId[id].After.Where(a => a != id && byId.ContainsKey(a)))
                {
                    if (mark.GetValueOrDefault(next) == 1)
                    {
                        var cycle = path.Skip(path.IndexOf(next)).Append(next).ToList();
                        if (cycle.Take(cycle.Count - 1).Any(reported.Add))
                            Add($"/tasks/{index[next]}/after", "process.task_cycle", string.Join(" → ", cycle));
                        continue;
                    }
                    if (mark.GetValueOrDefault(next) == 0) Visit(next);
                }
                path.RemoveAt(path.Count - 1);
                mark[id] = 2;
                return false;
            }

            foreach (var task in definition.Tasks)
                if (mark.GetValueOrDefault(task.Id) == 0) Visit(task.Id);
        }

        void Rules()
        {
            for (var i = 0; i < definition.Rules.Count; i++)
            {
                var rule = definition.Rules[i];
                var path = $"/rules/{i}";
                Trigger($"{path}/on", rule.On);
                Duration($"{path}/after", rule.After);
                ConditionAt($"{path}/when", rule.When);
                if (rule.Do.Count == 0) Add($"{path}/do", "process.rule_no_actions");
                for (var j = 0; j < rule.Do.Count; j++) Action($"{path}/do/{j}", rule.Do[j]);
            }
        }

        void Trigger(string path, string on)
        {
            var colon = on.IndexOf(':', StringComparison.Ordinal);
            var (name, argument) = colon < 0 ? (on, null) : (on[..colon], on[(colon + 1)..]);
            switch (name)
            {
                case "created" or "approval_decided" or "tasks.all_done" when argument is null:
                    break;
                case "field_changed" when argument is { Length: > 0 }:
                    if (!fields.Contains(argument) && !TicketFields.Contains(argument))
                        Add(path, "process.unknown_trigger_field", argument);
                    break;
                case "state_entered" when argument is { Length: > 0 }:
                    State(path, argument);
                    break;
                default:
                    Add(path, "process.bad_trigger", on);
                    break;
            }
        }

        void Action(string path, RuleAction action)
        {
            var members = new (string Name, bool IsSet)[]
            {
                ("set", action.Set is not null), ("transition", action.Transition is not null), ("assign", action.Assign is not null),
                ("addTask", action.AddTask is not null), ("addWatcher", action.AddWatcher is not null),
                ("notify", action.Notify is not null), ("createLinked", action.CreateLinked is not null),
            }.Where(m => m.IsSet).Select(m => m.Name).ToList();
            if (members.Count != 1)
            {
                if (members.Count == 0) Add(path, "process.action_empty");
                else Add(path, "process.action_several", string.Join(", ", members));
                return;
            }
            if (action.Template is not null && action.Notify is null)
                Add($"{path}/template", "process.template_without_notify");

            if (action.Set is { } set)
            {
                if (set.Count == 0) Add($"{path}/set", "process.set_empty");
                foreach (var (target, value) in set) SetTarget($"{path}/set/{Pointer.Escape(target)}", target, value);
            }
            if (action.Transition is { } transition) State($"{path}/transition", transition);
            if (action.Assign is { } group) Group($"{path}/assign", group);
            if (action.AddTask is { } task) Task($"{path}/addTask", task, taskIds);
            if (action.AddWatcher is { } watcher && watcher != "requester.manager" && !references.People.Contains(watcher))
                Add($"{path}/addWatcher", "process.unknown_person", watcher);
            if (action.Notify is { } notify && !NotifyTargets.Contains(notify) && !references.People.Contains(notify))
                Add($"{path}/notify", "process.unknown_recipient", notify);
            if (action.CreateLinked is { } linked && linked != definition.Key && !references.Processes.Contains(linked))
                Add($"{path}/createLinked", "process.unknown_process", linked);
        }

        void SetTarget(string path, string target, JsonNode? value)
        {
            if (target.StartsWith("fields.", StringComparison.Ordinal))
            {
                var field = target["fields.".Length..];
                if (!fields.Contains(field)) Add(path, "process.unknown_field", field);
                return;
            }
            if (!SettableTicketFields.Contains(target))
            {
                Add(path, "process.bad_set_target", target);
                return;
            }
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (text is null) Add(path, "process.set_value_text", target);
            else if (target == "status") State(path, text);
        }

        void Sla()
        {
            if (definition.Sla is not { } sla) return;
            Duration("/sla/response", sla.Response);
            Duration("/sla/resolution", sla.Resolution);
        }

        void ConditionAt(string path, string? text)
        {
            if (text is null) return;
            var parse = Condition.Parse(text);
            var failure = parse.Failure ?? (parse.Condition is null ? new ConditionError("condition.empty", [], 0) : parse.Condition.Check(known));
            if (failure is not null) Errors.Add(new DocumentError(path, failure.Code, failure.Message, Args: failure.Args));
        }
    }
}

/// <summary>JSON Pointer segments (RFC 6901).</summary>
static class Pointer
{
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    public static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
