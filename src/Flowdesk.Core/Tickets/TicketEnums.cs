using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowdesk.Tickets;

[JsonConverter(typeof(LowerCaseEnum<TicketKind>))]
public enum TicketKind { Incident = 1, Request = 2, Problem = 3, Change = 4, Release = 5, Case = 6 }

[JsonConverter(typeof(LowerCaseEnum<Level>))]
public enum Level { Low = 1, Medium = 2, High = 3 }

[JsonConverter(typeof(LowerCaseEnum<Priority>))]
public enum Priority { P1 = 1, P2 = 2, P3 = 3, P4 = 4 }

/// <summary>The ITIL impact x urgency matrix.</summary>
public static class PriorityMatrix
{
    public static Priority For(Level impact, Level urgency) => (impact, urgency) switch
    {
        (Level.High, Level.High) => Priority.P1,
        (Level.High, Level.Medium) or (Level.Medium, Level.High) => Priority.P2,
        (Level.High, Level.Low) or (Level.Medium, Level.Medium) or (Level.Low, Level.High) => Priority.P3,
        (Level.Medium, Level.Low) or (Level.Low, Level.Medium) or (Level.Low, Level.Low) => Priority.P4,
        _ => throw new ArgumentOutOfRangeException(nameof(impact)),
    };
}

/// <summary>Enums travel as lower-case names ("incident", "p1", "high"); numbers are refused so unknown values cannot slip in.</summary>
public sealed class LowerCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
