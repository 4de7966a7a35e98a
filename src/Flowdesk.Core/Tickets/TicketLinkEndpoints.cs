using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

/// <summary>
/// How two tickets relate. A link is stored once, from one ticket to the other (<see cref="TicketLink"/>); each side
/// reads it in its own words: A blocks B is "blocks" on A and "blocked_by" on B.
/// </summary>
public static class TicketLinkKinds
{
    public const string RelatesTo = "relates_to";
    public const string Blocks = "blocks";
    public const string BlockedBy = "blocked_by";
    public const string Duplicates = "duplicates";
    public const string DuplicatedBy = "duplicated_by";
    public const string ParentOf = "parent_of";
    public const string ChildOf = "child_of";
    public const string MergedInto = "merged_into";
    public const string MergedFrom = "merged_from";
    public const string SplitFrom = "split_from";
    public const string SplitInto = "split_into";
    public const string CreatedFrom = "created_from";
    public const string Created = "created";

    /// <summary>Kinds people add and remove; merges, splits and rules make the others.</summary>
    public static readonly IReadOnlyList<string> Manual = [RelatesTo, Blocks, BlockedBy, Duplicates, DuplicatedBy, ParentOf, ChildOf];

    /// <summary>The stored kind and direction for a kind as seen from the ticket it is added on.</summary>
    public static (string Stored, bool Reversed) Store(string kind) => kind switch
    {
        BlockedBy => (Blocks, true),
        DuplicatedBy => (Duplicates, true),
        ChildOf => (ParentOf, true),
        _ => (kind, false),
    };

    /// <summary>A stored link as read from one of its ends.</summary>
    public static string Seen(string stored, bool fromHere) => fromHere ? stored : stored switch
    {
        Blocks => BlockedBy,
        Duplicates => DuplicatedBy,
        ParentOf => ChildOf,
        MergedInto => MergedFrom,
        SplitFrom => SplitInto,
        CreatedFrom => Created,
        _ => stored,
    };

    public static bool IsManual(string stored) => stored is RelatesTo or Blocks or Duplicates or ParentOf;
}

public sealed record AddLink(string? Ticket, string? Kind);

public sealed record LinkedTicketView(Guid Id, string Number, string Subject, string Status, string Kind, bool Removable, DateTimeOffset CreatedAt);

/// <summary>Reads and changes links; the other end must be visible to the caller, so a link never reveals a hidden ticket.</summary>
public static class TicketLinkService
{
    public static async Task<List<LinkedTicketView>> ListAsync(FlowdeskDb db, Guid ticketId, Caller caller, CancellationToken ct)
    {
        var visible = db.Tickets.VisibleTo(caller);
        var outgoing = await (from l in db.TicketLinks
                              join t in visible on l.ToId equals t.Id
                              where l.FromId == ticketId
                              select new { l.Kind, l.CreatedAt, t.Id, t.Number, t.Subject, t.Status, Here = true }).AsNoTracking().ToListAsync(ct);
        var incoming = await (from l in db.TicketLinks
                              join t in visible on l.FromId equals t.Id
                              where l.ToId == ticketId
                              select new { l.Kind, l.CreatedAt, t.Id, t.Number, t.Subject, t.Status, Here = false }).AsNoTracking().ToListAsync(ct);
        return outgoing.Concat(incoming)
            .OrderBy(l => l.CreatedAt).ThenBy(l => l.Number, StringComparer.Ordinal)
            .Select(l => new LinkedTicketView(l.Id, l.Number, l.Subject, l.Status, TicketLinkKinds.Seen(l.Kind, l.Here), TicketLinkKinds.IsManual(l.Kind), l.CreatedAt))
            .ToList();
    }

    public static Task<bool> LinkedAsync(FlowdeskDb db, Guid a, Guid b, CancellationToken ct) =>
        db.TicketLinks.AnyAsync(l => (l.FromId == a && l.ToId == b) || (l.FromId == b && l.ToId == a), ct);

    /// <summary>Would making <paramref name="parent"/> the parent of <paramref name="child"/> close a loop? Walks up to 100 ancestors.</summary>
    public static async Task<bool> WouldLoopAsync(FlowdeskDb db, Guid parent, Guid child, CancellationToken ct)
    {
        var current = parent;
        for (var depth = 0; depth < 100; depth++)
        {
            var up = await db.TicketLinks.Where(l => l.ToId == current && l.Kind == TicketLinkKinds.ParentOf).Select(l => (Guid?)l.FromId).FirstOrDefaultAsync(ct);
            if (up is not { } next) return false;
            if (next == child) return true;
            current = next;
        }
        return true;
    }

    /// <summary>Adds the link and records it on both tickets' history (each in its own words). The caller saves.</summary>
    public static void Add(FlowdeskDb db, Ticket here, Ticket other, string kind, Guid actorId, DateTimeOffset now)
    {
        var (stored, reversed) = TicketLinkKinds.Store(kind);
        db.TicketLinks.Add(reversed ? new TicketLink(other.Id, here.Id, stored, now) : new TicketLink(here.Id, other.Id, stored, now));
        TicketChangeSupport.Record(db, here, "links", null, $"{kind} {other.Number}", actorId, now);
        TicketChangeSupport.Record(db, other, "links", null, $"{TicketLinkKinds.Seen(stored, fromHere: reversed)} {here.Number}", actorId, now);
    }
}

/// <summary>GET/POST /tickets/{id}/links and DELETE /tickets/{id}/links/{other}: relates, blocks, duplicates, parent/child.</summary>
public static class TicketLinkEndpoints
{
    public static void Map(RouteGroupBuilder tickets)
    {
        tickets.MapGet("/{id}/links", List).WithSummary("Linked tickets, as seen from this one").WithTags("Links");
        tickets.MapPost("/{id}/links", Add).WithSummary("Link another ticket: relates_to, blocks, blocked_by, duplicates, duplicated_by, parent_of, child_of").WithTags("Links");
        tickets.MapDelete("/{id}/links/{other}", Remove).WithSummary("Remove a link people made").WithTags("Links");
    }

    static async Task<Results<Ok<List<LinkedTicketView>>, ProblemHttpResult>> List(
        string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        return TypedResults.Ok(await TicketLinkService.ListAsync(db, ticket.Id, caller, ct));
    }

    static async Task<Results<Created<LinkedTicketView>, ProblemHttpResult, ValidationProblem>> Add(
        string id, AddLink request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        if (!caller.MayWorkOn(ticket.DeskId)) return Problems.Forbidden(t);
        if (TicketChangeSupport.HasIfMatch(http) && !TicketChangeSupport.IfMatches(http, ticket)) return Problems.PreconditionFailed(t);

        var errors = new FieldErrors(t);
        var kind = errors.Line("kind", request.Kind, 30);
        if (kind is not null && !TicketLinkKinds.Manual.Contains(kind)) errors.Add("kind", "validation.enum", string.Join(", ", TicketLinkKinds.Manual));
        var otherRef = errors.Line("ticket", request.Ticket, 50);
        var other = otherRef is null ? null : await db.FindVisibleAsync(otherRef, caller, ct);
        if (otherRef is not null && other is null) errors.Add("ticket", "link.unknown_ticket", otherRef);
        else if (other is not null && other.Id == ticket.Id) errors.Add("ticket", "link.itself");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        if (await TicketLinkService.LinkedAsync(db, ticket.Id, other!.Id, ct))
            return Problems.Conflict(t, "already-linked", "link.conflict.title", t.Text("link.already_linked", ticket.Number, other.Number));
        var (stored, reversed) = TicketLinkKinds.Store(kind!);
        if (stored == TicketLinkKinds.ParentOf
            && await TicketLinkService.WouldLoopAsync(db, reversed ? other.Id : ticket.Id, reversed ? ticket.Id : other.Id, ct))
            return Problems.Conflict(t, "link-loop", "link.conflict.title", t.Text("link.loop", ticket.Number, other.Number));

        var now = clock.GetUtcNow();
        TicketLinkService.Add(db, ticket, other, kind!, caller.PersonId, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent change of either ticket, or the same link made at the same moment.
            return Problems.PreconditionFailed(t);
        }
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.Created($"/api/v1/tickets/{ticket.Id}/links",
            new LinkedTicketView(other.Id, other.Number, other.Subject, other.Status, kind!, true, now));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        string id, string other, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        if (!caller.MayWorkOn(ticket.DeskId)) return Problems.Forbidden(t);
        if (TicketChangeSupport.HasIfMatch(http) && !TicketChangeSupport.IfMatches(http, ticket)) return Problems.PreconditionFailed(t);
        var otherTicket = await db.FindVisibleAsync(other, caller, ct);
        if (otherTicket is null) return Problems.NotFound(t);
        var link = await db.TicketLinks.SingleOrDefaultAsync(l => (l.FromId == ticket.Id && l.ToId == otherTicket.Id)
            || (l.FromId == otherTicket.Id && l.ToId == ticket.Id), ct);
        if (link is null) return Problems.NotFound(t);
        if (!TicketLinkKinds.IsManual(link.Kind))
            return Problems.Conflict(t, "link-kept", "link.conflict.title", t.Text("link.kept", link.Kind));

        var now = clock.GetUtcNow();
        db.TicketLinks.Remove(link);
        var here = link.FromId == ticket.Id;
        TicketChangeSupport.Record(db, ticket, "links", $"{TicketLinkKinds.Seen(link.Kind, here)} {otherTicket.Number}", null, caller.PersonId, now);
        TicketChangeSupport.Record(db, otherTicket, "links", $"{TicketLinkKinds.Seen(link.Kind, !here)} {ticket.Number}", null, caller.PersonId, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.NoContent();
    }
}
