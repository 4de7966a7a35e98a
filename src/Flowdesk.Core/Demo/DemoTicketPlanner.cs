using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Processes;
using Flowdesk.Tickets;

namespace Flowdesk.Demo;

/// <summary>One line of a planned conversation, already filled in and placed in time.</summary>
sealed record PlannedLine(DemoLine Line, string Text, DateTimeOffset At);

/// <summary>What happens to a planned ticket up to "now": comments and state changes, in order.</summary>
abstract record PlannedStep(DateTimeOffset At);
sealed record CommentStep(DateTimeOffset At, Person Author, string Body, bool Internal, bool ByStaff) : PlannedStep(At);
sealed record MoveStep(DateTimeOffset At, Person Actor, string From, string To) : PlannedStep(At);

/// <summary>A demo ticket decided in memory before anything touches the database.</summary>
sealed class TicketPlan
{
    public required DemoScenario Scenario { get; init; }
    public required Desk Desk { get; init; }
    public required Group Group { get; init; }
    public required Person Requester { get; init; }
    public required Person Technician { get; init; }
    public Person? Manager { get; init; }
    public required List<Person> Watchers { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required Dictionary<string, string> Variables { get; init; }
    public Level Impact { get; set; }
    public Level Urgency { get; set; }
    public Priority Priority => PriorityMatrix.For(Impact, Urgency);
    /// <summary>The whole story, including the parts still in the future.</summary>
    public required List<PlannedLine> Lines { get; set; }
    /// <summary>When a resolved ticket gets closed (by the requester confirming, or automatically after five working days).</summary>
    public DateTimeOffset? CloseAt { get; set; }
    public bool ClosedByRequester { get; set; }
    public bool Forced { get; set; }

    public string Subject => DemoVariables.Fill(Scenario.Subject, Variables);
    public string Description => DemoVariables.Fill(Scenario.Description, Variables);
    public DateTimeOffset ResolutionDue => DemoTicketPlanner.AddBusinessMinutes(CreatedAt, DemoTicketPlanner.ResolutionTargetMinutes(Priority));

    /// <summary>Replays the story up to <paramref name="now"/> through the built-in workflow, refusing any move it forbids.</summary>
    public Replay Replay(DateTimeOffset now)
    {
        var workflow = BuiltInWorkflows.For(Scenario.Kind);
        var state = workflow.Initial;
        List<PlannedStep> steps = [];
        DateTimeOffset? resolvedAt = null, closedAt = null, firstResponse = null;

        void Move(DateTimeOffset at, Person actor, string to)
        {
            if (state == to) return;
            var who = actor.Id == Requester.Id || actor.Id == Manager?.Id ? TransitionActor.Requester : TransitionActor.Staff;
            var decision = workflow.CanMove(state, to, who);
            if (!decision.Allowed)
                throw new InvalidOperationException($"Demo scenario '{Scenario.Subject}' moves {state} → {to}: {decision.Reason}");
            steps.Add(new MoveStep(at, actor, state, to));
            if (to == TicketStates.Resolved) resolvedAt = at;
            if (to is TicketStates.Closed or TicketStates.Cancelled) closedAt = at;
            state = to;
        }

        foreach (var line in Lines.Where(l => l.At <= now))
        {
            var speaker = line.Line.Speaker;
            var staff = speaker is Speaker.Technician or Speaker.InternalNote;
            var author = speaker switch
            {
                Speaker.Requester => Requester,
                Speaker.Manager => Manager ?? Requester,
                _ => Technician,
            };
            if (staff && state == TicketStates.New && line.Line.Beat is Beat.None or Beat.Resume)
                Move(line.At, author, TicketStates.InProgress);
            var isInternal = speaker == Speaker.InternalNote;
            steps.Add(new CommentStep(line.At, author, line.Text, isInternal, staff));
            if (staff && !isInternal) firstResponse ??= line.At;
            switch (line.Line.Beat)
            {
                case Beat.Ask: Move(line.At, author, TicketStates.WaitingOnRequester); break;
                case Beat.Vendor: Move(line.At, author, TicketStates.WaitingOnThirdParty); break;
                case Beat.Fix: Move(line.At, author, TicketStates.Resolved); break;
                case Beat.Cancel: Move(line.At, author, TicketStates.Cancelled); break;
                case Beat.Resume: Move(line.At, author, TicketStates.InProgress); break;
                case Beat.None when speaker == Speaker.Requester && state == TicketStates.WaitingOnRequester:
                case Beat.None when staff && state == TicketStates.WaitingOnThirdParty:
                    Move(line.At, author, TicketStates.InProgress);
                    break;
            }
        }
        if (state == TicketStates.Resolved && CloseAt is { } close && close <= now)
            Move(close, ClosedByRequester ? Requester : Technician, TicketStates.Closed);

        var updated = steps.Count > 0 ? steps.Max(s => s.At) : CreatedAt;
        var worked = steps.Any(s => s is MoveStep || s is CommentStep { ByStaff: true });
        return new Replay(state, steps, updated, resolvedAt, closedAt, firstResponse, worked);
    }
}

sealed record Replay(string Status, IReadOnlyList<PlannedStep> Steps, DateTimeOffset UpdatedAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt, DateTimeOffset? FirstRespondedAt, bool Worked);

/// <summary>
/// Decides the demo tickets: which story, who asked, when (business hours in Shanghai over the last 90 days),
/// how the conversation unfolded. Pure and seeded, so the same clock gives the same tickets every time.
/// </summary>
static class DemoTicketPlanner
{
    public const int Seed = 2026;
    const int HistoryDays = 90;
    static readonly TimeSpan Shanghai = TimeSpan.FromHours(8); // no daylight saving in China
    /// <summary>Resolved tickets nobody reopens are closed after this many working days.</summary>
    const int AutoCloseDays = 5;
    const int DayStart = 9 * 60, DayEnd = 18 * 60, DayMinutes = DayEnd - DayStart;

    static readonly string[] ChineseRequesters = ["alice", "emma", "frank", "henry"];
    static readonly string[] EnglishRequesters = ["bob", "carol", "david", "grace", "ivy"];
    static readonly (string Desk, double Weight, string Technician)[] DeskMix = [("it", 0.60, "li.agent"), ("facilities", 0.25, "wang.fac"), ("hr", 0.15, "zhang.hr")];
    static readonly Dictionary<string, string> ChineseNames = new(StringComparer.Ordinal) { ["bob"] = "陈博" };

    public static List<TicketPlan> Plan(DemoDirectory people, StandardDesks desks, int count, DateTimeOffset now)
    {
        var rng = new Random(Seed);
        var byId = people.People.Values.ToDictionary(p => p.Id);
        List<TicketPlan> plans = [];
        for (var i = 0; i < count; i++)
        {
            var (deskKey, _, techName) = Pick(rng, DeskMix, d => d.Weight);
            var zh = rng.NextDouble() < 0.5;
            var pool = DemoScenarios.All.Where(s => s.Desk == deskKey && s.IsChinese == zh).ToList();
            var scenario = Pick(rng, pool, s => s.Weight);

            var candidates = (zh ? ChineseRequesters : EnglishRequesters).Select(u => people[u])
                .Where(p => !scenario.InvolvesManager || p.ManagerId is { } m && byId.ContainsKey(m)).ToList();
            var requester = candidates[rng.Next(candidates.Count)];
            var manager = scenario.InvolvesManager ? byId[requester.ManagerId!.Value] : null;

            List<Person> watchers = [];
            if (manager is not null) watchers.Add(manager);
            // Colleagues follow some tickets; HR cases stay between the employee and HR.
            if (deskKey != "hr" && rng.NextDouble() < (scenario.Impact == Level.High ? 0.5 : 0.12))
            {
                var colleagues = ChineseRequesters.Concat(EnglishRequesters).Select(u => people[u])
                    .Where(p => p.Id != requester.Id && watchers.All(w => w.Id != p.Id)).ToList();
                watchers.Add(colleagues[rng.Next(colleagues.Count)]);
            }

            var created = CreatedAt(rng, now);
            var local = created.ToOffset(Shanghai);
            var variables = DemoVariables.Create(rng, zh, FirstName(requester, zh),
                manager is null ? null : zh && ChineseNames.TryGetValue(manager.UserName!, out var zhName) ? zhName : manager.DisplayName.Split(' ')[0],
                local);

            var (impact, urgency) = Jitter(rng, scenario.Impact, scenario.Urgency);
            var plan = new TicketPlan
            {
                Scenario = scenario,
                Desk = desks.Desks.Single(d => d.Key == deskKey),
                Group = desks.GroupByKey(scenario.Group),
                Requester = requester,
                Technician = people[techName],
                Manager = manager,
                Watchers = watchers,
                CreatedAt = created,
                Variables = variables,
                Impact = impact,
                Urgency = urgency,
                Lines = [],
            };
            plan.Lines = Timeline(rng, plan);
            if (plan.Lines.FirstOrDefault(l => l.Line.Beat == Beat.Fix) is { } fix)
            {
                var after = plan.Lines.LastOrDefault(l => l.At > fix.At && l.Line.Speaker == Speaker.Requester);
                if (after is not null && rng.NextDouble() < 0.45)
                {
                    plan.CloseAt = after.At.AddMinutes(rng.Next(1, 15));
                    plan.ClosedByRequester = true;
                }
                else plan.CloseAt = AddBusinessMinutes(fix.At, AutoCloseDays * DayMinutes + rng.Next(0, 60));
                // Closing comes after the last word, even when a thank-you arrived late.
                if (plan.CloseAt <= plan.Lines[^1].At) plan.CloseAt = plan.Lines[^1].At.AddMinutes(rng.Next(1, 30));
            }
            plans.Add(plan);
        }
        // Oldest first, so IT-000001 is the oldest IT ticket; OrderBy is stable, which keeps ties deterministic.
        plans = [.. plans.OrderBy(p => p.CreatedAt)];
        if (count >= 10) EnsureCoverage(rng, plans, now);
        return plans;
    }

    /// <summary>Lays the story out in working time: quick answers for P1, a vendor takes days, requesters reply when they can.</summary>
    static List<PlannedLine> Timeline(Random rng, TicketPlan plan)
    {
        var lines = plan.Scenario.Lines.ToList();
        // A few requesters withdraw their ticket before it is fixed.
        var fixIndex = lines.FindIndex(l => l.Beat == Beat.Fix);
        if (fixIndex >= 0 && rng.NextDouble() < 0.06)
        {
            var keep = rng.Next(0, fixIndex);
            lines = [.. lines.Take(keep), new DemoLine(Speaker.Requester, Pick(rng, plan.Scenario.IsChinese ? DemoScenarios.CancelZh : DemoScenarios.CancelEn), Beat.Cancel)];
        }

        List<PlannedLine> planned = [];
        var at = plan.CreatedAt;
        DemoLine? previous = null;
        // Now and then a ticket stalls: the requester is on leave, a part is back-ordered.
        var stallAt = rng.NextDouble() < 0.15 ? rng.Next(0, lines.Count) : -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var staff = line.Speaker is Speaker.Technician or Speaker.InternalNote;
            var urgent = plan.Priority is Priority.P1 or Priority.P2;
            double minutes;
            if (previous?.Beat == Beat.Vendor)
                minutes = plan.Priority == Priority.P1 ? rng.Next(30, 240) : urgent ? rng.Next(120, 2 * DayMinutes) : rng.Next(2 * DayMinutes, 10 * DayMinutes);
            else if (previous is null && staff)
            {
                minutes = plan.Priority switch { Priority.P1 => rng.Next(2, 15), Priority.P2 => rng.Next(10, 90), _ => rng.Next(20, 480) };
                // Routine tickets often wait in the queue for a day or more.
                if (!urgent && rng.NextDouble() < 0.35) minutes += rng.Next(DayMinutes, 6 * DayMinutes);
            }
            else if (staff && previous!.Speaker is Speaker.Technician or Speaker.InternalNote) minutes = rng.Next(2, 60);
            else if (staff) minutes = plan.Priority switch { Priority.P1 => rng.Next(5, 30), Priority.P2 => rng.Next(30, 240), _ => rng.Next(60, 2 * DayMinutes) };
            else if (line.Speaker == Speaker.Manager) minutes = rng.Next(60, (int)(1.5 * DayMinutes));
            else if (previous?.Beat == Beat.Ask)
            {
                minutes = plan.Priority == Priority.P1 ? rng.Next(5, 60) : rng.Next(30, 4 * DayMinutes);
                // Some requesters take their time to answer a question.
                if (!urgent && rng.NextDouble() < 0.2) minutes += rng.Next(2 * DayMinutes, 8 * DayMinutes);
            }
            else minutes = rng.Next(10, 600);
            if (i == stallAt && plan.Priority != Priority.P1) minutes += rng.Next(5 * DayMinutes, 15 * DayMinutes);
            at = AddBusinessMinutes(at, Math.Max(1, minutes));
            planned.Add(new PlannedLine(line, DemoVariables.Fill(line.Text, plan.Variables), at));
            previous = line;
        }
        return planned;
    }

    /// <summary>A demo with a few hundred tickets shows every state and priority, even when chance did not produce one.</summary>
    static void EnsureCoverage(Random rng, List<TicketPlan> plans, DateTimeOffset now)
    {
        string[] open = [TicketStates.New, TicketStates.InProgress, TicketStates.WaitingOnRequester, TicketStates.WaitingOnThirdParty, TicketStates.Cancelled];
        foreach (var target in open)
        {
            if (plans.Any(p => p.Replay(now).Status == target)) continue;
            var plan = plans.LastOrDefault(p => !p.Forced && p.Replay(now).Status is not TicketStates.Closed);
            if (plan is null) continue;
            var zh = plan.Scenario.IsChinese;
            // Keep what happened before the fix, then add the beat that puts the ticket where it is needed.
            var kept = plan.Lines.Where(l => l.At <= now).TakeWhile(l => l.Line.Beat is not (Beat.Fix or Beat.Cancel)).ToList();
            if (target == TicketStates.New) kept.Clear();
            var last = kept.Count > 0 ? kept[^1].At : plan.CreatedAt;
            var at = last + (now - last) * (0.3 + 0.5 * rng.NextDouble());
            DemoLine? extra = target switch
            {
                TicketStates.InProgress => DemoScenarios.GenericWorking(zh),
                TicketStates.WaitingOnRequester => DemoScenarios.GenericAsk(zh),
                TicketStates.WaitingOnThirdParty => DemoScenarios.GenericVendor(zh),
                TicketStates.Cancelled => new DemoLine(Speaker.Requester, Pick(rng, zh ? DemoScenarios.CancelZh : DemoScenarios.CancelEn), Beat.Cancel),
                _ => null,
            };
            if (extra is not null) kept.Add(new PlannedLine(extra, DemoVariables.Fill(extra.Text, plan.Variables), at));
            plan.Lines = kept;
            plan.CloseAt = null;
            plan.Forced = true;
        }

        if (!plans.Any(p => p.Replay(now).Status == TicketStates.Resolved)
            && plans.LastOrDefault(p => !p.Forced && p.Replay(now).Status == TicketStates.Closed) is { } toReopen)
        {
            toReopen.CloseAt = null;
            toReopen.Forced = true;
        }
        if (!plans.Any(p => p.Replay(now).Status == TicketStates.Closed)
            && plans.FirstOrDefault(p => !p.Forced && p.Replay(now).Status == TicketStates.Resolved) is { } toClose
            && toClose.Replay(now).ResolvedAt is { } resolved)
        {
            var lastWord = toClose.Lines.Where(l => l.At <= now).Max(l => l.At);
            toClose.CloseAt = resolved + (now - resolved) / 2 > lastWord ? resolved + (now - resolved) / 2 : lastWord + (now - lastWord) / 2;
            toClose.Forced = true;
        }

        foreach (var (priority, impact, urgency) in new[] { (Priority.P1, Level.High, Level.High), (Priority.P2, Level.High, Level.Medium), (Priority.P3, Level.Medium, Level.Medium), (Priority.P4, Level.Low, Level.Low) })
        {
            if (plans.Any(p => p.Priority == priority)) continue;
            var others = plans.Where(p => plans.Count(q => q.Priority == p.Priority) > 1).ToList();
            if (others.Count == 0) continue;
            var plan = others[rng.Next(others.Count)];
            plan.Impact = impact;
            plan.Urgency = urgency;
        }
    }

    static (Level, Level) Jitter(Random rng, Level impact, Level urgency)
    {
        static Level Shift(Random rng, Level level) => (Level)Math.Clamp((int)level + (rng.Next(2) == 0 ? -1 : 1), 1, 3);
        var roll = rng.NextDouble();
        if (roll < 0.12) return (Shift(rng, impact), urgency);
        if (roll < 0.24) return (impact, Shift(rng, urgency));
        return (impact, urgency);
    }

    /// <summary>A weekday moment between 9:00 and 18:00 Shanghai time in the last 90 days, before now.</summary>
    static DateTimeOffset CreatedAt(Random rng, DateTimeOffset now)
    {
        var today = now.ToOffset(Shanghai).Date;
        while (true)
        {
            var day = today.AddDays(-rng.Next(0, HistoryDays));
            var minute = DayStart + rng.Next(0, DayMinutes);
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            var at = new DateTimeOffset(day.AddMinutes(minute), Shanghai).ToUniversalTime();
            if (at <= now.AddMinutes(-5)) return at;
        }
    }

    /// <summary>Adds working minutes (Monday to Friday, 9:00–18:00 Shanghai), the way people actually answer tickets.</summary>
    public static DateTimeOffset AddBusinessMinutes(DateTimeOffset start, double minutes)
    {
        var local = start.ToOffset(Shanghai);
        var left = minutes;
        while (true)
        {
            var dayStart = new DateTimeOffset(local.Date.AddMinutes(DayStart), Shanghai);
            var dayEnd = new DateTimeOffset(local.Date.AddMinutes(DayEnd), Shanghai);
            if (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || local >= dayEnd)
            {
                local = NextWorkingDayStart(local);
                continue;
            }
            if (local < dayStart) local = dayStart;
            var available = (dayEnd - local).TotalMinutes;
            if (left <= available) return local.AddMinutes(left).ToUniversalTime();
            left -= available;
            local = NextWorkingDayStart(local);
        }
    }

    static DateTimeOffset NextWorkingDayStart(DateTimeOffset local)
    {
        var day = local.Date.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return new DateTimeOffset(day.AddMinutes(DayStart), Shanghai);
    }

    public static int ResolutionTargetMinutes(Priority priority) => priority switch
    {
        Priority.P1 => 4 * 60,
        Priority.P2 => DayMinutes,
        Priority.P3 => 3 * DayMinutes,
        _ => 5 * DayMinutes,
    };

    static string FirstName(Person person, bool zh) =>
        zh ? (person.DisplayName.Length > 2 ? person.DisplayName[1..] : person.DisplayName) : person.DisplayName.Split(' ')[0];

    static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];

    static T Pick<T>(Random rng, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var roll = rng.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }
}
