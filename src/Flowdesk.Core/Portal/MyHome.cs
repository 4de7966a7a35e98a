using System.Collections.Concurrent;
using System.Data.Common;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Flowdesk.Portal;

/// <summary>The caller's own part of the portal home: the newest open requests, how many are open, pending approvals.</summary>
public sealed record MyHome(IReadOnlyList<RequestRow> Open, int OpenTotal, int PendingApprovals);

/// <summary>
/// Each person's <see cref="MyHome"/> kept for <see cref="PortalOptions.HomeCacheTime"/> (a few seconds), so reloading
/// the portal home does not repeat the same queries. A save through EF Core on this node that adds, changes or removes a
/// ticket the person requested, or an approval assigned to them, forgets that person's entry at once
/// (<see cref="MyHomeInvalidation"/>); other nodes and changes made outside EF Core catch up within the cache time.
/// </summary>
public sealed class MyHomeCache(IMemoryCache cache, IOptions<PortalOptions> options)
{
    /// <summary>How many open requests the home page lists.</summary>
    public const int Shown = 5;

    // One counter per person who had something change: an entry read under an older count is stale, even if it was
    // stored after the change (a request that read the old rows just before the save).
    readonly ConcurrentDictionary<Guid, long> versions = new();

    sealed record Entry(long Version, MyHome Home);

    readonly record struct Key(Guid PersonId, string Language);

    public async Task<MyHome> GetAsync(FlowdeskDb db, Caller caller, string language, CancellationToken ct)
    {
        var lifetime = options.Value.HomeCacheTime;
        if (lifetime <= TimeSpan.Zero) return await LoadAsync(db, caller, language, ct);
        var key = new Key(caller.PersonId, language);
        var version = versions.GetValueOrDefault(caller.PersonId);
        if (cache.TryGetValue(key, out Entry? entry) && entry!.Version == version) return entry.Home;
        var home = await LoadAsync(db, caller, language, ct);
        cache.Set(key, new Entry(version, home), lifetime);
        return home;
    }

    /// <summary>Reads the person's home rows from the database (no cache).</summary>
    public static async Task<MyHome> LoadAsync(FlowdeskDb db, Caller caller, string language, CancellationToken ct)
    {
        var (rows, total) = await MyRequests.ListAsync(db, caller, openOnly: true, 1, Shown, language, ct);
        var approvals = await db.Approvals.CountAsync(a => a.ApproverId == caller.PersonId && a.Decision == ApprovalDecision.Pending, ct);
        return new MyHome(rows, total, approvals);
    }

    /// <summary>Makes every cached home of this person stale.</summary>
    public void Forget(Guid personId) => versions.AddOrUpdate(personId, 1, static (_, v) => v + 1);
}

/// <summary>
/// Forgets the cached homes of the requesters of saved tickets and the approvers of saved approvals: before the save,
/// after it, and — when the save ran inside a transaction — again when that transaction ends, so a page that read the
/// old rows before the commit cannot keep them.
/// </summary>
public sealed class MyHomeInvalidation(MyHomeCache homes) : BeforeAndAfterSave, IDbTransactionInterceptor
{
    // Per context: the people whose homes a save changed, until its transaction ends (kept on the context, see ContextSlots).
    HashSet<Guid>? Pending(DbContext context) => ContextSlots.Of(context) is { } slots && slots.TryGet(this, out HashSet<Guid> people) ? people : null;

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    protected override void Before(DbContext context)
    {
        HashSet<Guid>? people = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var property = entry.Entity switch
            {
                Ticket => nameof(Ticket.RequesterId),
                Approval => nameof(Approval.ApproverId),
                _ => null,
            };
            if (property is null) continue;
            var value = entry.Property(property);
            people ??= [];
            if (value.CurrentValue is Guid current) people.Add(current);
            if (entry.State != EntityState.Added && value.OriginalValue is Guid original) people.Add(original);
        }
        if (people is null) return;
        if (Pending(context) is { } earlier) earlier.UnionWith(people);
        else ContextSlots.Of(context)?.GetOrAdd(this, () => people);
        Forget(people);
    }

    protected override void After(DbContext context)
    {
        if (Pending(context) is not { } people) return;
        // Inside a transaction the rows are not visible to others until it ends: forget them once more then.
        if (context.Database.CurrentTransaction is null) ContextSlots.Of(context)?.Remove(this);
        Forget(people);
    }

    void Ended(DbContext? context)
    {
        if (context is null) return;
        if (Pending(context) is not { } people) return;
        ContextSlots.Of(context)?.Remove(this);
        Forget(people);
    }

    void Forget(IEnumerable<Guid> people)
    {
        foreach (var person in people) homes.Forget(person);
    }
}
