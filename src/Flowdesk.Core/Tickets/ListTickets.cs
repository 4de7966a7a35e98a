using System.Globalization;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowdesk.Tickets;

/// <summary>
/// A page of a list. <see cref="Total"/> is exact up to 1,000; when more match it is 1000 and
/// <see cref="TotalExact"/> is false ("1000+"), unless the caller asked for <c>count=exact</c>.
/// </summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, bool TotalExact = true);

/// <summary>The filters of GET /tickets, read as text so every bad value gets a field error instead of a bare 400.</summary>
public sealed record TicketQuery(
    string? Status, string? Desk, string? Kind, string? Assignee, string? Group, string? Requester, string? Priority,
    string? Q, string? CreatedFrom, string? CreatedTo, string? Sort, string? Page, string? PageSize, string? Count);

/// <summary>GET /tickets: the caller's visible tickets, filtered, sorted and paged.</summary>
public static class ListTicketsEndpoint
{
    public const int MaxPageSize = Paging.MaxPageSize;
    static readonly string[] SortFields = ["created", "updated", "priority", "due", "number", "status"];

    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapGet("", Handle).WithSummary("Tickets visible to the caller");

    static async Task<Results<Ok<PageOf<TicketView>>, ValidationProblem>> Handle(
        [AsParameters] TicketQuery query, Caller caller, FlowdeskDb db, IOptions<TicketSearchOptions> search,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var (page, pageSize) = Paging.Read(errors, query.Page, query.PageSize);
        var exactCount = query.Count == "exact";
        if (query.Count is { Length: > 0 } and not ("exact" or "bounded")) errors.Add("count", "validation.enum", "bounded, exact");

        // Resolved to ids first so the queue query is a range scan of (desk_id, status, resolution_due).
        var deskKeys = Split(query.Desk);
        var deskIds = deskKeys is null ? null : await db.Desks.Where(d => deskKeys.Contains(d.Key)).Select(d => d.Id).ToListAsync(ct);
        // A caller who sees every ticket of each desk filtered on needs no access condition beyond the desk filter
        // (Access.VisibleTo's desk branch implies the rest): the count and the page then read one index, not an OR.
        var tickets = deskIds is { Count: > 0 } && deskIds.All(caller.IsStaffFor) ? db.Tickets : db.Tickets.VisibleTo(caller);
        if (Split(query.Status) is { } statuses) tickets = tickets.Where(x => statuses.Contains(x.Status));
        if (deskIds is not null)
        {
            // One desk (the usual queue) as an equality: PostgreSQL then reads the index in due order instead of sorting.
            if (deskIds.Count == 1)
            {
                var deskId = deskIds[0];
                tickets = tickets.Where(x => x.DeskId == deskId);
            }
            else tickets = tickets.Where(x => deskIds.Contains(x.DeskId));
        }
        if (Split(query.Kind) is { } kinds)
        {
            var parsed = ParseEnums<TicketKind>(kinds, "kind", errors);
            tickets = tickets.Where(x => parsed.Contains(x.Kind));
        }
        if (Split(query.Priority) is { } priorities)
        {
            var parsed = ParseEnums<Priority>(priorities, "priority", errors);
            tickets = tickets.Where(x => parsed.Contains(x.Priority));
        }
        if (Split(query.Group) is { } groupKeys)
        {
            var groupIds = await db.Groups.Where(g => groupKeys.Contains(g.Key)).Select(g => (Guid?)g.Id).ToListAsync(ct);
            tickets = tickets.Where(x => groupIds.Contains(x.AssigneeGroupId));
        }
        if (query.Assignee is { Length: > 0 } assignee)
        {
            if (assignee == "none") tickets = tickets.Where(x => x.AssigneeId == null);
            else
            {
                var id = await PersonId(db, assignee, caller, ct);
                tickets = tickets.Where(x => x.AssigneeId == id);
            }
        }
        if (query.Requester is { Length: > 0 } requester)
        {
            var id = await PersonId(db, requester, caller, ct);
            tickets = tickets.Where(x => x.RequesterId == id);
        }
        if (errors.Instant("createdFrom", query.CreatedFrom) is { } from) tickets = tickets.Where(x => x.CreatedAt >= from);
        if (errors.Instant("createdTo", query.CreatedTo) is { } to) tickets = tickets.Where(x => x.CreatedAt < to);
        SearchTerm? term = null;
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            if (query.Q.Length > SearchTerm.MaxLength) errors.Add("q", "validation.too_long", SearchTerm.MaxLength);
            else if ((term = SearchTerm.Parse(query.Q)) is null) errors.Add("q", "validation.search_too_short", SearchTerm.MinLength);
        }

        var sort = query.Sort is { Length: > 0 } s ? s : "-created";
        var descending = sort.StartsWith('-');
        var field = sort.TrimStart('-', '+');
        if (!SortFields.Contains(field)) errors.Add("sort", "validation.sort", string.Join(", ", SortFields));
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        IOrderedQueryable<Ticket> Order(IQueryable<Ticket> tickets)
        {
            var ordered = (field, descending) switch
            {
                ("updated", false) => tickets.OrderBy(x => x.UpdatedAt),
                ("updated", true) => tickets.OrderByDescending(x => x.UpdatedAt),
                ("priority", false) => tickets.OrderBy(x => x.Priority),
                ("priority", true) => tickets.OrderByDescending(x => x.Priority),
                ("due", false) => tickets.OrderBy(x => x.ResolutionDue == null).ThenBy(x => x.ResolutionDue),
                ("due", true) => tickets.OrderBy(x => x.ResolutionDue == null).ThenByDescending(x => x.ResolutionDue),
                ("number", false) => tickets.OrderBy(x => x.Number),
                ("number", true) => tickets.OrderByDescending(x => x.Number),
                ("status", false) => tickets.OrderBy(x => x.Status),
                ("status", true) => tickets.OrderByDescending(x => x.Status),
                (_, false) => tickets.OrderBy(x => x.CreatedAt),
                _ => tickets.OrderByDescending(x => x.CreatedAt),
            };
            // The id breaks ties so pages never overlap or skip.
            return descending ? ordered.ThenByDescending(x => x.Id) : ordered.ThenBy(x => x.Id);
        }

        var skip = (page - 1) * pageSize;
        List<Guid> ids;
        TicketCount total;
        if (term is not null)
        {
            (ids, total) = await SearchPage.RunAsync(db, caller, search.Value, tickets, term, Order,
                newestFirst: field == "created" && descending, skip, pageSize, exactCount, ct);
        }
        else
        {
            ids = await Order(tickets).Skip(skip).Take(pageSize).Select(x => x.Id).ToListAsync(ct);
            total = exactCount ? await TicketCount.ExactAsync(tickets, ct) : await TicketCount.BoundedAsync(tickets, ct);
        }

        // The page's ids first (one index walk), then the 50 rows with what their views need: the filter and the sort
        // run once, not again for each collection the split query loads.
        var rows = ids.Count == 0 ? [] : await db.Tickets.Where(x => ids.Contains(x.Id)).WithView().AsNoTracking().AsSplitQuery().ToListAsync(ct);
        var byId = rows.ToDictionary(x => x.Id);
        var inOrder = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        var views = await TicketViews.ToViewsAsync(db, inOrder, caller, ct);
        return TypedResults.Ok(new PageOf<TicketView>(views, total.Value, page, pageSize, total.Exact));
    }

    static async Task<Guid?> PersonId(FlowdeskDb db, string name, Caller caller, CancellationToken ct) =>
        name == "me" ? caller.PersonId : (await People.PersonLookup.FindAsync(db, name, ct))?.Id ?? Guid.Empty;

    static string[]? Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);


    static List<T> ParseEnums<T>(string[] values, string field, FieldErrors errors) where T : struct, Enum
    {
        List<T> parsed = [];
        foreach (var value in values)
        {
            if (Enum.TryParse<T>(value.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var e) && Enum.IsDefined(e) && !int.TryParse(value, out _))
                parsed.Add(e);
            else
                errors.Add(field, "validation.enum", string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
        }
        return parsed;
    }
}
