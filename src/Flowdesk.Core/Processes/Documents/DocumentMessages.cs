using System.Globalization;

namespace Flowdesk.Processes.Documents;

/// <summary>
/// The English texts of the process.* document errors, the same as Messages.resx (a test keeps them in step):
/// the CLI and logs print these; the API looks the code up in the caller's language.
/// </summary>
public static class DocumentMessages
{
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>
    {
        ["process.document_too_large"] = "The document is larger than {0} KB.",
        ["process.document_too_deep"] = "The document is nested deeper than {0} levels.",
        ["process.document_too_many_nodes"] = "The document has more than {0} values.",
        ["process.document_empty"] = "The document is empty.",
        ["process.document_invalid"] = "The document does not fit the process model: {0}",
        ["process.yaml.syntax"] = "The YAML cannot be read: {0}",
        ["process.yaml.alias"] = "Anchors and aliases (&name, *name) are not allowed in process documents.",
        ["process.yaml.tag"] = "The tag {0} is not allowed in process documents.",
        ["process.yaml.documents"] = "A file holds one process document; remove the second '---'.",
        ["process.yaml.key_not_text"] = "A key must be plain text.",
        ["process.json.syntax"] = "The JSON cannot be read: {0}",
        ["process.schema.required"] = "The key '{0}' is missing.",
        ["process.schema.unknown_key"] = "Unknown key '{0}'.",
        ["process.schema.bad_language"] = "'{0}' is not a language of Flowdesk; use en or zh-CN.",
        ["process.schema.bad_set_target"] = "'{0}' cannot be set; use status, priority, category, service or fields.<id>.",
        ["process.schema.enum"] = "'{0}' is not allowed; use one of: {1}.",
        ["process.schema.type"] = "Expected {0}, found {1}.",
        ["process.schema.pattern"] = "'{0}' is not valid here: {1}.",
        ["process.schema.invalid"] = "The value does not fit the schema: {0}",
        ["process.unknown_desk"] = "There is no desk '{0}'.",
        ["process.unknown_group"] = "There is no group '{0}'.",
        ["process.unknown_role"] = "There is no role '{0}'.",
        ["process.unknown_person"] = "There is no person '{0}'.",
        ["process.unknown_recipient"] = "There is no person '{0}'; or write requester, assignee, group or requester.manager.",
        ["process.unknown_process"] = "There is no process '{0}'.",
        ["process.unknown_state"] = "'{0}' is not a state of this process (states: {1}).",
        ["process.unknown_task"] = "There is no task '{0}'.",
        ["process.unknown_field"] = "There is no field '{0}' in the form.",
        ["process.unknown_trigger_field"] = "There is no field '{0}' in the form or on the ticket.",
        ["process.bad_audience"] = "'{0}' is not an audience; write everyone, role:<role>, department:<name> or group:<group>.",
        ["process.bad_approver"] = "'{0}' is not an approver; write person:<user>, group:<group>, role:<role>, requester.manager, department.head or cab.",
        ["process.bad_duration"] = "'{0}' is not a duration; write a number and m, h, d or bd, e.g. 4h or 3bd.",
        ["process.remind_every_without_after"] = "remindEvery repeats a reminder; give remindAfter for the first one too.",
        ["process.bad_trigger"] = "'{0}' is not a trigger; write created, field_changed:<field>, state_entered:<state>, approval_decided or tasks.all_done.",
        ["process.bad_set_target"] = "'{0}' cannot be set; write status, priority, category, service or fields.<id>.",
        ["process.set_value_text"] = "{0} is set to a text value.",
        ["process.set_empty"] = "set needs at least one field.",
        ["process.duplicate_state"] = "The state '{0}' appears more than once.",
        ["process.duplicate_stage"] = "The approval stage '{0}' appears more than once.",
        ["process.duplicate_task"] = "The task '{0}' appears more than once.",
        ["process.duplicate_transition"] = "The transition {0} → {1} appears more than once.",
        ["process.no_open_state"] = "At least one state must be in the open category.",
        ["process.no_final_state"] = "At least one state must be in the resolved or closed category.",
        ["process.transition_from_closed"] = "'{0}' is a closed state; no transition leaves it.",
        ["process.transition_to_itself"] = "A transition from '{0}' to itself does nothing.",
        ["process.no_approvers"] = "A stage needs at least one approver.",
        ["process.quorum_missing"] = "A stage with rule quorum needs quorum: the number of approvals required.",
        ["process.quorum_too_small"] = "The quorum must be at least 1.",
        ["process.quorum_too_large"] = "The quorum {0} is more than the {1} approver(s) of the stage.",
        ["process.quorum_without_rule"] = "quorum applies only with rule: quorum.",
        ["process.task_group_and_desk"] = "A task goes to a group or to a desk, not both.",
        ["process.task_after_itself"] = "The task '{0}' cannot wait for itself.",
        ["process.task_cycle"] = "The tasks wait for each other in a cycle: {0}.",
        ["process.rule_no_actions"] = "A rule needs at least one action.",
        ["process.action_empty"] = "An action needs one of set, transition, assign, addTask, addWatcher, notify or createLinked.",
        ["process.action_several"] = "An action does one thing; this one has {0}.",
        ["process.template_without_notify"] = "template goes with notify.",
    };

    public static string Format(string code, params object[] args) =>
        English.TryGetValue(code, out var template) ? string.Format(CultureInfo.InvariantCulture, template, args) : code;
}
