namespace Flowdesk.Processes;

/// <summary>Who is moving a ticket: staff of its desk, or its requester.</summary>
[Flags]
public enum TransitionActor { Staff = 1, Requester = 2, Anyone = Staff | Requester, Engine = 4 }

public sealed record Transition(string From, string To, TransitionActor AllowedBy);

/// <summary>
/// A process's state machine as immutable data. The process engine issue grows this into
/// versioned definitions; the built-in ones below serve incidents and requests until then.
/// </summary>
public sealed record Workflow(string Key, int Version, string Initial, IReadOnlyList<string> States,
    IReadOnlyList<Transition> Transitions, IReadOnlySet<string> ResolvedStates, IReadOnlySet<string> ClosedStates)
{
    public Decision CanMove(string from, string to, TransitionActor actor)
    {
        if (!States.Contains(to)) return Decision.Refuse("unknown_state");
        if (from == to) return Decision.Refuse("same_state");
        var transition = Transitions.FirstOrDefault(t => t.From == from && t.To == to && (actor == TransitionActor.Engine || (t.AllowedBy & actor) != 0))
            ?? Transitions.FirstOrDefault(t => t.From == from && t.To == to);
        if (transition is null) return Decision.Refuse("not_allowed");
        // The engine carries out the process itself (approvals passed, rules, tasks done): any move the process knows.
        if (actor != TransitionActor.Engine && (transition.AllowedBy & actor) == 0) return Decision.Refuse("not_allowed_for_actor");
        return Decision.Allow;
    }

    /// <summary>Where the actor may move the ticket from here (the engine's own moves are not offered to people).</summary>
    public IEnumerable<string> NextStates(string from, TransitionActor actor) =>
        Transitions.Where(t => t.From == from && (t.AllowedBy & actor) != 0).Select(t => t.To).Distinct();
}

public sealed record Decision(bool Allowed, string? Reason)
{
    public static readonly Decision Allow = new(true, null);
    public static Decision Refuse(string reason) => new(false, reason);
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

public static class BuiltInWorkflows
{
    static readonly string[] Working = [TicketStates.New, TicketStates.InProgress, TicketStates.WaitingOnRequester, TicketStates.WaitingOnThirdParty];

    static Workflow Build(string key)
    {
        var s = TicketStates.New;
        List<Transition> transitions = [];
        foreach (var from in Working)
        {
            foreach (var to in Working.Where(w => w != from && w != s))
                transitions.Add(new(from, to, TransitionActor.Staff));
            transitions.Add(new(from, TicketStates.Resolved, TransitionActor.Staff));
            transitions.Add(new(from, TicketStates.Cancelled, TransitionActor.Anyone));
        }
        // The requester's reply answers a question, so they may hand the ticket back.
        transitions.Add(new(TicketStates.WaitingOnRequester, TicketStates.InProgress, TransitionActor.Anyone));
        transitions.RemoveAll(t => t.From == TicketStates.WaitingOnRequester && t.To == TicketStates.InProgress && t.AllowedBy == TransitionActor.Staff);
        transitions.Add(new(TicketStates.Resolved, TicketStates.InProgress, TransitionActor.Anyone)); // reopen
        transitions.Add(new(TicketStates.Resolved, TicketStates.Closed, TransitionActor.Anyone));
        return new Workflow(key, 1, s,
            [.. Working, TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled],
            transitions,
            new HashSet<string> { TicketStates.Resolved },
            new HashSet<string> { TicketStates.Closed, TicketStates.Cancelled });
    }

    public static readonly Workflow Incident = Build("incident");
    public static readonly Workflow Request = Build("request");

    public static Workflow For(string processKey) => processKey switch
    {
        "incident" => Incident,
        _ => Request,
    };

    public static Workflow For(Tickets.TicketKind kind) => kind == Tickets.TicketKind.Incident ? Incident : Request;
}
