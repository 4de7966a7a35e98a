using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Web.Components.Tickets;

/// <summary>What a person did on the ticket page: done (with a message), or refused with a reason they can act on.</summary>
public sealed record PageActionResult(bool Done, string Message, string? Open = null);

/// <summary>
/// The ticket page's changes, through the same rules as the API: the ticket found through VisibleTo, staff checks as
/// the endpoints make them, and the version the page showed compared like an If-Match, so nothing is changed on the
/// strength of an out-of-date screen.
/// </summary>
public static class TicketActions
{
    public static async Task<PageActionResult> CommentAsync(FlowdeskDb db, Caller caller, Guid ticketId, string? body, bool isInternal,
        IStringLocalizer m, IStringLocalizer ui, TimeProvider clock, CancellationToken ct)
    {
        var ticket = await db.Tickets.VisibleTo(caller).Include(t => t.Watchers).SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null) return new(false, ui["ticket.action.gone"]);
        var staff = caller.MayWorkOn(ticket.DeskId);
        if ((!staff && ticket.RequesterId != caller.PersonId && ticket.Watchers.All(w => w.PersonId != caller.PersonId)) || (isInternal && !staff))
            return new(false, m.Text("problem.forbidden.detail"));
        var errors = new Api.FieldErrors(m);
        var text = errors.Text("body", body, TicketLimits.CommentMax, required: true);
        if (errors.Any) return new(false, string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)));
        ticket.AddComment(caller.PersonId, text!, isInternal, staff, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(false, ui["ticket.action.stale"]);
        }
        return new(true, ui[isInternal ? "ticket.note.added" : "ticket.reply.added"]);
    }

    public static async Task<PageActionResult> LinkAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion, string? other, string kind,
        IStringLocalizer m, IStringLocalizer ui, TimeProvider clock, CancellationToken ct)
    {
        var (ticket, refusal) = await StaffTicketAsync(db, caller, ticketId, seenVersion, m, ui, ct);
        if (ticket is null) return new(false, refusal!);
        if (!TicketLinkKinds.Manual.Contains(kind)) return new(false, m.Text("validation.enum", string.Join(", ", TicketLinkKinds.Manual)));
        if (string.IsNullOrWhiteSpace(other)) return new(false, ui["ticket.link.which"]);
        var target = await db.FindVisibleAsync(other.Trim(), caller, ct);
        if (target is null) return new(false, m.Text("link.unknown_ticket", other.Trim()));
        if (target.Id == ticket.Id) return new(false, m.Text("link.itself"));
        if (await TicketLinkService.LinkedAsync(db, ticket.Id, target.Id, ct)) return new(false, m.Text("link.already_linked", ticket.Number, target.Number));
        var (stored, reversed) = TicketLinkKinds.Store(kind);
        if (stored == TicketLinkKinds.ParentOf && await TicketLinkService.WouldLoopAsync(db, reversed ? target.Id : ticket.Id, reversed ? ticket.Id : target.Id, ct))
            return new(false, m.Text("link.loop", ticket.Number, target.Number));
        TicketLinkService.Add(db, ticket, target, kind, caller.PersonId, clock.GetUtcNow());
        return await SaveAsync(db, ui, ui["ticket.link.added", target.Number], ct);
    }

    public static async Task<PageActionResult> UnlinkAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion, Guid otherId,
        IStringLocalizer m, IStringLocalizer ui, TimeProvider clock, CancellationToken ct)
    {
        var (ticket, refusal) = await StaffTicketAsync(db, caller, ticketId, seenVersion, m, ui, ct);
        if (ticket is null) return new(false, refusal!);
        var other = await db.Tickets.VisibleTo(caller).SingleOrDefaultAsync(t => t.Id == otherId, ct);
        var link = other is null ? null : await db.TicketLinks.SingleOrDefaultAsync(l => (l.FromId == ticket.Id && l.ToId == other.Id) || (l.FromId == other.Id && l.ToId == ticket.Id), ct);
        if (other is null || link is null) return new(false, ui["ticket.action.gone"]);
        if (!TicketLinkKinds.IsManual(link.Kind)) return new(false, m.Text("link.kept", link.Kind));
        var now = clock.GetUtcNow();
        db.TicketLinks.Remove(link);
        var here = link.FromId == ticket.Id;
        TicketChangeSupport.Record(db, ticket, "links", $"{TicketLinkKinds.Seen(link.Kind, here)} {other.Number}", null, caller.PersonId, now);
        TicketChangeSupport.Record(db, other, "links", $"{TicketLinkKinds.Seen(link.Kind, !here)} {ticket.Number}", null, caller.PersonId, now);
        return await SaveAsync(db, ui, ui["ticket.link.removed", other.Number], ct);
    }

    public static async Task<PageActionResult> MergeAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion, string? into, string? comment,
        IStringLocalizer m, IStringLocalizer ui, TimeProvider clock, CancellationToken ct)
    {
        var (source, refusal) = await StaffTicketAsync(db, caller, ticketId, seenVersion, m, ui, ct, watchers: true);
        if (source is null) return new(false, refusal!);
        if (string.IsNullOrWhiteSpace(into)) return new(false, ui["ticket.merge.which"]);
        var target = await db.FindVisibleAsync(into.Trim(), caller, ct);
        if (target is null) return new(false, m.Text("link.unknown_ticket", into.Trim()));
        var outcome = await TicketMerge.MergeAsync(db, caller, source, target, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), m, clock.GetUtcNow(), ct);
        if (!outcome.Merged) return new(false, m.Text($"merge.refused.{outcome.Refusal}", source.Number, target.Number));
        var saved = await SaveAsync(db, ui, ui["ticket.merge.done", source.Number, target.Number], ct);
        return saved.Done ? saved with { Open = target.Number } : saved;
    }

    public static async Task<PageActionResult> SplitAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion, SplitRequest request,
        IStringLocalizer m, IStringLocalizer ui, TimeProvider clock, CancellationToken ct)
    {
        var (source, refusal) = await StaffTicketAsync(db, caller, ticketId, seenVersion, m, ui, ct);
        if (source is null) return new(false, refusal!);
        // The number comes from the desk's counter: one transaction with the new ticket (see TicketNumbers).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (created, errors) = await TicketSplit.SplitAsync(db, caller, source, request, m, clock.GetUtcNow(), ct);
        if (created is null) return new(false, string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)));
        var saved = await SaveAsync(db, ui, ui["ticket.split.done", created.Number], ct);
        if (!saved.Done) return saved;
        await transaction.CommitAsync(ct);
        return saved with { Open = created.Number };
    }

    /// <summary>The ticket for a staff action, or the reason it may not be done from this screen.</summary>
    static async Task<(Ticket? Ticket, string? Refusal)> StaffTicketAsync(FlowdeskDb db, Caller caller, Guid ticketId, int seenVersion,
        IStringLocalizer m, IStringLocalizer ui, CancellationToken ct, bool watchers = false)
    {
        var query = db.Tickets.VisibleTo(caller);
        if (watchers) query = query.Include(t => t.Watchers);
        var ticket = await query.SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null) return (null, ui["ticket.action.gone"]);
        if (!caller.MayWorkOn(ticket.DeskId)) return (null, m.Text("problem.forbidden.detail"));
        if (ticket.Version != seenVersion) return (null, ui["ticket.action.stale"]);
        return (ticket, null);
    }

    static async Task<PageActionResult> SaveAsync(FlowdeskDb db, IStringLocalizer ui, string done, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new(false, ui["ticket.action.stale"]);
        }
        return new(true, done);
    }
}
