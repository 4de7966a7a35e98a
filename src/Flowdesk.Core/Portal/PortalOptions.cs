namespace Flowdesk.Portal;

/// <summary>Settings under Flowdesk:Portal (see docs/configuration.md).</summary>
public sealed class PortalOptions
{
    public const string Section = "Flowdesk:Portal";

    /// <summary>How long after resolution the requester may reopen a request themselves (default 7 days).</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the catalog and a person's audience are kept in memory (default 30 s); a publish on this node clears it at once.</summary>
    public TimeSpan CatalogCacheTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Popular services count the orders of this many days (default 90).</summary>
    public int PopularDays { get; set; } = 90;

    /// <summary>
    /// How long a person's own home-page rows (open requests, pending approvals) are kept in memory (default 5 s); a save
    /// on this node that touches their tickets or approvals forgets them at once. Zero turns the cache off.
    /// </summary>
    public TimeSpan HomeCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many popular services the home page shows (default 6).</summary>
    public int PopularCount { get; set; } = 6;
}
