using System.Data.Common;
using Flowdesk.Persistence;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Flowdesk.Live;

/// <summary>
/// Publishes "ticket X changed" to the <see cref="TicketChangeFeed"/> after the change is committed: at the end of
/// SaveChanges when it ran in its own transaction, or when the caller's explicit transaction commits. Every writer
/// (API, pages, the process engine) saves through a FlowdeskDb, so none can change a ticket without a live update.
/// Bulk updates (ExecuteUpdate, raw SQL) bypass the change tracker and publish nothing.
/// </summary>
public sealed class TicketChangeInterceptor(TicketChangeFeed feed) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    // Changes saved but not yet committed, kept on the context (see ContextSlots; a context is used by one thread at a
    // time), each marked with whether the caller's own transaction was open when it was saved.
    List<(TicketChange Change, bool InCallersTransaction)>? Pending(DbContext? context) =>
        ContextSlots.Of(context) is { } slots && slots.TryGet(this, out List<(TicketChange Change, bool InCallersTransaction)> changes) ? changes : null;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        PublishUnlessInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        PublishUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => DropUnlessInTransaction(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        DropUnlessInTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => DropUnlessInTransaction(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        DropUnlessInTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    // SaveChanges starts its own transaction after SavingChanges, so what it just collected stays; changes left from
    // a caller's transaction that was disposed without commit or rollback are dropped when the next one starts.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        DropAbandoned(eventData.Context);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        DropAbandoned(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    void Collect(DbContext? context)
    {
        if (context is null) return;
        var inTransaction = context.Database.CurrentTransaction is not null;
        List<(TicketChange, bool)>? changes = null;
        foreach (var entry in context.ChangeTracker.Entries<Ticket>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var ticket = entry.Entity;
            changes ??= ContextSlots.Of(context)?.GetOrAdd(this, () => new List<(TicketChange Change, bool InCallersTransaction)>());
            if (changes is null) return;
            changes.Add((new TicketChange(ticket.Id, ticket.DeskId, ticket.Status, ticket.Version), inTransaction));
        }
    }

    void PublishUnlessInTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Publish(context);
    }

    void DropUnlessInTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Drop(context);
    }

    void Publish(DbContext? context)
    {
        if (Pending(context) is not { Count: > 0 } changes) return;
        ContextSlots.Of(context)?.Remove(this);
        feed.Publish(changes.Select(c => c.Change).ToList());
    }

    void DropAbandoned(DbContext? context)
    {
        Pending(context)?.RemoveAll(c => c.InCallersTransaction);
    }

    void Drop(DbContext? context)
    {
        ContextSlots.Of(context)?.Remove(this);
    }
}
