using Flowdesk.Outbox;
using Flowdesk.Processes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Flowdesk.Notifications;

/// <summary>
/// Writes "notification" outbox messages for what people must hear about — a ticket created, a public reply, an
/// assignment, a resolution (with the satisfaction survey), an approval decided — in the same SaveChanges as the
/// change, so a change that rolls back notifies nobody and none can be forgotten by a new code path. The process
/// engine writes its own (approval needed, rejected, task assigned, resolved by the engine); a "resolved" it already
/// wrote for a ticket in this save is not written twice. Changes stamped well before the clock (demo data, imports
/// replaying history) are not news and notify nobody.
/// </summary>
public sealed class NotificationInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>Older changes are replays of history, not events to tell anyone about.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(15);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) Write(context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Write(context);
        return ValueTask.FromResult(result);
    }

    void Write(DbContext context)
    {
        context.ChangeTracker.DetectChanges();
        var now = clock.GetUtcNow();
        var since = now - Freshness;
        List<OutboxMessage> messages = [];
        var written = context.ChangeTracker.Entries<OutboxMessage>()
            .Where(e => e.State == EntityState.Added && e.Entity.Kind == "notification")
            .Select(e => NotificationPayload.Parse(e.Entity.Payload))
            .Where(p => p is not null)
            .Select(p => (NotificationEvents.Normalize(p!.Event), p.TicketId))
            .ToHashSet();

        void Add(Ticket ticket, NotificationPayload payload)
        {
            if (written.Contains((payload.Event, ticket.Id))) return;
            written.Add((payload.Event, ticket.Id));
            messages.Add(new OutboxMessage("notification", (payload with { TicketId = ticket.Id, Number = ticket.Number }).ToJson(), ticket.Id, now));
        }

        foreach (var entry in context.ChangeTracker.Entries<Ticket>())
        {
            var ticket = entry.Entity;
            if (ticket.UpdatedAt < since) continue;
            if (entry.State == EntityState.Added)
            {
                Add(ticket, new NotificationPayload
                {
                    Event = NotificationEvents.TicketCreated,
                    ActorId = ticket.LastChangedById,
                    Requester = true,
                    Assignee = true,
                    GroupId = ticket.AssigneeId is null ? ticket.AssigneeGroupId : null,
                });
                continue;
            }
            if (entry.State != EntityState.Modified) continue;

            var assignee = entry.Property(t => t.AssigneeId);
            var group = entry.Property(t => t.AssigneeGroupId);
            var personChanged = assignee.IsModified && !Equals(assignee.OriginalValue, assignee.CurrentValue) && ticket.AssigneeId is not null;
            var groupOnly = !personChanged && ticket.AssigneeId is null && group.IsModified && !Equals(group.OriginalValue, group.CurrentValue)
                && ticket.AssigneeGroupId is not null;
            if (personChanged || groupOnly)
                Add(ticket, new NotificationPayload
                {
                    Event = NotificationEvents.Assigned,
                    ActorId = ticket.LastChangedById,
                    Assignee = personChanged,
                    GroupId = groupOnly ? ticket.AssigneeGroupId : null,
                });

            var resolvedAt = entry.Property(t => t.ResolvedAt);
            if (resolvedAt.IsModified && resolvedAt.OriginalValue is null && ticket.ResolvedAt is not null)
            {
                Add(ticket, new NotificationPayload { Event = NotificationEvents.Resolved, ActorId = ticket.LastChangedById, Requester = true, Watchers = true });
                Add(ticket, new NotificationPayload { Event = NotificationEvents.SurveyRequest, ActorId = ticket.LastChangedById, Requester = true });
            }
        }

        foreach (var entry in context.ChangeTracker.Entries<Comment>())
        {
            if (entry.State != EntityState.Added || entry.Entity.Internal || entry.Entity.CreatedAt < since) continue;
            var comment = entry.Entity;
            var ticket = context.ChangeTracker.Entries<Ticket>().FirstOrDefault(t => t.Entity.Id == comment.TicketId)?.Entity;
            // One message per comment (several replies in one save are several events).
            messages.Add(new OutboxMessage("notification", new NotificationPayload
            {
                Event = NotificationEvents.CommentAdded,
                TicketId = comment.TicketId,
                Number = ticket?.Number,
                CommentId = comment.Id,
                ActorId = comment.AuthorId,
                Requester = true,
                Watchers = true,
                Assignee = true,
            }.ToJson(), comment.TicketId, now));
        }

        foreach (var entry in context.ChangeTracker.Entries<Approval>())
        {
            var approval = entry.Entity;
            if (entry.State != EntityState.Modified || approval.Decision != ApprovalDecision.Approved || approval.DecidedAt is not { } at || at < since) continue;
            var decision = entry.Property(a => a.Decision);
            if (!decision.IsModified || decision.OriginalValue != ApprovalDecision.Pending) continue;
            var ticket = context.ChangeTracker.Entries<Ticket>().FirstOrDefault(t => t.Entity.Id == approval.TicketId)?.Entity;
            messages.Add(new OutboxMessage("notification", new NotificationPayload
            {
                Event = NotificationEvents.ApprovalApproved,
                TicketId = approval.TicketId,
                Number = ticket?.Number,
                ApprovalId = approval.Id,
                ActorId = approval.ApproverId,
                Requester = true,
            }.ToJson(), approval.TicketId, now));
        }

        if (messages.Count > 0) context.Set<OutboxMessage>().AddRange(messages);
    }
}
