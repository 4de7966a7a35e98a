using System.Runtime.CompilerServices;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Live;

/// <summary>
/// What one viewer hears from the feed: the ids of changed tickets they may see now, plus those already on their
/// screen (so a card that left their reach can disappear). Never the changes' contents — the viewer's own query,
/// which starts at <see cref="Access.VisibleTo(IQueryable{Tickets.Ticket}, Caller)"/>, loads what it shows.
/// </summary>
public sealed record ViewerUpdate(IReadOnlyList<Guid> TicketIds, bool ReloadAll);

public sealed class ViewerFeed(TicketChangeFeed feed, IServiceScopeFactory scopes, CallerCache callers, TimeProvider clock)
{
    /// <summary>A burst of changes (a bulk move, a create with its first comment) is delivered as one update.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Updates for <paramref name="personId"/> until cancelled. The person's access comes from the caller cache,
    /// which forgets everyone when a membership, role, desk or person is saved: a technician removed from a desk stops
    /// hearing about it at once; a deactivated person hears nothing more.
    /// </summary>
    public async IAsyncEnumerable<ViewerUpdate> ReadAsync(Guid personId, Func<Guid, bool> onScreen,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = feed.Subscribe();
        var reader = subscription.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            await Task.Delay(Gather, clock, ct);
            HashSet<Guid> changed = [];
            while (reader.TryRead(out var change)) changed.Add(change.TicketId);
            var reloadAll = subscription.TakeOverflow();

            List<Guid> relevant;
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
                var caller = await callers.GetAsync(db, personId, ct);
                if (caller is null) yield break;
                var visible = await VisibleIdsAsync(db, caller, changed, ct);
                relevant = changed.Where(id => visible.Contains(id) || onScreen(id)).ToList();
            }
            if (relevant.Count > 0 || reloadAll) yield return new ViewerUpdate(relevant, reloadAll);
        }
    }

    /// <summary>Of these tickets, those the caller may see — the same scoping every list and page uses.</summary>
    public static async Task<HashSet<Guid>> VisibleIdsAsync(FlowdeskDb db, Caller caller, IReadOnlyCollection<Guid> ticketIds, CancellationToken ct)
    {
        if (ticketIds.Count == 0) return [];
        var ids = ticketIds.ToArray();
        var visible = await db.Tickets.VisibleTo(caller).Where(t => ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        return [.. visible];
    }
}

public static class LiveSetup
{
    /// <summary>The change feed, its interceptor on every FlowdeskDb the container builds, and the per-viewer filter.</summary>
    public static IServiceCollection AddTicketChangeFeed(this IServiceCollection services)
    {
        services.AddSingleton<TicketChangeFeed>();
        services.AddSingleton<TicketChangeInterceptor>();
        services.AddSingleton<ViewerFeed>();
        services.AddCallerCache();
        services.ConfigureDbContext<SqliteFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<TicketChangeInterceptor>()));
        services.ConfigureDbContext<PostgresFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<TicketChangeInterceptor>()));
        return services;
    }
}
