using Flowdesk.Calendars;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>A ticket's SLA with what explains it: the policy that matched and its calendar.</summary>
public sealed record TicketSlaExplained(SlaPolicy Policy, BusinessCalendar Calendar, WorkingCalendar Working, SlaTargets Targets, TicketSla Sla);

/// <summary>
/// Loads what the pure SLA clock needs for one ticket (policies of its desk, the calendar, the status history)
/// and applies the result. The one entry point for ticket create, priority/service change and transitions.
/// </summary>
public static class SlaService
{
    /// <summary>
    /// Recomputes the ticket's due times and breach flags from its policy, calendar, creation and status history
    /// and writes them onto the tracked ticket; the caller's SaveChanges stores them in the same transaction.
    /// Call it after changing status, priority, service or process and before SaveChanges: a status change not
    /// yet in the history is taken from the ticket itself. A ticket no policy matches gets no due times.
    /// </summary>
    public static async Task<TicketSlaExplained?> RecomputeAsync(FlowdeskDb db, Ticket ticket, TimeProvider clock, CancellationToken ct)
    {
        var explained = await ExplainAsync(db, ticket, clock, ct);
        ticket.ApplySla(explained?.Sla.Schedule ?? new SlaSchedule(null, null, false, false));
        return explained;
    }

    /// <summary>The same computation without changing the ticket (for the timeline endpoint).</summary>
    public static async Task<TicketSlaExplained?> ExplainAsync(FlowdeskDb db, Ticket ticket, TimeProvider clock, CancellationToken ct)
    {
        var desk = await SlaReferences.ForDeskAsync(db, ticket.DeskId, ct);
        var policy = SlaPolicyMatcher.Match(desk.Policies, ticket.DeskId, ticket.Service, ticket.Priority, ticket.ProcessKey);
        if (policy is null) return null;
        var (calendar, working) = desk.Calendars[policy.CalendarId];
        var targets = SlaTargets.From(policy, working.Hours);
        var facts = await FactsAsync(db, ticket, ct);
        var sla = SlaClock.Evaluate(working, targets, facts, Instant.FromDateTimeOffset(clock.GetUtcNow()));
        return new TicketSlaExplained(policy, calendar, working, targets, sla);
    }

    static async Task<SlaFacts> FactsAsync(FlowdeskDb db, Ticket ticket, CancellationToken ct)
    {
        var entry = db.Entry(ticket);
        // A ticket being created has no history in the database yet: one query less on every create.
        var rows = entry.State == EntityState.Added ? [] : await db.TicketHistory.AsNoTracking()
            .Where(h => h.TicketId == ticket.Id && h.Field == "status")
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new StatusRow(h.At, h.OldValue, h.NewValue))
            .ToListAsync(ct);
        var original = entry.State == EntityState.Modified ? entry.Property(t => t.Status).OriginalValue : null;
        var initial = rows.FirstOrDefault()?.OldValue ?? original ?? ticket.Status;
        List<StatusChange> changes = [.. rows.Where(r => r.NewValue is not null).Select(r => new StatusChange(Instant.FromDateTimeOffset(r.At), r.OldValue, r.NewValue!))];
        var lastKnown = changes.Count > 0 ? changes[^1].To : initial;
        // A transition being saved right now has no history row yet: the interceptor writes it in SaveChanges.
        if (lastKnown != ticket.Status) changes.Add(new StatusChange(Instant.FromDateTimeOffset(ticket.UpdatedAt), lastKnown, ticket.Status));

        var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        var stopStates = workflow.ResolvedStates.Concat(workflow.ClosedStates).ToHashSet(StringComparer.Ordinal);
        return new SlaFacts(Instant.FromDateTimeOffset(ticket.CreatedAt), initial, changes,
            ticket.FirstRespondedAt is { } responded ? Instant.FromDateTimeOffset(responded) : null, stopStates);
    }

    sealed record StatusRow(DateTimeOffset At, string? OldValue, string? NewValue);
}
