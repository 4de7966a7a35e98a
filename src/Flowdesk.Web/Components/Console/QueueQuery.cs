using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Web.Components.Console;

public enum QueueKind { Mine, Groups, Unassigned, Breaching, All }

/// <summary>What a queue shows. Status is a state, <see cref="Open"/> (the default) or <see cref="AnyStatus"/>.</summary>
public sealed record QueueFilter(QueueKind Queue, string Status, Priority? Priority, string? DeskKey, string Sort, int Page, string? Text = null)
{
    public const string Open = "open";
    public const string AnyStatus = "any";
    public const string DefaultSort = SavedViewRules.DefaultSort;
    public static IReadOnlyList<string> SortKeys => SavedViewRules.ColumnKeys;
}

public sealed record QueueRow(Guid Id, string Number, string Subject, string Status, Priority Priority, string Desk,
    string? Assignee, DateTimeOffset UpdatedAt, DateTimeOffset? Due, string? Group = null, string? Requester = null,
    DateTimeOffset CreatedAt = default, bool Breached = false, int Version = 0);

public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, int Total, int Page, int Pages,
    IReadOnlyDictionary<QueueKind, int> Counts, IReadOnlyList<DeskOption> Desks);

/// <summary>The technician's queues — my tickets, my groups', unassigned, breaching soon, by desk — all through Access.VisibleTo.</summary>
public static class QueueQuery
{
    public const int PageSize = 50;

    /// <summary>"Breaching soon": the resolution is due within this time, or already overdue while still open.</summary>
    public static readonly TimeSpan BreachingWithin = TimeSpan.FromHours(4);

    static readonly string[] Finished =
        [.. BuiltInWorkflows.Incident.ResolvedStates, .. BuiltInWorkflows.Incident.ClosedStates, .. BuiltInWorkflows.Request.ClosedStates, ProcessWorkflows.Rejected];

    public static async Task<QueuePage> LoadAsync(FlowdeskDb db, Caller caller, QueueFilter filter, CancellationToken ct, TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var desks = await ConsoleDesks.ForAsync(db, caller, ct);
        var scoped = db.Tickets.VisibleTo(caller).AsNoTracking();
        if (filter.DeskKey is not null && desks.FirstOrDefault(d => d.Key == filter.DeskKey) is { } desk)
            scoped = scoped.Where(t => t.DeskId == desk.Id);
        scoped = filter.Status switch
        {
            QueueFilter.Open => scoped.Where(t => !Finished.Contains(t.Status)),
            QueueFilter.AnyStatus => scoped,
            var status => scoped.Where(t => t.Status == status),
        };
        if (filter.Priority is { } priority) scoped = scoped.Where(t => t.Priority == priority);
        if (filter.Text is { Length: > 0 } text)
        {
            var number = text.Trim().ToUpperInvariant();
            scoped = scoped.Where(t => t.Number == number || t.Subject.Contains(text));
        }

        Dictionary<QueueKind, int> counts = [];
        foreach (var kind in Enum.GetValues<QueueKind>()) counts[kind] = await In(scoped, kind, caller, now).CountAsync(ct);

        var query = In(scoped, filter.Queue, caller, now);
        var total = counts[filter.Queue];
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(filter.Page, 1, pages);
        var chinese = Languages.IsChinese(CurrentLanguage.Get());
        var rows = await Sorted(query, filter.Sort, chinese)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(t => new
            {
                t.Id, t.Number, t.Subject, t.Status, t.Priority, t.Desk!.NameEn, t.Desk.NameZh,
                Assignee = t.Assignee!.DisplayName, t.UpdatedAt, t.ResolutionDue, t.CreatedAt, t.ResolutionBreached, t.Version,
                GroupEn = t.AssigneeGroup!.NameEn, GroupZh = t.AssigneeGroup.NameZh, Requester = t.Requester!.DisplayName,
            })
            .ToListAsync(ct);
        return new QueuePage(
            rows.Select(r => new QueueRow(r.Id, r.Number, r.Subject, r.Status, r.Priority, chinese ? r.NameZh : r.NameEn,
                r.Assignee, r.UpdatedAt, r.ResolutionDue, chinese ? r.GroupZh : r.GroupEn, r.Requester, r.CreatedAt,
                r.ResolutionBreached || (r.ResolutionDue is { } due && due < now), r.Version)).ToList(),
            total, page, pages, counts, desks);
    }

    static IQueryable<Ticket> In(IQueryable<Ticket> tickets, QueueKind queue, Caller caller, DateTimeOffset now)
    {
        var me = caller.PersonId;
        var groups = caller.GroupIds.ToArray();
        var soon = now + BreachingWithin;
        return queue switch
        {
            QueueKind.Mine => tickets.Where(t => t.AssigneeId == me),
            QueueKind.Groups => tickets.Where(t => t.AssigneeGroupId != null && groups.Contains(t.AssigneeGroupId.Value)),
            QueueKind.Unassigned => tickets.Where(t => t.AssigneeId == null),
            QueueKind.Breaching => tickets.Where(t => t.ResolutionDue != null && t.ResolutionDue <= soon && !Finished.Contains(t.Status)),
            QueueKind.All => tickets,
            _ => throw new ArgumentOutOfRangeException(nameof(queue)),
        };
    }

    /// <summary>A sort key, "-" in front for descending; the number breaks ties so pages never overlap.</summary>
    static IOrderedQueryable<Ticket> Sorted(IQueryable<Ticket> tickets, string sort, bool chinese)
    {
        var descending = sort.StartsWith('-');
        var key = descending ? sort[1..] : sort;
        IOrderedQueryable<Ticket> sorted = key switch
        {
            "number" => Order(tickets, t => t.Number, descending),
            "subject" => Order(tickets, t => t.Subject, descending),
            "status" => Order(tickets, t => t.Status, descending),
            "desk" => chinese ? Order(tickets, t => t.Desk!.NameZh, descending) : Order(tickets, t => t.Desk!.NameEn, descending),
            "group" => chinese ? Order(tickets, t => t.AssigneeGroup!.NameZh, descending) : Order(tickets, t => t.AssigneeGroup!.NameEn, descending),
            "assignee" => Order(tickets, t => t.Assignee!.DisplayName, descending),
            "requester" => Order(tickets, t => t.Requester!.DisplayName, descending),
            "created" => Order(tickets, t => t.CreatedAt, descending),
            "updated" => Order(tickets, t => t.UpdatedAt, descending),
            // Tickets without a due time go last either way.
            "due" => tickets.OrderBy(t => t.ResolutionDue == null).ThenBy(t => t.ResolutionDue, descending),
            _ => Order(tickets, t => t.Priority, descending).ThenBy(t => t.ResolutionDue == null).ThenBy(t => t.ResolutionDue),
        };
        return sorted.ThenBy(t => t.Number);
    }

    static IOrderedQueryable<Ticket> Order<TKey>(IQueryable<Ticket> tickets, System.Linq.Expressions.Expression<Func<Ticket, TKey>> key, bool descending) =>
        descending ? tickets.OrderByDescending(key) : tickets.OrderBy(key);

    static IOrderedQueryable<Ticket> ThenBy<TKey>(this IOrderedQueryable<Ticket> tickets, System.Linq.Expressions.Expression<Func<Ticket, TKey>> key, bool descending) =>
        descending ? tickets.ThenByDescending(key) : tickets.ThenBy(key);

    public static string NormaliseSort(string? sort)
    {
        if (string.IsNullOrWhiteSpace(sort)) return QueueFilter.DefaultSort;
        return SavedViewRules.IsSort(sort) ? sort : QueueFilter.DefaultSort;
    }

    /// <summary>Columns from the address (<c>cols=number,subject,due</c>); unknown ones are dropped, none means the default set.</summary>
    public static IReadOnlyList<string> ParseColumns(string? text)
    {
        var columns = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(SavedViewRules.ColumnKeys.Contains).Distinct().ToList();
        return columns.Count == 0 ? SavedViewRules.DefaultColumns : columns;
    }
}
