using System.Collections.Concurrent;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flowdesk.Notifications;

/// <summary>
/// Each person's unread notification count, for the bell that statically rendered pages (the portal) show on every
/// page. Kept for <see cref="NotificationOptions.UnreadCountCacheTime"/>; every change to a person's notifications on
/// this node is published on the <see cref="NotificationFeed"/> (the fan-out, marking read), and that forgets the count
/// at once. Other nodes catch up within the cache time. A miss counts in a scope of its own, so the caller's DbContext
/// is never used by two components of one page at the same time.
/// </summary>
public sealed class UnreadCounts : IDisposable
{
    readonly IMemoryCache cache;
    readonly IServiceScopeFactory scopes;
    readonly IOptions<NotificationOptions> options;
    readonly IDisposable subscription;

    // One counter per person whose notifications changed: a count read under an older counter is stale, even when it is
    // stored after the change (a page that counted just before the save).
    readonly ConcurrentDictionary<Guid, long> versions = new();

    sealed record Entry(long Version, int Count);

    readonly record struct Key(Guid PersonId);

    public UnreadCounts(IMemoryCache cache, IServiceScopeFactory scopes, IOptions<NotificationOptions> options, NotificationFeed feed)
    {
        this.cache = cache;
        this.scopes = scopes;
        this.options = options;
        subscription = feed.Subscribe(Forget);
    }

    public async Task<int> GetAsync(Guid personId, CancellationToken ct)
    {
        var lifetime = options.Value.UnreadCountCacheTime;
        if (lifetime <= TimeSpan.Zero) return await CountAsync(personId, ct);
        var key = new Key(personId);
        var version = versions.GetValueOrDefault(personId);
        if (cache.TryGetValue(key, out Entry? entry) && entry!.Version == version) return entry.Count;
        var count = await CountAsync(personId, ct);
        cache.Set(key, new Entry(version, count), lifetime);
        return count;
    }

    async Task<int> CountAsync(Guid personId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        return await db.Notifications.CountAsync(n => n.RecipientId == personId && n.ReadAt == null, ct);
    }

    void Forget(IReadOnlyCollection<Guid> people)
    {
        foreach (var person in people) versions.AddOrUpdate(person, 1, static (_, v) => v + 1);
    }

    public void Dispose() => subscription.Dispose();
}
