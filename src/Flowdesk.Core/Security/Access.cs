using Flowdesk.Attachments;
using Flowdesk.Tickets;

namespace Flowdesk.Security;

/// <summary>
/// The one place that decides what a caller may see. Every ticket, comment, attachment and history
/// query — lists, counts, search, exports, downloads, live updates — starts from these functions,
/// so a record someone may not see is indistinguishable from one that does not exist.
/// </summary>
public static class Access
{
    /// <summary>
    /// Requesters see their own tickets and those they watch; approvers the tickets they are asked about;
    /// staff see their desks' tickets; system admins and auditors see every desk except confidential ones
    /// they do not staff.
    /// </summary>
    public static IQueryable<Ticket> VisibleTo(this IQueryable<Ticket> tickets, Caller caller)
    {
        var me = caller.PersonId;
        var staffDesks = caller.StaffDeskIds.ToArray();
        if (caller.SeesAllOpenDesks)
        {
            var confidential = caller.ConfidentialDeskIds.Except(caller.StaffDeskIds).ToArray();
            return tickets.Where(t => !confidential.Contains(t.DeskId)
                || t.RequesterId == me
                || t.Watchers.Any(w => w.PersonId == me)
                || t.Approvals.Any(a => a.ApproverId == me));
        }
        return tickets.Where(t => staffDesks.Contains(t.DeskId)
            || t.RequesterId == me
            || t.Watchers.Any(w => w.PersonId == me)
            || t.Approvals.Any(a => a.ApproverId == me));
    }

    /// <summary>Comments of tickets the caller sees; internal notes only for staff of the ticket's desk.</summary>
    public static IQueryable<Comment> VisibleTo(this IQueryable<Comment> comments, IQueryable<Ticket> tickets, Caller caller)
    {
        var visible = tickets.VisibleTo(caller);
        var internalDesks = InternalNoteDesks(caller);
        var allOpen = caller.SeesAllOpenDesks;
        var confidential = caller.ConfidentialDeskIds.Except(caller.StaffDeskIds).ToArray();
        return comments.Where(c => visible.Any(t => t.Id == c.TicketId
            && (!c.Internal || internalDesks.Contains(t.DeskId) || (allOpen && !confidential.Contains(t.DeskId)))));
    }

    /// <summary>Attachments follow their ticket, and those on an internal note follow the note.</summary>
    public static IQueryable<Attachment> VisibleTo(this IQueryable<Attachment> attachments, IQueryable<Ticket> tickets, Caller caller)
    {
        var visible = tickets.VisibleTo(caller);
        var internalDesks = InternalNoteDesks(caller);
        var allOpen = caller.SeesAllOpenDesks;
        var confidential = caller.ConfidentialDeskIds.Except(caller.StaffDeskIds).ToArray();
        return attachments.Where(a => visible.Any(t => t.Id == a.TicketId
            && (a.CommentId == null || !a.Comment!.Internal || internalDesks.Contains(t.DeskId) || (allOpen && !confidential.Contains(t.DeskId)))));
    }

    /// <summary>History of tickets the caller sees. Requesters see it too: it holds no internal note text.</summary>
    public static IQueryable<TicketHistoryEntry> VisibleTo(this IQueryable<TicketHistoryEntry> history, IQueryable<Ticket> tickets, Caller caller)
    {
        var visible = tickets.VisibleTo(caller);
        return history.Where(h => visible.Any(t => t.Id == h.TicketId));
    }

    /// <summary>
    /// Fulfilment tasks: those of tickets the caller sees, and — without the ticket — those assigned to a group
    /// the caller belongs to or a desk they staff (IT prepares the laptop of an HR onboarding case it cannot read).
    /// </summary>
    public static IQueryable<Processes.FulfilmentTask> VisibleTo(this IQueryable<Processes.FulfilmentTask> tasks, IQueryable<Ticket> tickets, Caller caller)
    {
        var visible = tickets.VisibleTo(caller);
        var groups = caller.GroupIds.ToArray();
        var desks = caller.StaffDeskIds.ToArray();
        return tasks.Where(x => (x.GroupId != null && groups.Contains(x.GroupId.Value)) || desks.Contains(x.DeskId)
            || visible.Any(t => t.Id == x.TicketId));
    }

    /// <summary>May complete or take the task: a member of its group or staff of its desk.</summary>
    public static bool MayWork(this Caller caller, Processes.FulfilmentTask task) =>
        (task.GroupId is { } g && caller.GroupIds.Contains(g)) || caller.StaffDeskIds.Contains(task.DeskId);

    public static bool SeesInternalNotes(this Caller caller, Guid deskId) => caller.IsStaffFor(deskId);

    static Guid[] InternalNoteDesks(Caller caller) => caller.StaffDeskIds.ToArray();
}
