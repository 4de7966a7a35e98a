using System.Text.Json;
using System.Text.Json.Serialization;
using Flowdesk.Processes;
using Flowdesk.Tickets;

namespace Flowdesk.Sla;

[JsonConverter(typeof(LowerCaseEnum<SlaMetric>))]
public enum SlaMetric { FirstResponse = 1, Resolution = 2 }

[JsonConverter(typeof(LowerCaseEnum<EscalationAction>))]
public enum EscalationAction { Notify = 1, Reassign = 2, RaisePriority = 3 }

/// <summary>
/// One escalation step: when <see cref="Metric"/> has used <see cref="AtPercent"/> of its target, do
/// <see cref="Action"/> (notify whom / reassign to which group; raise priority needs no target).
/// </summary>
public sealed record EscalationLevel(int Level, SlaMetric Metric, int AtPercent, EscalationAction Action, string? Target = null);

/// <summary>
/// Targets for a desk's tickets, optionally narrowed to a service, a priority and a process. Null criteria match
/// anything; the desk's default has none. See <see cref="SlaPolicyMatcher"/> for which one wins.
/// </summary>
public sealed class SlaPolicy
{
    public static readonly IReadOnlyList<string> DefaultPauseStates = [TicketStates.WaitingOnRequester, TicketStates.WaitingOnThirdParty];

    private SlaPolicy() { }

    public SlaPolicy(Guid deskId, string name, Guid calendarId, BusinessTarget firstResponse, BusinessTarget resolution,
        string? service = null, Priority? priority = null, string? processKey = null,
        IReadOnlyList<string>? pauseStates = null, int warningPercent = 75, IReadOnlyList<EscalationLevel>? escalations = null)
    {
        Id = Ids.New();
        DeskId = deskId;
        Name = name;
        CalendarId = calendarId;
        Service = service;
        Priority = priority;
        ProcessKey = processKey;
        Update(firstResponse, resolution, pauseStates ?? DefaultPauseStates, warningPercent, escalations ?? []);
    }

    public Guid Id { get; private set; }
    public Guid DeskId { get; private set; }
    public string Name { get; private set; } = "";
    public string? Service { get; private set; }
    public Priority? Priority { get; private set; }
    public string? ProcessKey { get; private set; }
    public Guid CalendarId { get; private set; }
    public Calendars.BusinessCalendar? Calendar { get; private set; }
    /// <summary>Targets in the text form of <see cref="BusinessTarget"/> ("1h", "3bd").</summary>
    public string FirstResponseTarget { get; private set; } = "";
    public string ResolutionTarget { get; private set; } = "";
    /// <summary>Comma-separated states in which both clocks pause.</summary>
    public string PauseStates { get; private set; } = "";
    public int WarningPercent { get; private set; }
    /// <summary>JSON array of <see cref="EscalationLevel"/>.</summary>
    public string Escalations { get; private set; } = "[]";

    public BusinessTarget FirstResponse() => BusinessTarget.Parse(FirstResponseTarget)!;
    public BusinessTarget Resolution() => BusinessTarget.Parse(ResolutionTarget)!;
    public IReadOnlySet<string> PausedIn() => PauseStates.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    public IReadOnlyList<EscalationLevel> EscalationLevels() => JsonSerializer.Deserialize<List<EscalationLevel>>(Escalations, Json) ?? [];

    public void Update(BusinessTarget firstResponse, BusinessTarget resolution, IReadOnlyList<string> pauseStates, int warningPercent,
        IReadOnlyList<EscalationLevel> escalations)
    {
        FirstResponseTarget = firstResponse.ToString();
        ResolutionTarget = resolution.ToString();
        PauseStates = string.Join(',', pauseStates);
        WarningPercent = warningPercent;
        Escalations = JsonSerializer.Serialize(escalations.OrderBy(e => e.Level).ToList(), Json);
    }

    public void UseCalendar(Guid calendarId) => CalendarId = calendarId;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// Picks the policy for a ticket. Pure. Every set criterion must equal the ticket's; among those that match, the
/// most specific wins: more criteria beat fewer, and at equal count service beats process beats priority (a
/// service's contract is the most deliberate promise). A desk's default has no criteria.
/// </summary>
public static class SlaPolicyMatcher
{
    public static SlaPolicy? Match(IEnumerable<SlaPolicy> policies, Guid deskId, string? service, Priority priority, string processKey) =>
        policies
            .Where(p => p.DeskId == deskId
                && (p.Service is null || string.Equals(p.Service, service, StringComparison.OrdinalIgnoreCase))
                && (p.Priority is null || p.Priority == priority)
                && (p.ProcessKey is null || p.ProcessKey == processKey))
            .OrderByDescending(Specificity)
            .ThenBy(p => p.Id)
            .FirstOrDefault();

    static int Specificity(SlaPolicy p)
    {
        int service = p.Service is null ? 0 : 1, process = p.ProcessKey is null ? 0 : 1, priority = p.Priority is null ? 0 : 1;
        return (service + process + priority) * 8 + service * 4 + process * 2 + priority;
    }
}
