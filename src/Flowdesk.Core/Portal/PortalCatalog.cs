using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Flowdesk.Catalog;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Flowdesk.Portal;

/// <summary>
/// The catalog as the portal reads it, kept in memory for a short time: the live offers (published version of each
/// process that is not retired), each person's audience tags, and the order counts behind "popular services".
/// An item is offered when any of its audience tags is one of the caller's (<see cref="Audience.OfAsync"/>). The API's
/// catalog and the portal both read it here, so they always agree.
/// A save that touches a process (publish, unpublish, retire) on this node clears the offers at once; other nodes
/// catch up within <see cref="PortalOptions.CatalogCacheTime"/>.
/// </summary>
public sealed class PortalCatalog(IOptions<PortalOptions> options, TimeProvider clock) : IDisposable
{
    const int MaxAudiences = 20_000;

    readonly PortalOptions settings = options.Value;
    readonly ConcurrentDictionary<Guid, Timed<(Caller For, HashSet<string> Tags)>> audiences = new();
    volatile Timed<IReadOnlyList<CatalogOffer>>? offers;
    volatile Timed<IReadOnlyDictionary<string, int>>? popular;
    readonly SemaphoreSlim counting = new(1, 1);
    long generation;

    sealed record Timed<T>(T Value, DateTimeOffset Until, long Generation);

    public void Dispose() => counting.Dispose();

    /// <summary>Forgets the offers (and the popularity counts that refer to them); called after a process changed.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        offers = null;
        popular = null;
    }

    /// <summary>Everything the caller may order, in no particular order.</summary>
    public async Task<IReadOnlyList<CatalogOffer>> ForAsync(FlowdeskDb db, Caller caller, CancellationToken ct)
    {
        var all = await AllAsync(db, ct);
        var audience = await AudienceAsync(db, caller, ct);
        return all.Where(o => o.Definition.Catalog!.Audience.Any(audience.Contains)).ToList();
    }

    public async Task<CatalogOffer?> FindAsync(FlowdeskDb db, Caller caller, string key, CancellationToken ct) =>
        (await ForAsync(db, caller, ct)).FirstOrDefault(o => string.Equals(o.Key, key, StringComparison.Ordinal));

    /// <summary>Orders per process key over the last <see cref="PortalOptions.PopularDays"/> days, across all requesters.</summary>
    public async Task<IReadOnlyDictionary<string, int>> PopularityAsync(FlowdeskDb db, CancellationToken ct)
    {
        if (popular is { } cached && cached.Until > clock.GetUtcNow()) return cached.Value;
        // One count at a time: it reads every ticket of the window (about a second at a million tickets), and the
        // requests that found the figures expired together would otherwise all count at once. They wait for it instead.
        await counting.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (popular is { } fresh && fresh.Until > now) return fresh.Value;
            var since = now.AddDays(-settings.PopularDays);
            var counts = await db.Tickets.AsNoTracking().Where(t => t.CreatedAt >= since && t.ProcessKey != "")
                .GroupBy(t => t.ProcessKey).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            var value = counts.ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal);
            // Popularity moves slowly; recount every few minutes at most.
            popular = new Timed<IReadOnlyDictionary<string, int>>(value, now + Max(settings.CatalogCacheTime, TimeSpan.FromMinutes(5)), 0);
            return value;
        }
        finally
        {
            counting.Release();
        }
    }

    async Task<IReadOnlyList<CatalogOffer>> AllAsync(FlowdeskDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = Interlocked.Read(ref generation);
        if (offers is { } cached && cached.Until > now && cached.Generation == current) return cached.Value;

        var live = await (from p in db.Processes.AsNoTracking()
                          join d in db.Desks on p.DeskId equals d.Id
                          where p.PublishedVersion != null && !p.Retired
                          select new { p.Key, Version = p.PublishedVersion!.Value, p.DeskId, DeskKey = d.Key }).ToListAsync(ct);
        List<CatalogOffer> list = [];
        foreach (var process in live)
        {
            var definition = await ProcessLibrary.DefinitionAsync(db, process.Key, process.Version, ct);
            if (definition?.Catalog is null) continue;
            list.Add(new CatalogOffer(process.Key, process.Version, process.DeskId, process.DeskKey, definition));
        }
        // Stored only if nothing changed while it was read.
        if (Interlocked.Read(ref generation) == current) offers = new Timed<IReadOnlyList<CatalogOffer>>(list, now + settings.CatalogCacheTime, current);
        return list;
    }

    async Task<HashSet<string>> AudienceAsync(FlowdeskDb db, Caller caller, CancellationToken ct)
    {
        // Kept with the caller's facts it was worked out from: the caller cache forgets those at once when the person's
        // roles or groups change (and after a few seconds anyway), and a new Caller recomputes the audience.
        var now = clock.GetUtcNow();
        if (audiences.TryGetValue(caller.PersonId, out var cached) && cached.Until > now && ReferenceEquals(cached.Value.For, caller))
            return cached.Value.Tags;
        var tags = await Audience.OfAsync(db, caller, ct);
        if (audiences.Count >= MaxAudiences) audiences.Clear();
        audiences[caller.PersonId] = new Timed<(Caller, HashSet<string>)>((caller, tags), now + settings.CatalogCacheTime, 0);
        return tags;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>Clears the portal's catalog when a save touched a process or one of its versions (publish, retire, unpublish).</summary>
sealed class CatalogChangeInterceptor(PortalCatalog catalog) : BeforeAndAfterSave
{
    static readonly object Marker = new();
    readonly ConditionalWeakTable<DbContext, object> touched = new();

    protected override void Before(DbContext context)
    {
        if (context.ChangeTracker.Entries().Any(e => e.Entity is Process or ProcessVersion
                && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
            touched.AddOrUpdate(context, Marker);
    }

    // Cleared after the save (and again when its transaction ends, through the TTL): a reader that refilled the cache
    // between the save and the commit is bounded by the cache time.
    protected override void After(DbContext context)
    {
        if (touched.Remove(context)) catalog.Invalidate();
    }
}
