using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Flowdesk.Processes.Definitions;

/// <summary>
/// A process as a document: what the catalog shows, the form, the states and who may move between them,
/// approval stages, fulfilment tasks, rules and the SLA reference. Immutable data: a published version
/// never changes, and the engine reads a ticket's pinned version to decide what happens next.
/// Serialised as JSON (storage, API) and YAML (process-as-code) with the same camelCase names.
/// </summary>
public sealed record ProcessDefinition
{
    public required string Key { get; init; }
    public required LocalizedText Name { get; init; }
    public required string Desk { get; init; }
    public ProcessKind Kind { get; init; } = ProcessKind.Request;
    public LocalizedText? Description { get; init; }
    public CatalogEntry? Catalog { get; init; }
    public IReadOnlyList<FormField> Form { get; init; } = [];
    /// <summary>States in display order; empty means the built-in states of the kind.</summary>
    public IReadOnlyList<StateDefinition> States { get; init; } = [];
    /// <summary>Allowed moves; empty means the built-in transitions over <see cref="States"/>.</summary>
    public IReadOnlyList<TransitionDefinition> Transitions { get; init; } = [];
    public IReadOnlyList<ApprovalStage> Approvals { get; init; } = [];
    public IReadOnlyList<TaskDefinition> Tasks { get; init; } = [];
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];
    public SlaReference? Sla { get; init; }
    /// <summary>Default assignment when a ticket of this process is created.</summary>
    public string? Group { get; init; }
    public string? Category { get; init; }
    public string? Service { get; init; }
    /// <summary>One line: what changed in this version, shown in the version list and the catalog's "what's new".</summary>
    public string? Changelog { get; init; }
}

[JsonConverter(typeof(Tickets.LowerCaseEnum<ProcessKind>))]
public enum ProcessKind { Incident = 1, Request = 2, Problem = 3, Change = 4, Release = 5, Case = 6 }

/// <summary>Text in several languages: { en: "...", zh-CN: "..." }. en is required.</summary>
[JsonConverter(typeof(LocalizedTextConverter))]
public sealed record LocalizedText(IReadOnlyDictionary<string, string> Values)
{
    public string this[string language] => For(language);

    public string For(string language) =>
        Values.TryGetValue(Localization.Languages.Normalize(language), out var text) && text.Length > 0 ? text
        : Values.TryGetValue(Localization.Languages.English, out var en) ? en
        : Values.Values.FirstOrDefault() ?? "";

    public static LocalizedText Of(string en, string zh) =>
        new(new Dictionary<string, string> { [Localization.Languages.English] = en, [Localization.Languages.Chinese] = zh });

    public bool Equals(LocalizedText? other) =>
        other is not null && Values.Count == other.Values.Count && Values.All(v => other.Values.TryGetValue(v.Key, out var o) && o == v.Value);

    public override int GetHashCode() => Values.Count;
}

/// <summary>How the catalog offers the process: where, to whom and how it is found.</summary>
public sealed record CatalogEntry
{
    public required string Category { get; init; }
    /// <summary>Who may order it: "everyone", "role:manager", "department:Engineering", "group:it-desktop". Any match is enough.</summary>
    public IReadOnlyList<string> Audience { get; init; } = ["everyone"];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Icon { get; init; }
    public LocalizedText? Description { get; init; }
    /// <summary>What the requester can expect, e.g. "2 business days".</summary>
    public LocalizedText? TypicalTime { get; init; }
}

[JsonConverter(typeof(Tickets.LowerCaseEnum<FieldType>))]
public enum FieldType { Text, Multiline, Number, Date, Datetime, Bool, Select, Multiselect, Person, Group, Asset, Attachment }

public sealed record FieldOption(string Value, LocalizedText Label);

public sealed record FormField
{
    public required string Id { get; init; }
    public required FieldType Type { get; init; }
    public required LocalizedText Label { get; init; }
    public LocalizedText? Help { get; init; }
    public bool Required { get; init; }
    /// <summary>Condition (expression) under which the field becomes required.</summary>
    public string? RequiredIf { get; init; }
    /// <summary>Condition under which the field is shown; a hidden field is neither required nor kept.</summary>
    public string? VisibleIf { get; init; }
    public IReadOnlyList<FieldOption> Options { get; init; } = [];
    /// <summary>Numbers: smallest/largest value; text: shortest/longest length; multiselect: fewest/most choices.</summary>
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public string? Pattern { get; init; }
    public JsonNode? Default { get; init; }
    /// <summary>Default taken from the requester's profile: requester.department, requester.manager, requester.location.</summary>
    public string? DefaultFrom { get; init; }
}

[JsonConverter(typeof(Tickets.LowerCaseEnum<StateCategory>))]
public enum StateCategory { Open, Waiting, Resolved, Closed }

public sealed record StateDefinition
{
    public required string Id { get; init; }
    public LocalizedText? Name { get; init; }
    public StateCategory Category { get; init; } = StateCategory.Open;
}

[JsonConverter(typeof(Tickets.LowerCaseEnum<MoveBy>))]
public enum MoveBy { Staff, Requester, Anyone, Engine }

public sealed record TransitionDefinition(string From, string To, MoveBy By = MoveBy.Staff);

[JsonConverter(typeof(Tickets.LowerCaseEnum<ApprovalRule>))]
public enum ApprovalRule { Any, All, Quorum }

/// <summary>
/// One sequential approval stage. Approvers: "person:bob", "group:it-security", "role:process-owner",
/// "requester.manager", "department.head", "cab".
/// </summary>
public sealed record ApprovalStage
{
    public required string Stage { get; init; }
    public LocalizedText? Name { get; init; }
    public required IReadOnlyList<string> Approvers { get; init; }
    public ApprovalRule Rule { get; init; } = ApprovalRule.Any;
    /// <summary>Approvals needed when Rule is quorum.</summary>
    public int? Quorum { get; init; }
    /// <summary>Condition; when false the stage is skipped (and recorded as skipped).</summary>
    public string? When { get; init; }
    /// <summary>Remind pending approvers after this long, e.g. "1d", "4h".</summary>
    public string? RemindAfter { get; init; }
    /// <summary>Remind again at this interval while the approval is still pending; without it there is one reminder.</summary>
    public string? RemindEvery { get; init; }
}

/// <summary>A fulfilment task, created when the approvals have passed. Assigned to a group on any desk.</summary>
public sealed record TaskDefinition
{
    public required string Id { get; init; }
    public required LocalizedText Title { get; init; }
    /// <summary>Group key (any desk). Either this or Desk.</summary>
    public string? Group { get; init; }
    /// <summary>Desk key when no specific group: the desk's staff pick it up.</summary>
    public string? Desk { get; init; }
    public string? When { get; init; }
    /// <summary>Task ids that must be done first.</summary>
    public IReadOnlyList<string> After { get; init; } = [];
    /// <summary>Due after creation, e.g. "2d", "4h" (calendar time until the SLA engine gives business time).</summary>
    public string? Due { get; init; }
}

/// <summary>When something happens (on), if a condition holds (when), do these actions.</summary>
public sealed record RuleDefinition
{
    /// <summary>created | field_changed:&lt;field&gt; | state_entered:&lt;state&gt; | approval_decided | tasks.all_done</summary>
    public required string On { get; init; }
    /// <summary>
    /// A time-based rule: run this long after <see cref="On"/> happened (e.g. "5d"), and only if the ticket is still in
    /// the state it had then and <see cref="When"/> still holds. Null: run at once.
    /// </summary>
    public string? After { get; init; }
    public string? When { get; init; }
    public required IReadOnlyList<RuleAction> Do { get; init; }
}

/// <summary>One action; exactly one member is set.</summary>
public sealed record RuleAction
{
    /// <summary>Fields to set: status, priority, category, service, or fields.&lt;id&gt;.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Set { get; init; }
    public string? Transition { get; init; }
    /// <summary>A group key; the group's strategy picks the person.</summary>
    public string? Assign { get; init; }
    public TaskDefinition? AddTask { get; init; }
    /// <summary>A user name, or requester.manager.</summary>
    public string? AddWatcher { get; init; }
    /// <summary>Who: requester, assignee, group, requester.manager, or a user name; written to the outbox.</summary>
    public string? Notify { get; init; }
    public string? Template { get; init; }
    /// <summary>Create a linked ticket of this process key.</summary>
    public string? CreateLinked { get; init; }
}

public sealed record SlaReference
{
    /// <summary>Business time, e.g. "4h", "1bd".</summary>
    public string? Response { get; init; }
    public string? Resolution { get; init; }
    public string? Calendar { get; init; }
}
