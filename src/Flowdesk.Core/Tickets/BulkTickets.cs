using System.Text.Json;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

/// <summary>
/// One action on many tickets. <c>assign</c>: assignee (a user name, "me", or null to unassign) and/or group (a key of
/// each ticket's desk, or null); <c>transition</c>: to; <c>close</c>: the closed state each ticket's process allows from
/// where it is. A comment goes with transitions and closes as a public reply.
/// </summary>
public sealed record BulkRequest
{
    public IReadOnlyList<string>? Tickets { get; init; }
    public string? Action { get; init; }
    public JsonElement Assignee { get; init; }
    public JsonElement Group { get; init; }
    public string? To { get; init; }
    public string? Comment { get; init; }
}

/// <summary>One ticket's result: done, refused (the process said no), forbidden, not_found, conflict (changed meanwhile) or invalid.</summary>
public sealed record BulkItemResult(string Ticket, Guid? Id, string? Number, string Outcome, string? Reason, string? Message, string? Status);

public sealed record BulkResult(IReadOnlyList<BulkItemResult> Results, int Done, int NotDone);

public static class BulkActions
{
    public const string Assign = "assign";
    public const string Transition = "transition";
    public const string Close = "close";
    public static readonly IReadOnlyList<string> All = [Assign, Transition, Close];
    public const int MaxTickets = 200;
}

/// <summary>A validated bulk command: who to assign (Optional: absent vs. unassign) or where to move.</summary>
public sealed record BulkCommand(string Action, IReadOnlyList<string> Tickets, Optional<string?>? Assignee, Optional<string?>? Group, string? To, string? Comment);

/// <summary>
/// Bulk work, ticket by ticket, each in its own SaveChanges through the same code as one ticket: found through
/// VisibleTo, the caller's actor decided like the transitions endpoint, moves through <see cref="TicketTransitions"/>.
/// One refusal does not stop the others; the result says which were refused and why.
/// </summary>
public static class BulkTickets
{
    public static async Task<BulkResult> RunAsync(FlowdeskDb db, Caller caller, BulkCommand command, IStringLocalizer t, TimeProvider clock, CancellationToken ct)
    {
        List<BulkItemResult> results = [];
        foreach (var reference in command.Tickets.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            db.ChangeTracker.Clear();
            var ticket = await db.FindVisibleAsync(reference, caller, ct);
            if (ticket is null)
            {
                results.Add(new(reference, null, null, "not_found", null, t.Text("bulk.not_found", reference), null));
                continue;
            }
            var item = await OneAsync(db, caller, ticket, command, t, clock.GetUtcNow(), ct);
            if (item.Outcome == "done")
            {
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    item = item with { Outcome = "conflict", Message = t.Text("bulk.conflict", ticket.Number) };
                }
            }
            results.Add(item with { Ticket = reference, Status = item.Outcome == "done" ? ticket.Status : item.Status });
        }
        db.ChangeTracker.Clear();
        var done = results.Count(r => r.Outcome == "done");
        return new BulkResult(results, done, results.Count - done);
    }

    static async Task<BulkItemResult> OneAsync(FlowdeskDb db, Caller caller, Ticket ticket, BulkCommand command, IStringLocalizer t, DateTimeOffset now, CancellationToken ct)
    {
        BulkItemResult Result(string outcome, string? reason, string message) => new(ticket.Number, ticket.Id, ticket.Number, outcome, reason, message, ticket.Status);

        if (command.Action == BulkActions.Assign)
        {
            if (!caller.MayWorkOn(ticket.DeskId)) return Result("forbidden", "forbidden", t.Text("bulk.forbidden", ticket.Number));
            Optional<Guid?>? assignee = null, group = null;
            if (command.Assignee is { } who)
            {
                if (who.Value is null) assignee = new Optional<Guid?>(null);
                else
                {
                    var person = who.Value == "me" ? await db.Users.SingleOrDefaultAsync(p => p.Id == caller.PersonId, ct) : await People.PersonLookup.FindAsync(db, who.Value, ct);
                    if (person is null || !await db.DeskMembers.AnyAsync(m => m.DeskId == ticket.DeskId && m.PersonId == person.Id, ct))
                        return Result("invalid", "assignee_not_staff", t.Text("bulk.assignee_not_staff", ticket.Number, who.Value));
                    assignee = new Optional<Guid?>(person.Id);
                }
            }
            if (command.Group is { } groupKey)
            {
                if (groupKey.Value is null) group = new Optional<Guid?>(null);
                else
                {
                    var found = await db.Groups.Where(g => g.Key == groupKey.Value && g.DeskId == ticket.DeskId).Select(g => (Guid?)g.Id).SingleOrDefaultAsync(ct);
                    if (found is null) return Result("invalid", "unknown_group", t.Text("bulk.unknown_group", ticket.Number, groupKey.Value));
                    group = new Optional<Guid?>(found);
                }
            }
            ticket.Edit(new TicketEdit(AssigneeGroup: group, Assignee: assignee), caller.PersonId, now);
            // The pinned version's field_changed rules run as they do for PATCH.
            if (await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct) is { Rules.Count: > 0 } definition)
            {
                List<string> changed = [];
                if (assignee is not null) changed.Add("assignee");
                if (group is not null) changed.Add("group");
                await new ProcessRunner(db, now, caller.PersonId).FieldsChangedAsync(ticket, definition,
                    await Catalog.Requesters.ProfileAsync(db, ticket.RequesterId, ct), changed, ct);
            }
            return Result("done", null, t.Text("bulk.done", ticket.Number));
        }

        if (TicketViews.Actor(caller, ticket) is not { } actor) return Result("forbidden", "forbidden", t.Text("bulk.forbidden", ticket.Number));
        var to = command.To;
        if (command.Action == BulkActions.Close)
        {
            var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
            // "Close" finishes done work: the closed state, never a cancellation or a rejection that happens to be reachable.
            var closing = workflow.States.Where(s => workflow.ClosedStates.Contains(s) && s is not (TicketStates.Cancelled or ProcessWorkflows.Rejected)).ToList();
            var reachable = workflow.NextStates(ticket.Status, actor).ToHashSet();
            to = closing.Contains(TicketStates.Closed) && reachable.Contains(TicketStates.Closed) ? TicketStates.Closed
                : closing.FirstOrDefault(reachable.Contains) ?? (closing.Contains(TicketStates.Closed) ? TicketStates.Closed : closing.FirstOrDefault() ?? TicketStates.Closed);
        }
        var move = await TicketTransitions.MoveAsync(db, ticket, to!, command.Comment, caller.PersonId, actor, now, ct);
        if (!move.Decision.Allowed)
            return Result("refused", move.Decision.Reason, t.Text("bulk.refused", ticket.Number, t.Text($"problem.transition.{move.Decision.Reason}", to!, move.From)));
        return Result("done", null, t.Text("bulk.done", ticket.Number));
    }
}

/// <summary>POST /tickets/bulk: assign, transition or close up to 200 tickets; 200 with a result per ticket.</summary>
public static class BulkTicketsEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPost("/bulk", Handle).WithSummary("Assign, transition or close many tickets; a result per ticket");

    static async Task<Results<Ok<BulkResult>, ValidationProblem>> Handle(
        BulkRequest request, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var action = errors.Line("action", request.Action, 20);
        if (action is not null && !BulkActions.All.Contains(action)) errors.Add("action", "validation.enum", string.Join(", ", BulkActions.All));
        var tickets = request.Tickets ?? [];
        if (tickets.Count == 0) errors.Add("tickets", "validation.required");
        else if (tickets.Count > BulkActions.MaxTickets) errors.Add("tickets", "bulk.too_many", BulkActions.MaxTickets);
        else if (tickets.Any(x => string.IsNullOrWhiteSpace(x) || x.Length > 50)) errors.Add("tickets", "bulk.bad_reference");
        var assignee = Optional(request.Assignee, "assignee", errors);
        var group = Optional(request.Group, "group", errors);
        var to = action == BulkActions.Transition ? errors.Line("to", request.To, 50) : null;
        if (action == BulkActions.Assign && assignee is null && group is null) errors.Add("assignee", "validation.required");
        var comment = errors.Text("comment", request.Comment, TicketLimits.CommentMax);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var command = new BulkCommand(action!, tickets.Select(x => x.Trim()).ToList(), assignee, group, to, string.IsNullOrWhiteSpace(comment) ? null : comment);
        return TypedResults.Ok(await BulkTickets.RunAsync(db, caller, command, t, clock, ct));
    }

    static Optional<string?>? Optional(JsonElement value, string field, FieldErrors errors) => value.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.Null => new Optional<string?>(null),
        JsonValueKind.String when value.GetString() is { Length: > 0 and <= 100 } text => new Optional<string?>(text.Trim()),
        _ => Invalid(field, errors),
    };

    static Optional<string?>? Invalid(string field, FieldErrors errors)
    {
        errors.Add(field, "validation.required");
        return null;
    }
}
