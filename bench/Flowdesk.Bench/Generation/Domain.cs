namespace Flowdesk.Bench.Generation;

// The stored values of Flowdesk's model that generated rows must match (src/Flowdesk.Core: TicketEnums.cs,
// Processes/Workflow.cs, Tickets/TicketNumbers.cs, Desks/Desk.cs, Localization/Languages.cs, Demo/Seeding.cs).
// Copied rather than referenced so the bench stays an outside client of the database and the API.

public enum TicketKind { Incident = 1, Request = 2 }

public enum Level { Low = 1, Medium = 2, High = 3 }

public enum Priority { P1 = 1, P2 = 2, P3 = 3, P4 = 4 }

/// <summary>The ITIL impact x urgency matrix: with Low=1, Medium=2, High=3 the priority follows from the sum.</summary>
public static class PriorityMatrix
{
    public static Priority For(Level impact, Level urgency) => ((int)impact + (int)urgency) switch
    {
        6 => Priority.P1,
        5 => Priority.P2,
        4 => Priority.P3,
        _ => Priority.P4,
    };
}

public static class TicketStates
{
    public const string New = "new";
    public const string InProgress = "in_progress";
    public const string WaitingOnRequester = "waiting_on_requester";
    public const string WaitingOnThirdParty = "waiting_on_third_party";
    public const string Resolved = "resolved";
    public const string Closed = "closed";
    public const string Cancelled = "cancelled";
}

public static class TicketNumbers
{
    public static string Format(string prefix, long number) => $"{prefix}-{number:D6}";
}

public static class Languages
{
    public const string English = "en";
    public const string Chinese = "zh-CN";
}

public static class DemoAccounts
{
    public const string Password = "Flowdesk!2026";
    public const string Technician = "li.agent";
    public const string Requester = "alice";
    public const int TechnicianDeskRole = 1; // DeskRole.Technician
}
