using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tickets.Search;

/// <summary>How many tickets a list matches: exact up to <see cref="Limit"/>, then "1000+".</summary>
public readonly record struct TicketCount(int Value, bool Exact)
{
    public const int Limit = 1000;

    /// <summary>Counts at most Limit + 1 rows, so a million matches cost what a thousand do.</summary>
    public static async Task<TicketCount> BoundedAsync(IQueryable<Ticket> tickets, CancellationToken ct)
    {
        var n = await tickets.Take(Limit + 1).CountAsync(ct);
        return n > Limit ? new TicketCount(Limit, false) : new TicketCount(n, true);
    }

    public static async Task<TicketCount> ExactAsync(IQueryable<Ticket> tickets, CancellationToken ct) =>
        new(await tickets.CountAsync(ct), true);
}

/// <summary>
/// One page of a text search, planned so that neither a common term (打印机 in every tenth ticket) nor one common
/// only on desks the caller does not see costs a pass over every match:
/// <list type="number">
/// <item>newest first (the default sort): the newest <see cref="RecentWindow"/> tickets are tested row by row; when
/// they hold the whole page, that page is exactly the newest matches (anything older sorts after all of them);</item>
/// <item>otherwise the index gives the matching ids on the caller's desks and personal tickets, and the page is
/// sorted from those.</item>
/// </list>
/// The count follows the same idea: the newest <see cref="CountWindow"/> tickets holding more than 1,000 matches
/// answer "1000+" at once; otherwise the index's matches are counted up to 1,001.
/// </summary>
public static class SearchPage
{
    /// <param name="filtered">The caller's visible tickets with every other filter applied.</param>
    /// <param name="order">The requested sort (ties broken by id).</param>
    /// <param name="newestFirst">The sort is by creation time, newest first.</param>
    public static async Task<(List<Guid> Ids, TicketCount Total)> RunAsync(
        FlowdeskDb db, Caller caller, TicketSearchOptions options, IQueryable<Ticket> filtered, SearchTerm term,
        Func<IQueryable<Ticket>, IQueryable<Ticket>> order, bool newestFirst, int skip, int take, bool exactCount,
        CancellationToken ct)
    {
        var rowMatches = TicketSearch.RowMatches(db, term);
        if (newestFirst && !exactCount && options.RecentWindow > 0 && skip + take <= options.RecentWindow)
        {
            var recent = Since(filtered, await CreatedSinceAsync(db, options.RecentWindow, ct)).Where(rowMatches);
            var page = await order(recent).Skip(skip).Take(take).Select(t => t.Id).ToListAsync(ct);
            if (page.Count == take)
            {
                // The page came from the newest tickets alone; count the matches among a larger slice of them.
                var since = await CreatedSinceAsync(db, options.CountWindow, ct);
                var inWindow = await TicketCount.BoundedAsync(Since(filtered, since).Where(rowMatches), ct);
                if (!inWindow.Exact || since is null) return (page, inWindow);
                return (page, await CountByIndexAsync());
            }
        }

        var matchingIds = await TicketSearch.MatchingIdsAsync(db, term, caller, ct);
        var number = term.Number;
        var matching = filtered.Where(t => matchingIds.Contains(t.Id) || t.Number == number);
        var ids = await order(matching).Skip(skip).Take(take).Select(t => t.Id).ToListAsync(ct);
        var total = exactCount ? await TicketCount.ExactAsync(matching, ct) : await CountByIndexAsync(matchingIds);
        return (ids, total);

        async Task<TicketCount> CountByIndexAsync(IQueryable<Guid>? candidates = null)
        {
            candidates ??= await TicketSearch.MatchingIdsAsync(db, term, caller, ct);
            var number = term.Number;
            var all = filtered.Where(t => candidates.Contains(t.Id) || t.Number == number);
            // Many matches: if some thousands of them already hold more than 1,000 the caller may see (the usual case
            // for a technician's own desks), that is the answer, without reading the rest.
            if (await candidates.Take(Sample + 1).CountAsync(ct) > Sample)
            {
                var sample = candidates.Take(Sample);
                var inSample = await TicketCount.BoundedAsync(filtered.Where(t => sample.Contains(t.Id)), ct);
                if (!inSample.Exact) return inSample;
            }
            return await TicketCount.BoundedAsync(all, ct);
        }
    }

    /// <summary>Matches tried first when counting through the index.</summary>
    const int Sample = 2_000;

    static IQueryable<Ticket> Since(IQueryable<Ticket> tickets, DateTimeOffset? since) =>
        since is { } from ? tickets.Where(t => t.CreatedAt >= from) : tickets;

    /// <summary>The creation time of the n-th newest ticket, or null when there are fewer (then every ticket is "recent").</summary>
    static Task<DateTimeOffset?> CreatedSinceAsync(FlowdeskDb db, int n, CancellationToken ct) =>
        db.Tickets.OrderByDescending(t => t.CreatedAt).Select(t => (DateTimeOffset?)t.CreatedAt).Skip(n - 1).FirstOrDefaultAsync(ct);
}

/// <summary>Flowdesk:Search settings (docs/configuration.md).</summary>
public sealed class TicketSearchOptions
{
    /// <summary>Newest tickets tried row by row for the first pages of a search sorted newest first; 0 turns it off.</summary>
    public int RecentWindow { get; set; } = 2_000;

    /// <summary>Newest tickets counted row by row before the index is asked for the count.</summary>
    public int CountWindow { get; set; } = 20_000;
}
