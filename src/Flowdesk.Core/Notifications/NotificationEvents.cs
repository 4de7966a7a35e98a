using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowdesk.Notifications;

/// <summary>
/// The events people are told about. Writers may use dots or underscores (the SLA sweep writes "sla.warning",
/// the process engine "approval_needed"); <see cref="Normalize"/> maps both to these keys.
/// </summary>
public static class NotificationEvents
{
    public const string TicketCreated = "ticket_created";
    public const string CommentAdded = "comment_added";
    public const string Assigned = "assigned";
    public const string Resolved = "resolved";
    public const string ApprovalNeeded = "approval_needed";
    public const string ApprovalApproved = "approval_approved";
    public const string ApprovalRejected = "approval_rejected";
    public const string ApprovalReminder = "approval_reminder";
    public const string TaskAssigned = "task_assigned";
    public const string SurveyRequest = "survey_request";
    public const string SlaWarning = "sla_warning";
    public const string SlaBreach = "sla_breach";
    public const string SlaEscalation = "sla_escalation";

    public static readonly IReadOnlyList<string> All =
    [
        TicketCreated, CommentAdded, Assigned, Resolved, ApprovalNeeded, ApprovalApproved, ApprovalRejected, ApprovalReminder,
        TaskAssigned, SurveyRequest, SlaWarning, SlaBreach, SlaEscalation,
    ];

    public static string Normalize(string? name) => (name ?? "").Trim().Replace('.', '_').ToLowerInvariant();

    public static bool IsKnown(string? name) => All.Contains(Normalize(name), StringComparer.Ordinal);
}

/// <summary>
/// The payload of a "notification" outbox message. The process engine writes event, ticketId, number, recipients,
/// groupId and taskId; the other fields are optional and say whom else to tell and who acted (never told about their
/// own action). Unknown fields are ignored, so writers can add their own (the SLA sweep's level, due).
/// </summary>
public sealed record NotificationPayload
{
    [JsonPropertyName("event")] public string Event { get; init; } = "";
    public Guid? TicketId { get; init; }
    public string? Number { get; init; }
    /// <summary>People to tell, by id.</summary>
    public List<Guid>? Recipients { get; init; }
    /// <summary>A group whose active members are told.</summary>
    public Guid? GroupId { get; init; }
    public Guid? TaskId { get; init; }
    public Guid? ApprovalId { get; init; }
    public Guid? CommentId { get; init; }
    /// <summary>Who made the change; left out of the recipients.</summary>
    public Guid? ActorId { get; init; }
    public bool Requester { get; init; }
    public bool Watchers { get; init; }
    public bool Assignee { get; init; }
    /// <summary>SLA events: which target (first_response, resolution), its due time and the escalation level.</summary>
    public string? Target { get; init; }
    public DateTimeOffset? Due { get; init; }
    public int? Level { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static NotificationPayload? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<NotificationPayload>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
