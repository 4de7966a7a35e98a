using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Security;

/// <summary>
/// Each person's <see cref="Caller"/> (roles, desks, groups, confidential desks) kept for a few seconds, so a
/// request does not spend five queries on facts that change a few times a year. Any change to who may see what —
/// desk or group membership, roles, a person, a desk — saved through EF Core on this node forgets every entry at
/// once (<see cref="CallerCacheInvalidation"/>); other nodes and changes made outside EF Core catch up within
/// <see cref="Lifetime"/>.
/// </summary>
public sealed class CallerCache(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    long generation;

    sealed record Entry(long Generation, Caller Caller);

    /// <summary>The caller from the cache; the scope's DbContext is resolved only when the facts must be read.</summary>
    public ValueTask<Caller?> GetAsync(IServiceProvider services, Guid personId, CancellationToken ct)
    {
        var current = Interlocked.Read(ref generation);
        if (cache.TryGetValue(personId, out Entry? entry) && entry!.Generation == current) return ValueTask.FromResult<Caller?>(entry.Caller);
        return new ValueTask<Caller?>(GetAsync(services.GetRequiredService<FlowdeskDb>(), personId, ct));
    }

    public async Task<Caller?> GetAsync(FlowdeskDb db, Guid personId, CancellationToken ct)
    {
        var current = Interlocked.Read(ref generation);
        if (cache.TryGetValue(personId, out Entry? entry) && entry!.Generation == current) return entry.Caller;
        // Loaded under the generation seen before reading: a change saved meanwhile makes this entry stale at once.
        var caller = await Caller.LoadAsync(db, personId, ct);
        if (caller is null) cache.Remove(personId);
        else cache.Set(personId, new Entry(current, caller), Lifetime);
        return caller;
    }

    /// <summary>Forgets every cached caller (memberships change rarely; one counter keeps it race-free).</summary>
    public void ForgetEveryone() => Interlocked.Increment(ref generation);
}

/// <summary>
/// Forgets cached callers when a SaveChanges touches anything <see cref="Caller.LoadAsync"/> reads: before the save
/// (the rows are about to change) and again after it (a request that read the old rows in between must not keep
/// them). Inside a longer transaction a request may still cache the old rows until the commit; <see cref="CallerCache.Lifetime"/> bounds that.
/// </summary>
public sealed class CallerCacheInvalidation(CallerCache callers) : ForgetOnSave
{
    protected override bool Concerns(object entity) =>
        entity is DeskMember or GroupMember or IdentityUserRole<Guid> or IdentityRole<Guid> or Desk or Person;

    protected override void Forget() => callers.ForgetEveryone();
}

public static class CallerCacheSetup
{
    /// <summary>The cache, and its invalidation on every Flowdesk DbContext of the application (once, however often called).</summary>
    public static IServiceCollection AddCallerCache(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CallerCache))) return services;
        services.AddMemoryCache();
        services.AddSingleton<CallerCache>();
        services.AddSingleton<CallerCacheInvalidation>();
        services.ConfigureDbContext<SqliteFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<CallerCacheInvalidation>()));
        services.ConfigureDbContext<PostgresFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<CallerCacheInvalidation>()));
        return services;
    }
}
