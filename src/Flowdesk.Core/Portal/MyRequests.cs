using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Portal;

/// <summary>A request in the requester's list: what, where it stands, and when it is due.</summary>
public sealed record RequestRow(Guid Id, string Number, string Subject, string Status, string StatusName, string ProcessKey,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolutionDue, bool Open);

/// <summary>
/// The requests a person made themselves (requester = caller), newest first. Staff see their own requests here too,
/// never their desk's queue: the portal is the employee's view.
/// </summary>
public static class MyRequests
{
    public static readonly string[] FinishedCategories = ["resolved", "closed"];

    public static IQueryable<Ticket> Mine(FlowdeskDb db, Caller caller) =>
        db.Tickets.VisibleTo(caller).AsNoTracking().Where(t => t.RequesterId == caller.PersonId);

    /// <summary>Open requests: not resolved, closed, cancelled or rejected.</summary>
    public static IQueryable<Ticket> OpenOnly(this IQueryable<Ticket> tickets) =>
        tickets.Where(t => t.ResolvedAt == null && t.ClosedAt == null && t.Status != TicketStates.Cancelled && t.Status != ProcessWorkflows.Rejected
            && t.Status != TicketStates.Resolved && t.Status != TicketStates.Closed);

    public static async Task<(List<RequestRow> Rows, int Total)> ListAsync(FlowdeskDb db, Caller caller, bool openOnly, int page, int pageSize,
        string language, CancellationToken ct)
    {
        var query = Mine(db, caller);
        if (openOnly) query = query.OpenOnly();
        page = Api.Paging.Clamp(page, pageSize);
        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Number)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(t => new { t.Id, t.Number, t.Subject, t.Status, t.ProcessKey, t.ProcessVersion, t.CreatedAt, t.UpdatedAt, t.ResolutionDue, t.ResolvedAt, t.ClosedAt })
            .ToListAsync(ct);
        // A first page that is not full holds them all: most people have a few open requests, so most pages skip the count.
        var total = page == 1 && rows.Count < pageSize ? rows.Count : await query.CountAsync(ct);
        List<RequestRow> result = [];
        foreach (var r in rows)
        {
            var states = await StatesAsync(db, r.ProcessKey, r.ProcessVersion, ct);
            var open = r.ResolvedAt is null && r.ClosedAt is null && !IsFinished(r.Status, states);
            result.Add(new RequestRow(r.Id, r.Number, r.Subject, r.Status, StateName(r.Status, states, language), r.ProcessKey,
                r.CreatedAt, r.UpdatedAt, r.ResolutionDue, open));
        }
        return (result, total);
    }

    /// <summary>The process version's named states (custom processes name their own), empty for built-in ones.</summary>
    public static async Task<IReadOnlyList<StateDefinition>> StatesAsync(FlowdeskDb db, string processKey, int version, CancellationToken ct) =>
        (await ProcessLibrary.DefinitionAsync(db, processKey, version, ct))?.States ?? [];

    /// <summary>A custom state's own name; null for built-in states, which the pages translate themselves.</summary>
    public static string StateName(string status, IReadOnlyList<StateDefinition> states, string language) =>
        states.FirstOrDefault(s => s.Id == status)?.Name?.For(language) ?? "";

    static bool IsFinished(string status, IReadOnlyList<StateDefinition> states) =>
        status is TicketStates.Resolved or TicketStates.Closed or TicketStates.Cancelled or ProcessWorkflows.Rejected
        || states.Any(s => s.Id == status && s.Category is StateCategory.Resolved or StateCategory.Closed);
}
