using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Processes;

public static class ProcessCleanup
{
    /// <summary>A ticket that was cancelled or resolved by hand leaves no approver or task team waiting.</summary>
    public static async Task CloseOpenWorkAsync(FlowdeskDb db, Guid ticketId, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var approval in await db.Approvals.Where(a => a.TicketId == ticketId && a.Decision == ApprovalDecision.Pending).ToListAsync(ct))
            approval.Cancel(now);
        foreach (var task in await db.FulfilmentTasks.Where(t => t.TicketId == ticketId && (t.Status == FulfilmentStatus.Open || t.Status == FulfilmentStatus.Blocked)).ToListAsync(ct))
            task.Cancel();
    }
}
