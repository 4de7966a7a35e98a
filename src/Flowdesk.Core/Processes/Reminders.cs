using System.Text.Json;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Processes;

/// <summary>
/// Approval reminders: a pending approval whose RemindAt has passed gets an "approval.reminder" notification, and
/// its RemindAt moves on by the stage's remindEvery, or is cleared when the stage reminds only once. The move is a
/// conditional update on the RemindAt that was read, in the same transaction as the outbox row, so a reminder is
/// written once even if two runs overlap.
/// </summary>
public static class Reminders
{
    public static async Task<int> SendDueAsync(FlowdeskDb db, DateTimeOffset now, CancellationToken ct, int limit = 500)
    {
        var due = await db.Approvals.AsNoTracking()
            .Where(a => a.Decision == ApprovalDecision.Pending && a.RemindAt != null && a.RemindAt <= now)
            .OrderBy(a => a.RemindAt).ThenBy(a => a.Id).Take(limit)
            .Select(a => new
            {
                a.Id, a.TicketId, a.StageIndex, a.Stage, a.ApproverId, a.OnBehalfOfId, RemindAt = a.RemindAt!.Value,
                a.Ticket!.Number, a.Ticket.ProcessKey, a.Ticket.ProcessVersion,
            })
            .ToListAsync(ct);
        if (due.Count == 0) return 0;

        var sent = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var approval in due)
        {
            var definition = await ProcessLibrary.DefinitionAsync(db, approval.ProcessKey, approval.ProcessVersion, ct);
            var stage = definition?.Approvals.ElementAtOrDefault(approval.StageIndex);
            DateTimeOffset? next = stage?.RemindEvery is { } every && Durations.TryParse(every, out var interval) ? now + interval : null;
            var moved = await db.Approvals
                .Where(a => a.Id == approval.Id && a.Decision == ApprovalDecision.Pending && a.RemindAt == approval.RemindAt)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RemindAt, next), ct);
            if (moved == 0) continue; // decided or reminded in the meantime
            var payload = JsonSerializer.Serialize(new
            {
                @event = "approval.reminder",
                ticketId = approval.TicketId,
                number = approval.Number,
                recipients = new[] { approval.ApproverId },
                groupId = (Guid?)null,
                approvalId = approval.Id,
                stage = approval.Stage,
                onBehalfOf = approval.OnBehalfOfId,
                nextReminderAt = next,
            });
            db.OutboxMessages.Add(new OutboxMessage("notification", payload, approval.TicketId, now));
            sent++;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return sent;
    }
}

/// <summary>The approvals.remind job: every minute, the approval reminders that came due.</summary>
public sealed class RemindersJob(TimeProvider clock) : Jobs.IScheduledJob
{
    public string Name => "approvals.remind";
    public TimeSpan Interval => TimeSpan.FromMinutes(1);

    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        Reminders.SendDueAsync(services.GetRequiredService<FlowdeskDb>(), clock.GetUtcNow(), cancellationToken);
}
