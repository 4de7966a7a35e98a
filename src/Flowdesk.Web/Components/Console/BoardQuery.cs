using System.Globalization;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Web.Components.Console;

public sealed record BoardCard(Guid Id, string Number, string Subject, Priority Priority, string Status, int Version,
    string? Assignee, string Process, IReadOnlyList<string> Targets);

/// <summary>A column: <see cref="Finished"/> columns (resolved, closed, cancelled, rejected) hold the last <see cref="BoardQuery.RecentDays"/> days only.</summary>
public sealed record BoardColumn(string State, string Name, int Count, int? WipLimit, IReadOnlyList<BoardCard> Cards, bool Finished = false)
{
    public bool OverLimit => WipLimit is { } limit && Count > limit;
    public int Hidden => Count - Cards.Count;
}

/// <summary>
/// What the board shows. <see cref="Shown"/> is how many cards each column renders (more after "show more"); <see cref="Now"/>
/// is the clock's time, from which the finished columns count their recent days (the system clock when not given).
/// </summary>
public sealed record BoardFilter(string? DeskKey, Priority? Priority, string? Assignee, IReadOnlyDictionary<string, int> Wip,
    string? ProcessKey = null, IReadOnlyDictionary<string, int>? Shown = null, DateTimeOffset? Now = null);

public sealed record ProcessOption(string Key, string Name);

public sealed record BoardView(DeskOption? Desk, IReadOnlyList<DeskOption> Desks, IReadOnlyList<BoardColumn> Columns,
    IReadOnlyList<ProcessOption>? Processes = null);

/// <summary>
/// A desk's tickets as a Kanban, through Access.VisibleTo. The columns are the states of the built-in workflows and of
/// every published (or superseded) version of the desk's processes (merged in their own order), and each card's moves
/// come from its own pinned version — a v1 ticket and a v2 ticket of the same process may offer different moves.
/// Finished columns show what finished in the last <see cref="RecentDays"/> days, newest first: a desk's whole history
/// (780,000 closed tickets at the benchmark's scale) is the queues' and reports' business, and every query here reads
/// an index range of the open and recent tickets only (ix_tickets_board, ix_tickets_desk_status_updated).
/// </summary>
public static class BoardQuery
{
    /// <summary>Cards a column renders at first and per "show more"; the count is always the full one.</summary>
    public const int CardsPerColumn = 40;
    public const int MaxCardsPerColumn = 1000;
    /// <summary>How far back the finished columns (resolved, closed, cancelled, rejected) reach.</summary>
    public const int RecentDays = 14;

    static readonly string[] FinishedStates = [TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled, ProcessWorkflows.Rejected];

    /// <summary>The built-in states, with the approval states that process tickets pass through after "new": an empty board's columns.</summary>
    public static readonly IReadOnlyList<string> States =
        [TicketStates.New, ProcessWorkflows.AwaitingApproval, .. BuiltInWorkflows.Incident.States.Union(BuiltInWorkflows.Request.States).Skip(1), ProcessWorkflows.Rejected];

    public static async Task<BoardView> LoadAsync(FlowdeskDb db, Caller caller, BoardFilter filter, CancellationToken ct)
    {
        var desks = await ConsoleDesks.ForAsync(db, caller, ct);
        var desk = filter.DeskKey is null ? desks.FirstOrDefault() : desks.FirstOrDefault(d => d.Key == filter.DeskKey);
        if (desk is null) return new BoardView(null, desks, []);
        var language = CurrentLanguage.Get();

        var onDesk = db.Tickets.VisibleTo(caller).AsNoTracking().Where(t => t.DeskId == desk.Id);
        // The versions tickets on this desk can be pinned to, from the process tables rather than a scan of the tickets.
        var pins = await PinsAsync(db, desk.Id, ct);
        var processes = await ProcessNamesAsync(db, pins.Select(p => p.Key).Distinct().ToList(), language, ct);

        var query = onDesk;
        if (filter.ProcessKey is { } processKey)
        {
            query = query.Where(t => t.ProcessKey == processKey);
            pins = pins.Where(p => p.Key == processKey).ToList();
        }
        if (filter.Priority is { } priority) query = query.Where(t => t.Priority == priority);
        query = filter.Assignee switch
        {
            "me" => query.Where(t => t.AssigneeId == caller.PersonId),
            "none" => query.Where(t => t.AssigneeId == null),
            _ => query,
        };

        // One workflow per pinned version; the columns are their states in order.
        Dictionary<(string, int), Workflow> workflows = [];
        foreach (var pin in pins.OrderBy(p => p.Key, StringComparer.Ordinal).ThenByDescending(p => p.Version))
            workflows[pin] = await ProcessWorkflows.ForAsync(db, pin.Key, pin.Version, ct);
        var states = workflows.Count == 0 ? [.. States] : MergeStates(workflows.Values.Select(w => w.States));
        var names = await StateNamesAsync(db, workflows.Keys, language, ct);
        var finished = states.Where(s => FinishedStates.Contains(s) || workflows.Values.Any(w => w.ResolvedStates.Contains(s) || w.ClosedStates.Contains(s)))
            .ToList();
        var open = states.Except(finished).ToList();
        var since = (filter.Now ?? DateTimeOffset.UtcNow).AddDays(-RecentDays);
        var recent = query.Where(t => finished.Contains(t.Status) && t.UpdatedAt >= since);

        // Counts per state: open states in full, finished ones for the recent days (each an index range, see above).
        var counts = await query.Where(t => open.Contains(t.Status)).GroupBy(t => t.Status).Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, ct);
        foreach (var row in await recent.GroupBy(t => t.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct))
            counts[row.Status] = row.Count;

        // Same rule as TicketViews.Actor: staff of the desk move as staff, a requester only their own tickets.
        var staff = caller.MayWorkOn(desk.Id);
        List<BoardColumn> columns = [];
        foreach (var state in states)
        {
            var count = counts.GetValueOrDefault(state);
            var take = Math.Clamp(filter.Shown?.GetValueOrDefault(state) is > 0 and var shown ? shown : CardsPerColumn, 1, MaxCardsPerColumn);
            var done = finished.Contains(state);
            // Open columns: most urgent first (priority, then due); finished ones: the latest to finish first.
            var ordered = done
                ? recent.Where(t => t.Status == state).OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Number)
                : query.Where(t => t.Status == state)
                    .OrderBy(t => t.Priority).ThenBy(t => t.ResolutionDue == null).ThenBy(t => t.ResolutionDue).ThenBy(t => t.CreatedAt).ThenBy(t => t.Number);
            var cards = count == 0 ? [] : await ordered.Take(take)
                .Select(t => new { t.Id, t.Number, t.Subject, t.Priority, t.Status, t.Version, t.ProcessKey, t.ProcessVersion, t.RequesterId, Assignee = t.Assignee!.DisplayName })
                .ToListAsync(ct);
            // A ticket moved here from another desk may be pinned to a version no process of this desk has.
            foreach (var pin in cards.Select(c => (c.ProcessKey, c.ProcessVersion)).Distinct().Where(p => !workflows.ContainsKey(p)).ToList())
                workflows[pin] = await ProcessWorkflows.ForAsync(db, pin.ProcessKey, pin.ProcessVersion, ct);
            columns.Add(new BoardColumn(state, names.GetValueOrDefault(state) ?? "", count, filter.Wip.TryGetValue(state, out var limit) ? limit : null,
                cards.Select(c =>
                {
                    TransitionActor? actor = staff ? TransitionActor.Staff : c.RequesterId == caller.PersonId ? TransitionActor.Requester : null;
                    var workflow = workflows[(c.ProcessKey, c.ProcessVersion)];
                    var targets = actor is { } who ? workflow.NextStates(c.Status, who).ToList() : [];
                    return new BoardCard(c.Id, c.Number, c.Subject, c.Priority, c.Status, c.Version, c.Assignee,
                        processes.GetValueOrDefault(c.ProcessKey) ?? c.ProcessKey, targets);
                }).ToList(), done));
        }
        return new BoardView(desk, desks, columns,
            processes.Select(p => new ProcessOption(p.Key, p.Value)).OrderBy(p => p.Name, StringComparer.CurrentCulture).ToList());
    }

    /// <summary>
    /// Several state lists in one order: each state goes right after the state it follows in its own list, so a
    /// process's extra states (awaiting_approval after new) land where that process has them.
    /// </summary>
    public static List<string> MergeStates(IEnumerable<IReadOnlyList<string>> lists)
    {
        List<string> merged = [];
        foreach (var list in lists)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (merged.Contains(list[i])) continue;
                var after = i == 0 ? -1 : merged.IndexOf(list[i - 1]);
                if (i == 0) merged.Insert(0, list[i]);
                else if (after >= 0) merged.Insert(after + 1, list[i]);
                else merged.Add(list[i]);
            }
        }
        return merged;
    }

    /// <summary>
    /// The versions a ticket on the desk may be pinned to: the built-in workflows, and every version of the desk's
    /// processes that was ever published (tickets never start on a draft).
    /// </summary>
    static async Task<List<(string Key, int Version)>> PinsAsync(FlowdeskDb db, Guid deskId, CancellationToken ct)
    {
        var versions = await db.ProcessVersions.AsNoTracking()
            .Where(v => v.Status != ProcessVersionStatus.Draft && db.Processes.Any(p => p.Id == v.ProcessId && p.DeskId == deskId))
            .Select(v => new { v.ProcessKey, v.Number }).ToListAsync(ct);
        return [(BuiltInWorkflows.Incident.Key, BuiltInWorkflows.Incident.Version), (BuiltInWorkflows.Request.Key, BuiltInWorkflows.Request.Version),
            .. versions.Select(v => (v.ProcessKey, v.Number))];
    }

    /// <summary>Display names of states that a pinned definition names itself; built-in states use the UI's texts.</summary>
    static async Task<Dictionary<string, string>> StateNamesAsync(FlowdeskDb db, IEnumerable<(string Key, int Version)> pins, string language, CancellationToken ct)
    {
        Dictionary<string, string> names = new(StringComparer.Ordinal);
        foreach (var (key, version) in pins)
            if (await ProcessLibrary.DefinitionAsync(db, key, version, ct) is { } definition)
                foreach (var state in definition.States)
                    if (state.Name is { } name) names.TryAdd(state.Id, name.For(language));
        return names;
    }

    static async Task<Dictionary<string, string>> ProcessNamesAsync(FlowdeskDb db, List<string> keys, string language, CancellationToken ct)
    {
        Dictionary<string, string> names = new(StringComparer.Ordinal);
        var published = await db.Processes.AsNoTracking().Where(p => keys.Contains(p.Key) && p.PublishedVersion != null)
            .Select(p => new { p.Key, Version = p.PublishedVersion!.Value }).ToListAsync(ct);
        foreach (var p in published)
            if (await ProcessLibrary.DefinitionAsync(db, p.Key, p.Version, ct) is { } definition)
                names[p.Key] = definition.Name.For(language);
        foreach (var key in keys) names.TryAdd(key, key);
        return names;
    }

    /// <summary>WIP limits from the address: <c>wip=in_progress:5,new:20</c>; bad state names and numbers are ignored.</summary>
    public static Dictionary<string, int> ParseWip(string? text)
    {
        Dictionary<string, int> limits = new(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return limits;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && IsStateName(pair[0])
                && int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= 10_000)
                limits[pair[0]] = limit;
        }
        return limits;
    }

    public static string FormatWip(IReadOnlyDictionary<string, int> limits) =>
        string.Join(',', limits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}:{l.Value.ToString(CultureInfo.InvariantCulture)}"));

    static bool IsStateName(string text) => text.Length is > 0 and <= 50 && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
