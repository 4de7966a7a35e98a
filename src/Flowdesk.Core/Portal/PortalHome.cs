using Flowdesk.Catalog;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowdesk.Portal;

/// <summary>
/// The shared parts of the portal's home page, kept in memory briefly so the page costs the caller's own rows only:
/// current announcements, and popular services (the caller's offers ranked by orders in the last days).
/// </summary>
public sealed class PortalHome(PortalCatalog catalog, IOptions<PortalOptions> options, TimeProvider clock)
{
    readonly PortalOptions settings = options.Value;
    volatile Cached? announcements;

    sealed record Cached(IReadOnlyList<Announcement> Items, DateTimeOffset Until);

    public void Invalidate() => announcements = null;

    public async Task<IReadOnlyList<Announcement>> AnnouncementsAsync(FlowdeskDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (announcements is { } cached && cached.Until > now) return cached.Items.Where(a => a.IsShownAt(now)).ToList();
        // Current and soon-starting ones, so a cached list still shows an announcement the moment it starts.
        var horizon = now + settings.CatalogCacheTime;
        var rows = await db.Announcements.AsNoTracking().Where(a => a.StartsAt <= horizon).OrderByDescending(a => a.StartsAt).Take(100).ToListAsync(ct);
        var current = rows.Where(a => a.EndsAt is null || a.EndsAt > now).ToList();
        announcements = new Cached(current, now + settings.CatalogCacheTime);
        return current.Where(a => a.IsShownAt(now)).ToList();
    }

    /// <summary>The caller's offers, most ordered first (then by name), at most <see cref="PortalOptions.PopularCount"/>.</summary>
    public async Task<IReadOnlyList<CatalogItem>> PopularAsync(FlowdeskDb db, Caller caller, string language, CancellationToken ct)
    {
        var offers = await catalog.ForAsync(db, caller, ct);
        var counts = await catalog.PopularityAsync(db, ct);
        return offers.Select(o => (Item: o.ToItem(language), Count: counts.GetValueOrDefault(o.Key)))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Item.Name, StringComparer.CurrentCulture)
            .Take(settings.PopularCount).Select(x => x.Item).ToList();
    }
}

/// <summary>One search result on the portal: a catalog item today; knowledge articles join as another source.</summary>
public sealed record SearchHit(string Kind, string Title, string? Summary, string Url, string? Icon, IReadOnlyList<string> Tags);

/// <summary>
/// A source of portal search results. The catalog is one; the knowledge base registers its own
/// (<c>services.AddSingleton&lt;IPortalSearchSource, …&gt;()</c>) and its hits appear in their own section of the results.
/// </summary>
public interface IPortalSearchSource
{
    /// <summary>The section the hits are shown under ("services", "articles").</summary>
    string Kind { get; }

    Task<IReadOnlyList<SearchHit>> SearchAsync(FlowdeskDb db, Caller caller, string query, string language, int limit, CancellationToken ct);
}

/// <summary>Catalog items the caller may order whose name, tags or description match every word of the query.</summary>
public sealed class CatalogSearchSource(PortalCatalog catalog) : IPortalSearchSource
{
    public string Kind => "services";

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(FlowdeskDb db, Caller caller, string query, string language, int limit, CancellationToken ct)
    {
        var offers = await catalog.ForAsync(db, caller, ct);
        return offers.Where(o => o.Matches(query)).Select(o => o.ToItem(language))
            .OrderBy(i => i.Name, StringComparer.CurrentCulture).Take(limit)
            .Select(i => new SearchHit(Kind, i.Name, i.Description, $"/portal/catalog/{Uri.EscapeDataString(i.Key)}", i.Icon, i.Tags))
            .ToList();
    }
}

/// <summary>Runs every search source and keeps their sections in registration order.</summary>
public sealed class PortalSearch(IEnumerable<IPortalSearchSource> sources)
{
    public const int MaxQueryLength = 200;

    public async Task<IReadOnlyList<(string Kind, IReadOnlyList<SearchHit> Hits)>> SearchAsync(FlowdeskDb db, Caller caller, string query,
        string language, CancellationToken ct)
    {
        var text = query.Trim();
        if (text.Length == 0) return [];
        if (text.Length > MaxQueryLength) text = text[..MaxQueryLength];
        List<(string, IReadOnlyList<SearchHit>)> sections = [];
        foreach (var source in sources)
            sections.Add((source.Kind, await source.SearchAsync(db, caller, text, language, 20, ct)));
        return sections;
    }
}
