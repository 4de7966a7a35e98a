using System.Text.Json.Nodes;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tickets;

public sealed record Ref(string Key, string Name);

public sealed record PersonRef(string Username, string Name);

public sealed record SlaView(DateTimeOffset? FirstResponseDue, DateTimeOffset? ResolutionDue, bool Paused,
    bool FirstResponseBreached, bool ResolutionBreached, string? Timeline);

public sealed record TicketView(
    Guid Id, string Number, TicketKind Kind, string Subject, string Description, string Status,
    Ref Desk, PersonRef Requester, string? Category, string? Service, Level Impact, Level Urgency, Priority Priority,
    Ref? AssigneeGroup, PersonRef? Assignee, IReadOnlyList<string> Watchers, JsonObject Fields,
    string ProcessKey, int ProcessVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? FirstRespondedAt, DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt,
    SlaView Sla, IReadOnlyList<string> AllowedTransitions);

/// <summary>Builds ticket views for a caller; loads the related names the views need in one round trip each.</summary>
public static class TicketViews
{
    /// <summary>Tickets with what their view needs; every caller starts from <see cref="Access.VisibleTo(IQueryable{Ticket}, Caller)"/>.</summary>
    public static IQueryable<Ticket> WithView(this IQueryable<Ticket> tickets) =>
        tickets.Include(t => t.Desk).Include(t => t.Requester).Include(t => t.Assignee).Include(t => t.AssigneeGroup).Include(t => t.Watchers);

    /// <summary>A ticket by its id (GUID) or its number (IT-000123), among those the caller may see.</summary>
    public static Task<Ticket?> FindVisibleAsync(this FlowdeskDb db, string idOrNumber, Caller caller, CancellationToken ct, bool tracking = true)
    {
        var query = db.Tickets.VisibleTo(caller).WithView();
        if (!tracking) query = query.AsNoTracking();
        return Guid.TryParse(idOrNumber, out var id)
            ? query.SingleOrDefaultAsync(t => t.Id == id, ct)
            : query.SingleOrDefaultAsync(t => t.Number == idOrNumber.ToUpperInvariant(), ct);
    }

    public static async Task<List<TicketView>> ToViewsAsync(FlowdeskDb db, IReadOnlyList<Ticket> tickets, Caller caller, CancellationToken ct)
    {
        var watcherIds = tickets.SelectMany(t => t.Watchers.Select(w => w.PersonId)).Distinct().ToList();
        var watcherNames = watcherIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Users.AsNoTracking().Where(p => watcherIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.UserName!, ct);
        Dictionary<(string, int), Workflow> workflows = [];
        foreach (var pin in tickets.Select(t => (t.ProcessKey, t.ProcessVersion)).Distinct())
            workflows[pin] = await ProcessWorkflows.ForAsync(db, pin.ProcessKey, pin.ProcessVersion, ct);
        return tickets.Select(t => From(t, caller, watcherNames, workflows[(t.ProcessKey, t.ProcessVersion)])).ToList();
    }

    public static TicketView From(Ticket t, Caller caller, IReadOnlyDictionary<Guid, string> watcherNames, Workflow workflow)
    {
        var language = CurrentLanguage.Get();
        var actor = Actor(caller, t);
        return new TicketView(t.Id, t.Number, t.Kind, t.Subject, t.Description, t.Status,
            new Ref(t.Desk!.Key, t.Desk.Name(language)), Person(t.Requester!),
            t.Category, t.Service, t.Impact, t.Urgency, t.Priority,
            t.AssigneeGroup is { } g ? new Ref(g.Key, g.Name(language)) : null,
            t.Assignee is { } a ? Person(a) : null,
            t.Watchers.Select(w => watcherNames.GetValueOrDefault(w.PersonId, w.PersonId.ToString())).Order(StringComparer.Ordinal).ToList(),
            JsonNode.Parse(t.Fields) as JsonObject ?? [],
            t.ProcessKey, t.ProcessVersion, t.CreatedAt, t.UpdatedAt, t.FirstRespondedAt, t.ResolvedAt, t.ClosedAt,
            // Due times are empty while the clock is paused (waiting on the requester or a third party).
            new SlaView(t.FirstResponseDue, t.ResolutionDue, t.ResolutionDue is null && t.ResolvedAt is null && workflow.States.Contains(t.Status)
                && (t.Status == TicketStates.WaitingOnRequester || t.Status == TicketStates.WaitingOnThirdParty),
                t.FirstResponseBreached, t.ResolutionBreached, $"/api/v1/tickets/{t.Id}/sla"),
            actor is { } who ? workflow.NextStates(t.Status, who).ToList() : []);
    }

    public static PersonRef Person(Person p) => new(p.UserName ?? p.Id.ToString(), p.DisplayName);

    /// <summary>How the caller may act on the ticket's state: as staff, as its requester, or not at all.</summary>
    public static TransitionActor? Actor(Caller caller, Ticket ticket) =>
        caller.MayWorkOn(ticket.DeskId) ? TransitionActor.Staff
        : ticket.RequesterId == caller.PersonId ? TransitionActor.Requester
        : null;
}
