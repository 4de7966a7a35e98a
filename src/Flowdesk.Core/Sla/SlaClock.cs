using Flowdesk.Calendars;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>A change of the ticket's status, from its history (field "status").</summary>
public sealed record StatusChange(Instant At, string? From, string To);

/// <summary>What a policy asks of a ticket, in the calendar's business time.</summary>
public sealed record SlaTargets(Duration FirstResponse, Duration Resolution, IReadOnlySet<string> PauseStates, double WarningShare,
    IReadOnlyList<EscalationLevel> Escalations)
{
    public static SlaTargets From(SlaPolicy policy, WeeklyHours hours) => new(
        policy.FirstResponse().On(hours), policy.Resolution().On(hours), policy.PausedIn(), policy.WarningPercent / 100.0, policy.EscalationLevels());
}

/// <summary>The facts of one ticket the clocks are derived from; nothing else about the ticket matters to them.</summary>
public sealed record SlaFacts(Instant CreatedAt, string InitialStatus, IReadOnlyList<StatusChange> Changes, Instant? FirstRespondedAt,
    IReadOnlySet<string> StopStates);

/// <summary>An escalation level that is due: the executor (job/notification work) carries it out once per level.</summary>
public sealed record EscalationDecision(EscalationLevel Level, Instant At);

/// <summary>What the ticket stores: due times and breach flags (the queue sorts by ResolutionDue).</summary>
public sealed record SlaSchedule(DateTimeOffset? FirstResponseDue, DateTimeOffset? ResolutionDue, bool FirstResponseBreached, bool ResolutionBreached);

public sealed record TicketSla(SlaMeasure FirstResponse, SlaMeasure Resolution, IReadOnlyList<PauseInterval> Pauses,
    IReadOnlyList<EscalationDecision> Escalations)
{
    public SlaSchedule Schedule => new(
        FirstResponse.Due?.ToDateTimeOffset(), Resolution.Due?.ToDateTimeOffset(), FirstResponse.Breached, Resolution.Breached);

    public bool Paused => Resolution.State == SlaState.Paused;
}

/// <summary>
/// Derives a ticket's SLA clocks from its creation and status history. Pure, and recomputed from scratch each
/// time, so a new policy or priority gives new due times while every paused minute stays paused.
/// </summary>
public static class SlaClock
{
    /// <summary>
    /// Spans spent in a pause state, and spans spent resolved before a reopen (the clock does not run for a
    /// solution the requester had not yet rejected). StoppedAt is set while the ticket is in a stop state.
    /// </summary>
    public static (IReadOnlyList<PauseInterval> Pauses, Instant? StoppedAt) Derive(SlaFacts facts, IReadOnlySet<string> pauseStates)
    {
        List<PauseInterval> pauses = [];
        var status = facts.InitialStatus;
        var since = facts.CreatedAt;
        foreach (var change in facts.Changes.OrderBy(c => c.At))
        {
            if (change.To == status) continue;
            if (pauseStates.Contains(status) || facts.StopStates.Contains(status))
                pauses.Add(new PauseInterval(since, change.At, status));
            status = change.To;
            since = change.At;
        }
        if (facts.StopStates.Contains(status)) return (pauses, since);
        if (pauseStates.Contains(status)) pauses.Add(new PauseInterval(since, null, status));
        return (pauses, null);
    }

    public static TicketSla Evaluate(WorkingCalendar calendar, SlaTargets targets, SlaFacts facts, Instant now)
    {
        var (pauses, stoppedAt) = Derive(facts, targets.PauseStates);
        var start = facts.CreatedAt;

        // The first response clock also stops when the ticket is resolved without a public reply.
        var firstStop = Earliest(facts.FirstRespondedAt, FirstStop(facts));
        var first = SlaCalculator.Measure(calendar, start, targets.FirstResponse, pauses, targets.WarningShare, now, firstStop);
        var resolution = SlaCalculator.Measure(calendar, start, targets.Resolution, pauses, targets.WarningShare, now, stoppedAt);

        List<EscalationDecision> escalations = [];
        foreach (var level in targets.Escalations.OrderBy(l => l.Level))
        {
            var (measure, target) = level.Metric == SlaMetric.FirstResponse ? (first, targets.FirstResponse) : (resolution, targets.Resolution);
            if (measure.StoppedAt is not null) continue;
            var share = Duration.FromTicks((long)(target.BclCompatibleTicks * (level.AtPercent / 100.0)));
            if (SlaCalculator.Due(calendar, start, share, pauses).Due is { } at && now >= at)
                escalations.Add(new EscalationDecision(level, at));
        }
        return new TicketSla(first, resolution, pauses, escalations);
    }

    static Instant? FirstStop(SlaFacts facts) =>
        facts.Changes.OrderBy(c => c.At).FirstOrDefault(c => facts.StopStates.Contains(c.To))?.At;

    static Instant? Earliest(Instant? a, Instant? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
