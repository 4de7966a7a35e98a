using System.Globalization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Web.Components.Console;

public sealed record BoardCard(Guid Id, string Number, string Subject, Priority Priority, string Status, int Version,
    string? Assignee, IReadOnlyList<string> Targets);

public sealed record BoardColumn(string State, int Count, int? WipLimit, IReadOnlyList<BoardCard> Cards)
{
    public bool OverLimit => WipLimit is { } limit && Count > limit;
}

public sealed record BoardFilter(string? DeskKey, Priority? Priority, string? Assignee, IReadOnlyDictionary<string, int> Wip);

public sealed record BoardView(DeskOption? Desk, IReadOnlyList<DeskOption> Desks, IReadOnlyList<BoardColumn> Columns);

/// <summary>A desk's tickets as a Kanban: one column per state of the built-in workflows, through Access.VisibleTo.</summary>
public static class BoardQuery
{
    /// <summary>Cards shown per column (the count is always the full one); closed columns grow without bound.</summary>
    public const int CardsPerColumn = 200;

    /// <summary>The built-in states, with the approval states that process tickets pass through after "new".</summary>
    public static readonly IReadOnlyList<string> States =
        [TicketStates.New, ProcessWorkflows.AwaitingApproval, .. BuiltInWorkflows.Incident.States.Union(BuiltInWorkflows.Request.States).Skip(1), ProcessWorkflows.Rejected];

    public static async Task<BoardView> LoadAsync(FlowdeskDb db, Caller caller, BoardFilter filter, CancellationToken ct)
    {
        var desks = await ConsoleDesks.ForAsync(db, caller, ct);
        var desk = filter.DeskKey is null ? desks.FirstOrDefault() : desks.FirstOrDefault(d => d.Key == filter.DeskKey);
        if (desk is null) return new BoardView(null, desks, []);

        var query = db.Tickets.VisibleTo(caller).AsNoTracking().Where(t => t.DeskId == desk.Id);
        if (filter.Priority is { } priority) query = query.Where(t => t.Priority == priority);
        query = filter.Assignee switch
        {
            "me" => query.Where(t => t.AssigneeId == caller.PersonId),
            "none" => query.Where(t => t.AssigneeId == null),
            _ => query,
        };

        var counts = await query.GroupBy(t => t.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Status, g => g.Count, ct);
        // Same rule as TicketViews.Actor: staff of the desk move as staff, a requester only their own tickets.
        var staff = caller.MayWorkOn(desk.Id);
        List<BoardColumn> columns = [];
        foreach (var state in States)
        {
            var count = counts.GetValueOrDefault(state);
            var cards = count == 0 ? [] : await query.Where(t => t.Status == state)
                .OrderBy(t => t.Priority).ThenBy(t => t.ResolutionDue == null).ThenBy(t => t.ResolutionDue).ThenBy(t => t.CreatedAt)
                .Take(CardsPerColumn)
                .Select(t => new { t.Id, t.Number, t.Subject, t.Priority, t.Status, t.Version, t.ProcessKey, t.RequesterId, Assignee = t.Assignee!.DisplayName })
                .ToListAsync(ct);
            columns.Add(new BoardColumn(state, count, filter.Wip.TryGetValue(state, out var limit) ? limit : null,
                cards.Select(c =>
                {
                    TransitionActor? actor = staff ? TransitionActor.Staff : c.RequesterId == caller.PersonId ? TransitionActor.Requester : null;
                    var targets = actor is { } who ? BuiltInWorkflows.For(c.ProcessKey).NextStates(c.Status, who).ToList() : [];
                    return new BoardCard(c.Id, c.Number, c.Subject, c.Priority, c.Status, c.Version, c.Assignee, targets);
                }).ToList()));
        }
        return new BoardView(desk, desks, columns);
    }

    /// <summary>WIP limits from the address: <c>wip=in_progress:5,new:20</c>; unknown states and bad numbers are ignored.</summary>
    public static Dictionary<string, int> ParseWip(string? text)
    {
        Dictionary<string, int> limits = new(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return limits;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && States.Contains(pair[0])
                && int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= 10_000)
                limits[pair[0]] = limit;
        }
        return limits;
    }
}
