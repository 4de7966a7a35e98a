using System.Text;
using System.Text.Json.Nodes;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

public sealed record CreateTicket(
    TicketKind? Kind, string? Desk, string? Subject, string? Description,
    Level? Impact = null, Level? Urgency = null, Priority? Priority = null,
    string? Category = null, string? Service = null, string? Requester = null,
    JsonObject? Fields = null, string[]? Watchers = null);

/// <summary>POST /tickets: an incident or request on a desk; safe to retry with Idempotency-Key.</summary>
public static class CreateTicketEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPost("", Handle).WithSummary("Create an incident or request")
            .Produces<TicketView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

    static async Task<IResult> Handle(CreateTicket request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        // Validation and every lookup before the transaction Idempotency opens: on SQLite that transaction holds
        // the database's write lock, on PostgreSQL the desk's number; neither should wait for reads. One connection
        // for all of them (the context closes it when the request ends), not one opened and set up per read.
        await db.Database.OpenConnectionAsync(ct);
        var errors = new FieldErrors(t);
        if (request.Kind is null) errors.Add("kind", "validation.required");
        else if (request.Kind is not (TicketKind.Incident or TicketKind.Request)) errors.Add("kind", "validation.kind_not_ticket");
        var subject = errors.Line("subject", request.Subject, TicketLimits.SubjectMax);
        var description = errors.Text("description", request.Description, TicketLimits.DescriptionMax) ?? "";
        var category = errors.Line("category", request.Category, 100, required: false);
        var service = errors.Line("service", request.Service, 100, required: false);
        if (request.Fields is { } fields && Encoding.UTF8.GetByteCount(fields.ToJsonString()) > TicketLimits.FieldsMaxBytes)
            errors.Add("fields", "validation.fields_object", TicketLimits.FieldsMaxBytes);

        var deskKey = errors.Line("desk", request.Desk, 50);
        var desk = deskKey is null ? null : await db.Desks.SingleOrDefaultAsync(d => d.Key == deskKey.ToLowerInvariant(), ct);
        if (deskKey is not null && desk is null) errors.Add("desk", "validation.unknown_desk", deskKey);

        var requesterId = caller.PersonId;
        if (request.Requester is { Length: > 0 } requesterName)
        {
            var requester = await People.PersonLookup.FindAsync(db, requesterName, ct);
            if (requester is null) errors.Add("requester", "validation.unknown_person", requesterName);
            else if (requester.Id != caller.PersonId && desk is not null && !caller.MayWorkOn(desk.Id))
                errors.Add("requester", "validation.requester_not_allowed");
            else if (requester is not null) requesterId = requester.Id;
        }
        List<Guid> watcherIds = [];
        foreach (var name in request.Watchers ?? [])
        {
            var watcher = await People.PersonLookup.FindAsync(db, name, ct);
            if (watcher is null) errors.Add("watchers", "validation.unknown_person", name);
            else if (!watcherIds.Contains(watcher.Id)) watcherIds.Add(watcher.Id);
        }
        if (!errors.Any)
        {
            // Tracked, so the new ticket's Requester is fixed up without a query inside the transaction.
            await db.Users.FindAsync([requesterId], ct);
        }
        var watcherNames = watcherIds.Count == 0 ? []
            : await db.Users.Where(p => watcherIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.UserName!, ct);

        return await Idempotency.CreateAsync<CreateTicket, TicketView>(http, db, caller.PersonId, request, async () =>
        {
            if (errors.Any) return Union<Idempotency.Created<TicketView>, IResult>.Fail(Problems.Validation(t, errors.ToDictionary()));

            var ticket = await TicketFactory.CreateAsync(db, desk!, request.Kind!.Value, subject!, description, requesterId,
                request.Impact ?? Level.Medium, request.Urgency ?? Level.Medium, request.Priority, caller.PersonId, clock.GetUtcNow(), ct);
            ticket.SetCategory(category, service);
            if (request.Fields is { } values) ticket.SetFields(values);
            foreach (var watcherId in watcherIds) ticket.Watchers.Add(new TicketWatcher(ticket.Id, watcherId));

            var view = TicketViews.From(ticket, caller, watcherNames, BuiltInWorkflows.For(ticket.Kind));
            return new Idempotency.Created<TicketView>(view, $"/api/v1/tickets/{ticket.Id}");
        }, ct);
    }
}
