using Flowdesk.Processes;
using Flowdesk.Sla;
using NodaTime;
using static Flowdesk.Tests.Sla.Calendars;

namespace Flowdesk.Tests.Sla;

/// <summary>Clocks derived from the status history: pauses, stops, reopen, and a policy change mid-flight.</summary>
public sealed class SlaClockTests
{
    static readonly IReadOnlySet<string> PauseStates = SlaPolicy.DefaultPauseStates.ToHashSet();
    static readonly IReadOnlySet<string> StopStates = new HashSet<string> { TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled };

    static SlaFacts Facts(string created, params (string At, string To)[] changes)
    {
        var status = TicketStates.New;
        List<StatusChange> list = [];
        foreach (var (at, to) in changes) { list.Add(new StatusChange(At(at), status, to)); status = to; }
        return new SlaFacts(At(created), TicketStates.New, list, null, StopStates);
    }

    static SlaTargets Targets(string first, string resolution, params EscalationLevel[] escalations) =>
        new(Target(CnMainland, first), Target(CnMainland, resolution), PauseStates, 0.75, escalations);

    [Fact]
    public void Derive_TurnsWaitingStatesIntoPauses_AndResolvedIntoAStop()
    {
        var facts = Facts("2026-03-04T09:00+08:00",
            ("2026-03-04T09:30+08:00", TicketStates.InProgress),
            ("2026-03-04T10:00+08:00", TicketStates.WaitingOnRequester),
            ("2026-03-04T11:00+08:00", TicketStates.InProgress),
            ("2026-03-04T15:00+08:00", TicketStates.WaitingOnThirdParty),
            ("2026-03-05T10:00+08:00", TicketStates.Resolved));
        var (pauses, stopped) = SlaClock.Derive(facts, PauseStates);
        Assert.Equal(
        [
            new PauseInterval(At("2026-03-04T10:00+08:00"), At("2026-03-04T11:00+08:00"), TicketStates.WaitingOnRequester),
            new PauseInterval(At("2026-03-04T15:00+08:00"), At("2026-03-05T10:00+08:00"), TicketStates.WaitingOnThirdParty),
        ], pauses);
        Assert.Equal(At("2026-03-05T10:00+08:00"), stopped);
    }

    [Fact]
    public void Derive_AReopenedTicket_DoesNotCountTheTimeItWasResolved()
    {
        var facts = Facts("2026-03-04T09:00+08:00",
            ("2026-03-04T10:00+08:00", TicketStates.Resolved),
            ("2026-03-05T09:00+08:00", TicketStates.InProgress));
        var (pauses, stopped) = SlaClock.Derive(facts, PauseStates);
        Assert.Null(stopped);
        Assert.Equal([new PauseInterval(At("2026-03-04T10:00+08:00"), At("2026-03-05T09:00+08:00"), TicketStates.Resolved)], pauses);

        // 4h: 09–10 before resolving, then Thursday 09:00–12:00 after the reopen.
        var sla = SlaClock.Evaluate(CnMainland, Targets("1h", "4h"), facts, At("2026-03-05T09:30+08:00"));
        Assert.Equal(At("2026-03-05T12:00+08:00"), sla.Resolution.Due);
    }

    [Fact]
    public void PolicyChange_MidFlight_RecomputesDueTimes_KeepingPausedTime()
    {
        // Created Wed 09:00, waited on the requester 10:00–11:00, back in progress.
        var facts = Facts("2026-03-04T09:00+08:00",
            ("2026-03-04T09:05+08:00", TicketStates.InProgress),
            ("2026-03-04T10:00+08:00", TicketStates.WaitingOnRequester),
            ("2026-03-04T11:00+08:00", TicketStates.InProgress));
        var now = At("2026-03-04T11:30+08:00");

        var p3 = SlaClock.Evaluate(CnMainland, Targets("4h", "3bd"), facts, now);
        // 3bd = 22h30m: Wed 6h30m (one hour paused), Thu 7h30m, Fri 7h30m, Mon 09:00–10:00.
        Assert.Equal(At("2026-03-09T10:00+08:00"), p3.Resolution.Due);
        // 4h: 09–10, 11–12, 13:30–15:30.
        Assert.Equal(At("2026-03-04T15:30+08:00"), p3.FirstResponse.Due);

        // Raised to p1 (1h / 4h): the same history, the paused hour still not counted.
        var p1 = SlaClock.Evaluate(CnMainland, Targets("1h", "4h"), facts, now);
        Assert.Equal(At("2026-03-04T10:00+08:00"), p1.FirstResponse.Due);
        Assert.Equal(At("2026-03-04T15:30+08:00"), p1.Resolution.Due);
        Assert.Equal(SlaState.Breached, p1.FirstResponse.State);
        Assert.Equal(SlaState.Running, p1.Resolution.State);
        Assert.True(p1.Schedule.FirstResponseBreached);
        Assert.False(p1.Schedule.ResolutionBreached);
    }

    [Fact]
    public void FirstResponse_StopsAtTheFirstPublicReply()
    {
        var facts = Facts("2026-03-04T09:00+08:00") with { FirstRespondedAt = At("2026-03-04T09:45+08:00") };
        var sla = SlaClock.Evaluate(CnMainland, Targets("1h", "4h"), facts, At("2026-03-04T16:00+08:00"));
        Assert.Equal(SlaState.Met, sla.FirstResponse.State);
        Assert.Equal(45, sla.FirstResponse.Elapsed.TotalMinutes);
        Assert.Equal(SlaState.Breached, sla.Resolution.State);
    }

    public static TheoryData<string, int[]> EscalationCases => new()
    {
        { "2026-03-04T11:00+08:00", [] },          // 2h of 4h used
        { "2026-03-04T12:00+08:00", [1] },         // 75% at 12:00
        { "2026-03-04T14:30+08:00", [1, 2] },      // 100% at 14:30
        { "2026-03-05T10:00+08:00", [1, 2, 3] },   // 150% = 6h: Wed 7h30m is past it
    };

    [Theory]
    [MemberData(nameof(EscalationCases))]
    public void Escalations_AreDecisionsOnceTheirShareIsUsed(string now, int[] levels)
    {
        var targets = Targets("1h", "4h",
            new EscalationLevel(1, SlaMetric.Resolution, 75, EscalationAction.Notify, "assignee"),
            new EscalationLevel(2, SlaMetric.Resolution, 100, EscalationAction.Notify, "desk-admins"),
            new EscalationLevel(3, SlaMetric.Resolution, 150, EscalationAction.RaisePriority));
        var sla = SlaClock.Evaluate(CnMainland, targets, Facts("2026-03-04T09:00+08:00"), At(now));
        Assert.Equal(levels, sla.Escalations.Select(e => e.Level.Level).ToArray());
        if (levels.Contains(3))
            Assert.Equal(At("2026-03-04T16:30+08:00"), sla.Escalations.Single(e => e.Level.Level == 3).At);
    }
}
