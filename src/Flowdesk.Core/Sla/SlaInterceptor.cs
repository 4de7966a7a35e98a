using Flowdesk.Persistence;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Sla;

/// <summary>
/// Recomputes a ticket's due times in the same SaveChanges as any change that moves them — creation, status,
/// priority, service, process, first response — wherever the change came from (API, board, engine, rules).
/// </summary>
sealed class SlaInterceptor : SaveChangesInterceptor
{
    static readonly string[] Inputs = [nameof(Ticket.Status), nameof(Ticket.Priority), nameof(Ticket.Service), nameof(Ticket.ProcessKey),
        nameof(Ticket.ProcessVersion), nameof(Ticket.FirstRespondedAt), nameof(Ticket.DeskId)];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not FlowdeskDb db) return result;
        var changed = db.ChangeTracker.Entries<Ticket>()
            .Where(e => e.State == EntityState.Added || (e.State == EntityState.Modified && Inputs.Any(p => e.Property(p).IsModified)))
            .Select(e => e.Entity).ToList();
        if (changed.Count == 0) return result;
        var clock = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<TimeProvider>()
            ?? TimeProvider.System;
        foreach (var ticket in changed) await SlaService.RecomputeAsync(db, ticket, clock, cancellationToken);
        return result;
    }
}
