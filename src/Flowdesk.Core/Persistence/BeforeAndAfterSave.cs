using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Flowdesk.Persistence;

/// <summary>
/// A save interceptor that looks at the tracked changes before SaveChanges writes them and acts once it is over,
/// whether the save succeeded or failed, on the sync and async paths alike. The caches use it to forget what a save is
/// about to change, and to forget it again after the save, so a reader in between cannot keep the old rows.
/// </summary>
public abstract class BeforeAndAfterSave : SaveChangesInterceptor
{
    protected abstract void Before(DbContext context);

    protected abstract void After(DbContext context);

    public sealed override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) Before(context);
        return result;
    }

    public sealed override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Before(context);
        return ValueTask.FromResult(result);
    }

    public sealed override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context) After(context);
        return result;
    }

    public sealed override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) After(context);
        return ValueTask.FromResult(result);
    }

    public sealed override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context) After(context);
    }

    public sealed override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }
}

/// <summary>
/// For an in-memory cache built from some kinds of rows: when a save adds, changes or deletes one of them, the cache is
/// forgotten before the save (the rows are about to change) and again after it (a reader in between must not keep the
/// old rows).
/// </summary>
public abstract class ForgetOnSave : BeforeAndAfterSave
{
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> pending = [];

    /// <summary>Whether the cache was built from rows of this entity's kind.</summary>
    protected abstract bool Concerns(object entity);

    protected abstract void Forget();

    protected sealed override void Before(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted) || !Concerns(entry.Entity)) continue;
            Forget();
            pending.AddOrUpdate(context, this);
            return;
        }
    }

    protected sealed override void After(DbContext context)
    {
        if (pending.Remove(context)) Forget();
    }
}
