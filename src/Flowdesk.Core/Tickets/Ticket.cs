using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Desks;
using Flowdesk.Processes;

namespace Flowdesk.Tickets;

/// <summary>
/// An incident, request or case. Every change goes through a method here that records who made it,
/// bumps the concurrency version and stamps the time; the history interceptor turns the changed
/// columns into field-level history rows in the same SaveChanges.
/// </summary>
public sealed class Ticket
{
    private Ticket() { }

    internal Ticket(Desk desk, string number, TicketKind kind, string subject, string description, Guid requesterId,
        Level impact, Level urgency, Priority? priority, Workflow workflow, Guid actorId, DateTimeOffset now)
        : this(desk, number, kind, subject, description, requesterId, impact, urgency, priority, workflow.Key, workflow.Version, workflow.Initial, actorId, now)
    {
    }

    /// <summary>A ticket pinned to a process version, starting in that version's initial state.</summary>
    internal Ticket(Desk desk, string number, TicketKind kind, string subject, string description, Guid requesterId,
        Level impact, Level urgency, Priority? priority, string processKey, int processVersion, string initialStatus, Guid actorId, DateTimeOffset now)
    {
        Id = Ids.New();
        DeskId = desk.Id;
        Number = number;
        Kind = kind;
        Subject = subject;
        Description = description;
        RequesterId = requesterId;
        Impact = impact;
        Urgency = urgency;
        Priority = priority ?? PriorityMatrix.For(impact, urgency);
        ProcessKey = processKey;
        ProcessVersion = processVersion;
        Status = initialStatus;
        CreatedAt = now;
        UpdatedAt = now;
        LastChangedById = actorId;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid DeskId { get; private set; }
    public Desk? Desk { get; private set; }
    public TicketKind Kind { get; private set; }
    public string Subject { get; private set; } = "";
    public string Description { get; private set; } = "";
    public Guid RequesterId { get; private set; }
    public People.Person? Requester { get; private set; }
    public string? Category { get; private set; }
    public string? Service { get; private set; }
    public Level Impact { get; private set; }
    public Level Urgency { get; private set; }
    public Priority Priority { get; private set; }
    public string Status { get; private set; } = "";
    public string ProcessKey { get; private set; } = "";
    public int ProcessVersion { get; private set; }
    public Guid? AssigneeGroupId { get; private set; }
    public Group? AssigneeGroup { get; private set; }
    public Guid? AssigneeId { get; private set; }
    public People.Person? Assignee { get; private set; }
    /// <summary>Custom field values as a JSON object (form values of the process).</summary>
    public string Fields { get; private set; } = "{}";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? FirstRespondedAt { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    /// <summary>Due times written by the SLA calculator; the queue sorts by ResolutionDue.</summary>
    public DateTimeOffset? FirstResponseDue { get; private set; }
    public DateTimeOffset? ResolutionDue { get; private set; }
    public bool FirstResponseBreached { get; private set; }
    public bool ResolutionBreached { get; private set; }
    /// <summary>Optimistic concurrency token, exposed as the ETag.</summary>
    public int Version { get; private set; }
    /// <summary>Who made the change being saved; the history interceptor reads it.</summary>
    public Guid LastChangedById { get; private set; }

    public List<TicketWatcher> Watchers { get; private set; } = [];
    public List<Comment> Comments { get; private set; } = [];
    /// <summary>Approvers asked about this ticket; they may see it while they decide and afterwards.</summary>
    public List<Processes.Approval> Approvals { get; private set; } = [];

    public string ETag => $"\"{Version}\"";

    void Touch(Guid actorId, DateTimeOffset now)
    {
        if (LastChangedById != actorId) LastChangedById = actorId;
        UpdatedAt = now;
        Version++;
    }

    public void Edit(TicketEdit edit, Guid actorId, DateTimeOffset now)
    {
        if (edit.Subject is not null) Subject = edit.Subject;
        if (edit.Description is not null) Description = edit.Description;
        if (edit.Category is not null) Category = edit.Category.Length == 0 ? null : edit.Category;
        if (edit.Service is not null) Service = edit.Service.Length == 0 ? null : edit.Service;
        if (edit.Impact is { } impact) Impact = impact;
        if (edit.Urgency is { } urgency) Urgency = urgency;
        if (edit.Priority is { } priority) Priority = priority;
        else if (edit.Impact is not null || edit.Urgency is not null) Priority = PriorityMatrix.For(Impact, Urgency);
        if (edit.AssigneeGroup is { } group) AssigneeGroupId = group.Value;
        if (edit.Assignee is { } assignee) AssigneeId = assignee.Value;
        if (edit.Fields is not null) Fields = MergeFields(Fields, edit.Fields);
        Touch(actorId, now);
    }

    /// <summary>Moves the ticket; callers must have asked the workflow first (see TransitionTicket).</summary>
    public void MoveTo(string status, Workflow workflow, Guid actorId, DateTimeOffset now)
    {
        Status = status;
        if (workflow.ResolvedStates.Contains(status)) ResolvedAt = now;
        else if (!workflow.ClosedStates.Contains(status)) ResolvedAt = null;
        ClosedAt = workflow.ClosedStates.Contains(status) ? now : null;
        Touch(actorId, now);
    }

    public Comment AddComment(Guid authorId, string body, bool isInternal, bool byStaff, DateTimeOffset now)
    {
        var comment = new Comment(Id, authorId, body, isInternal, now);
        Comments.Add(comment);
        if (byStaff && !isInternal && FirstRespondedAt is null) FirstRespondedAt = now;
        Touch(authorId, now);
        return comment;
    }

    /// <summary>A file was attached: the ticket's version (ETag) moves on and its history names the file.</summary>
    public TicketHistoryEntry AttachmentAdded(string fileName, Guid actorId, DateTimeOffset now)
    {
        Touch(actorId, now);
        return new TicketHistoryEntry(Id, actorId, now, "attachments", null, fileName);
    }

    public void SetFields(JsonObject fields) => Fields = fields.ToJsonString();

    public void SetCategory(string? category, string? service) { Category = category; Service = service; }

    public void AssignTo(Guid? groupId, Guid? personId) { AssigneeGroupId = groupId; AssigneeId = personId; }

    internal void Backdate(DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset? resolvedAt, DateTimeOffset? closedAt,
        DateTimeOffset? firstRespondedAt, DateTimeOffset? resolutionDue)
    {
        CreatedAt = createdAt; UpdatedAt = updatedAt; ResolvedAt = resolvedAt; ClosedAt = closedAt;
        FirstRespondedAt = firstRespondedAt; ResolutionDue = resolutionDue;
    }

    internal void ForceStatus(string status) => Status = status;

    /// <summary>Due times and breach flags from the SLA clock (Sla/SlaService.RecomputeAsync); not a person's edit, so no version bump.</summary>
    public void ApplySla(Sla.SlaSchedule schedule)
    {
        FirstResponseDue = schedule.FirstResponseDue;
        ResolutionDue = schedule.ResolutionDue;
        FirstResponseBreached = schedule.FirstResponseBreached;
        ResolutionBreached = schedule.ResolutionBreached;
    }

    static string MergeFields(string current, JsonObject changes)
    {
        var merged = JsonNode.Parse(current) as JsonObject ?? [];
        foreach (var (key, value) in changes)
        {
            if (value is null) merged.Remove(key);
            else merged[key] = value.DeepClone();
        }
        return merged.ToJsonString(JsonOptions);
    }

    static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>A partial change; null means "leave as is". Assignees use Optional so "unassign" differs from "not given".</summary>
public sealed record TicketEdit(
    string? Subject = null, string? Description = null, string? Category = null, string? Service = null,
    Level? Impact = null, Level? Urgency = null, Priority? Priority = null,
    Optional<Guid?>? AssigneeGroup = null, Optional<Guid?>? Assignee = null, JsonObject? Fields = null);

public readonly record struct Optional<T>(T Value);

public sealed class TicketWatcher
{
    private TicketWatcher() { }
    public TicketWatcher(Guid ticketId, Guid personId) { TicketId = ticketId; PersonId = personId; }
    public Guid TicketId { get; private set; }
    public Guid PersonId { get; private set; }
}

/// <summary>A public reply or an internal note (never shown to requesters).</summary>
public sealed class Comment
{
    private Comment() { }

    internal Comment(Guid ticketId, Guid authorId, string body, bool isInternal, DateTimeOffset now)
    {
        Id = Ids.New();
        TicketId = ticketId;
        AuthorId = authorId;
        Body = body;
        Internal = isInternal;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Guid AuthorId { get; private set; }
    public People.Person? Author { get; private set; }
    public string Body { get; private set; } = "";
    public bool Internal { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    internal void Backdate(DateTimeOffset at) => CreatedAt = at;
}

/// <summary>One changed field of a ticket: who, when, old and new value. Written by the history interceptor.</summary>
public sealed class TicketHistoryEntry
{
    private TicketHistoryEntry() { }

    public TicketHistoryEntry(Guid ticketId, Guid actorId, DateTimeOffset at, string field, string? oldValue, string? newValue)
    {
        Id = Ids.New();
        TicketId = ticketId;
        ActorId = actorId;
        At = at;
        Field = field;
        OldValue = oldValue;
        NewValue = newValue;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Guid ActorId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Field { get; private set; } = "";
    public string? OldValue { get; private set; }
    public string? NewValue { get; private set; }
}
