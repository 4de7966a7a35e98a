using System.Collections.Concurrent;
using Flowdesk.Persistence;
using Flowdesk.Processes.Definitions;

namespace Flowdesk.Processes;

/// <summary>Turns a process definition into its state machine, and finds the one a ticket is pinned to.</summary>
public static class ProcessWorkflows
{
    public const string AwaitingApproval = "awaiting_approval";
    public const string Rejected = "rejected";

    static readonly ConcurrentDictionary<(string, int), Workflow> Cache = new();

    /// <summary>The workflow of a ticket's pinned process version; tickets without a stored process use the built-in ones.</summary>
    public static async Task<Workflow> ForAsync(FlowdeskDb db, string processKey, int version, CancellationToken ct)
    {
        if (Cache.TryGetValue((processKey, version), out var cached)) return cached;
        var definition = await ProcessLibrary.DefinitionAsync(db, processKey, version, ct);
        if (definition is null) return BuiltInWorkflows.For(processKey);
        var workflow = Of(definition, version);
        if (await ProcessLibrary.IsPublishedAsync(db, processKey, version, ct)) Cache[(processKey, version)] = workflow;
        return workflow;
    }

    /// <summary>
    /// The definition's own states and transitions, or — when it gives none — the built-in ones plus the approval
    /// states the engine moves through (awaiting_approval, rejected) when the process has approval stages.
    /// </summary>
    public static Workflow Of(ProcessDefinition definition, int version)
    {
        if (definition.States.Count > 0)
        {
            var states = definition.States.Select(s => s.Id).ToList();
            var transitions = definition.Transitions.Select(t => new Transition(t.From, t.To, Actor(t.By))).ToList();
            if (transitions.Count == 0) transitions = DefaultTransitions(states, definition.States).ToList();
            return new Workflow(definition.Key, version, states[0], states, transitions,
                definition.States.Where(s => s.Category == StateCategory.Resolved).Select(s => s.Id).ToHashSet(StringComparer.Ordinal),
                definition.States.Where(s => s.Category == StateCategory.Closed).Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
        }

        var builtIn = definition.Kind == ProcessKind.Incident ? BuiltInWorkflows.Incident : BuiltInWorkflows.Request;
        if (definition.Approvals.Count == 0)
            return builtIn with { Key = definition.Key, Version = version };

        List<Transition> withApprovals = [.. builtIn.Transitions,
            new(TicketStates.New, AwaitingApproval, TransitionActor.Engine),
            new(AwaitingApproval, TicketStates.InProgress, TransitionActor.Engine),
            new(AwaitingApproval, Rejected, TransitionActor.Engine),
            new(AwaitingApproval, TicketStates.Cancelled, TransitionActor.Anyone)];
        return builtIn with
        {
            Key = definition.Key,
            Version = version,
            States = [TicketStates.New, AwaitingApproval, .. builtIn.States.Skip(1), Rejected],
            Transitions = withApprovals,
            ClosedStates = new HashSet<string>(builtIn.ClosedStates) { Rejected },
        };
    }

    /// <summary>Default moves over custom states: staff may move between any open states and resolve; anyone may cancel.</summary>
    static IEnumerable<Transition> DefaultTransitions(IReadOnlyList<string> states, IReadOnlyList<StateDefinition> definitions)
    {
        var category = definitions.ToDictionary(d => d.Id, d => d.Category, StringComparer.Ordinal);
        foreach (var from in states.Where(s => category[s] is StateCategory.Open or StateCategory.Waiting))
            foreach (var to in states.Where(s => s != from))
                yield return new Transition(from, to, TransitionActor.Staff);
        foreach (var from in states.Where(s => category[s] == StateCategory.Resolved))
            foreach (var to in states.Where(s => category[s] is StateCategory.Open or StateCategory.Closed))
                yield return new Transition(from, to, TransitionActor.Anyone);
    }

    static TransitionActor Actor(MoveBy by) => by switch
    {
        MoveBy.Staff => TransitionActor.Staff,
        MoveBy.Requester => TransitionActor.Requester,
        MoveBy.Anyone => TransitionActor.Anyone,
        MoveBy.Engine => TransitionActor.Engine,
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };
}
