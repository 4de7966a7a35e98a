using System.Text;
using System.Text.Json;
using Flowdesk.Calendars;
using Flowdesk.Desks;
using Flowdesk.Jobs;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Flowdesk.Sla;

/// <summary>Settings under Flowdesk:Sla:Sweep.</summary>
public sealed class SlaSweepOptions
{
    /// <summary>Tickets evaluated and committed together (one transaction per batch).</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>The sla.sweep job: every minute, warnings, breaches and escalation levels that came due.</summary>
public sealed class SlaSweepJob : IScheduledJob
{
    public string Name => "sla.sweep";
    public TimeSpan Interval => TimeSpan.FromMinutes(1);

    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<FlowdeskDb>();
        var clock = services.GetRequiredService<TimeProvider>();
        var options = services.GetService<IOptions<SlaSweepOptions>>()?.Value ?? new SlaSweepOptions();
        var result = await new SlaSweep(db, options.BatchSize).RunAsync(clock.GetUtcNow(), cancellationToken);
        if (result.Candidates > 0)
            services.GetService<ILogger<SlaSweepJob>>()?.LogInformation(
                "SLA sweep: {Candidates} candidates, {Evaluated} evaluated, {Warnings} warnings, {Breaches} breaches, {Escalations} escalations; find {Find:F0} ms, evaluate {Evaluate:F0} ms, write {Write:F0} ms",
                result.Candidates, result.Evaluated, result.Warnings, result.Breaches, result.Escalations,
                result.FindMilliseconds, result.EvaluateMilliseconds, result.WriteMilliseconds);
    }
}

/// <summary>What one sweep did: open tickets looked at, tickets whose clocks were evaluated, events fired.</summary>
public sealed record SlaSweepResult(int Candidates, int Evaluated, int Warnings, int Breaches, int Escalations,
    double FindMilliseconds = 0, double EvaluateMilliseconds = 0, double WriteMilliseconds = 0);

/// <summary>
/// Finds the SLA events that came due — warning, breach, each escalation level — on open tickets and acts on each
/// once: a "notification" outbox message (sla.warning, sla.breach, sla.escalation), the breach flag with a history row,
/// a reassignment or a raised priority, written in one transaction with the record of what fired
/// (<see cref="SlaSweepState"/>). Set-based: one query finds the tickets that may have an event (no record yet, due
/// times changed since the last look, or the earliest possible next event has come); a cheap lower bound — business
/// time never runs faster than the wall clock — reschedules the many that cannot have one yet without reading their
/// history; only the rest get the full clock (<see cref="SlaClock"/>, business time with holidays and pauses), with
/// their status history read in one query per batch. The instants are the ones the clock computes, so an escalation
/// never fires outside what the calendar counts as business time.
/// </summary>
public sealed class SlaSweep(FlowdeskDb db, int batchSize = 500)
{
    const string FirstResponseName = "first_response";
    const string ResolutionName = "resolution";

    /// <summary>
    /// Tickets whose events are written in one transaction. Small: a raised priority recomputes the ticket's due times
    /// on the business calendar inside SaveChanges, and 25 of those held SQLite's write lock for 2–6 s at 1 M tickets.
    /// </summary>
    const int ActionsPerTransaction = 5;

    sealed record Candidate(Guid Id, string Number, Guid DeskId, Priority Priority, string? Service, string ProcessKey, int ProcessVersion,
        string Status, string? Category, DateTimeOffset CreatedAt, DateTimeOffset? FirstRespondedAt, DateTimeOffset? FirstResponseDue,
        DateTimeOffset? ResolutionDue, bool FirstResponseBreached, bool ResolutionBreached, Guid? AssigneeId, Guid? AssigneeGroupId,
        Guid RequesterId, bool HasState, DateTimeOffset? NextCheckAt, DateTimeOffset? SeenFirstResponseDue, DateTimeOffset? SeenResolutionDue, string? Fired);

    sealed record PolicyClock(SlaPolicy Policy, WorkingCalendar Calendar, SlaTargets Targets);

    sealed record StateRow(Guid TicketId, DateTimeOffset? FirstResponseDue, DateTimeOffset? ResolutionDue, DateTimeOffset? NextCheckAt, string Fired);

    /// <summary>One thing to do for one ticket.</summary>
    sealed record SlaEvent(string Event, SlaMetric Metric, EscalationLevel? Level, DateTimeOffset? DueAt);

    readonly Dictionary<Guid, PolicyClock> clocks = [];
    readonly Dictionary<(Guid, string?, Priority, string), PolicyClock?> matches = [];
    readonly Dictionary<(string, int), IReadOnlySet<string>> stopStates = [];
    List<SlaPolicy> policies = [];
    Dictionary<Guid, BusinessCalendar> calendars = [];

    public async Task<SlaSweepResult> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        now = now.ToUniversalTime();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long evaluating = 0, writing = 0;
        policies = await db.SlaPolicies.AsNoTracking().ToListAsync(ct);
        calendars = await db.BusinessCalendars.AsNoTracking().Include(c => c.Years).ToDictionaryAsync(c => c.Id, ct);

        // Open tickets with a clock that may have an event: never looked at, due times changed, or next check reached.
        var candidates = await (
            from t in db.Tickets.AsNoTracking()
            where t.ResolvedAt == null && t.ClosedAt == null && (t.FirstResponseDue != null || t.ResolutionDue != null)
            join s0 in db.SlaSweepStates.AsNoTracking() on t.Id equals s0.TicketId into states
            from s in states.DefaultIfEmpty()
            where s == null || s.NextCheckAt <= now || s.FirstResponseDue != t.FirstResponseDue || s.ResolutionDue != t.ResolutionDue
            select new Candidate(t.Id, t.Number, t.DeskId, t.Priority, t.Service, t.ProcessKey, t.ProcessVersion, t.Status, t.Category, t.CreatedAt,
                t.FirstRespondedAt, t.FirstResponseDue, t.ResolutionDue, t.FirstResponseBreached, t.ResolutionBreached, t.AssigneeId,
                t.AssigneeGroupId, t.RequesterId, s != null, s == null ? null : s.NextCheckAt, s == null ? null : s.FirstResponseDue,
                s == null ? null : s.ResolutionDue, s == null ? null : s.Fired))
            .ToListAsync(ct);
        var found = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (candidates.Count == 0) return new SlaSweepResult(0, 0, 0, 0, 0, found);

        Guid? actor = null;
        int evaluated = 0, warnings = 0, breaches = 0, escalations = 0;
        foreach (var batch in candidates.Chunk(Math.Clamp(batchSize, 1, 5000)))
        {
            var evaluateFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            List<StateRow> rows = [];
            List<Candidate> precise = [];
            foreach (var c in batch)
            {
                var clock = Match(c);
                var fired = Parse(c.Fired);
                if (clock is null)
                {
                    rows.Add(new StateRow(c.Id, c.FirstResponseDue, c.ResolutionDue, null, Format(fired)));
                    continue;
                }
                var unchanged = c.HasState && c.SeenFirstResponseDue == c.FirstResponseDue && c.SeenResolutionDue == c.ResolutionDue;
                var earliest = unchanged ? c.NextCheckAt : LowerBound(c, clock.Targets, fired);
                if (earliest is null || earliest > now) rows.Add(new StateRow(c.Id, c.FirstResponseDue, c.ResolutionDue, earliest, Format(fired)));
                else precise.Add(c);
            }

            List<(Candidate Ticket, List<SlaEvent> Events)> actions = [];
            if (precise.Count > 0)
            {
                evaluated += precise.Count;
                var history = await StatusHistoryAsync(precise.Select(c => c.Id).ToList(), ct);
                foreach (var c in precise)
                {
                    var clock = Match(c)!;
                    var facts = await FactsAsync(c, history.GetValueOrDefault(c.Id) ?? [], ct);
                    var fired = Parse(c.Fired);
                    var (events, next) = Decide(clock, facts, fired, Instant.FromDateTimeOffset(now));
                    rows.Add(new StateRow(c.Id, c.FirstResponseDue, c.ResolutionDue, next, Format(fired)));
                    if (events.Count > 0) actions.Add((c, events));
                }
            }

            var writeFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            evaluating += writeFrom - evaluateFrom;
            if (actions.Count == 0)
            {
                await using var only = await db.Database.BeginTransactionAsync(ct);
                await UpsertAsync(rows, now, ct);
                await only.CommitAsync(ct);
                writing += System.Diagnostics.Stopwatch.GetTimestamp() - writeFrom;
                continue;
            }
            // Tickets without events first, in one short transaction; then the tickets with events a few at a time,
            // each with its own state rows, so no transaction holds the write lock for long (on SQLite every request's
            // write queues behind it; a 500-ticket transaction of escalations held it for seconds).
            var acting = actions.Select(a => a.Ticket.Id).ToHashSet();
            await using (var quiet = await db.Database.BeginTransactionAsync(ct))
            {
                await UpsertAsync(rows.Where(r => !acting.Contains(r.TicketId)).ToList(), now, ct);
                await quiet.CommitAsync(ct);
            }
            actor ??= await AutomationActor.IdAsync(db, ct);
            foreach (var chunk in actions.Chunk(ActionsPerTransaction))
            {
                var ids = chunk.Select(a => a.Ticket.Id).ToHashSet();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await ApplyAsync([.. chunk], actor.Value, now, ct);
                await db.SaveChangesAsync(ct);
                await UpsertAsync(rows.Where(r => ids.Contains(r.TicketId)).ToList(), now, ct);
                await transaction.CommitAsync(ct);
                db.ChangeTracker.Clear();
            }
            warnings += actions.Sum(a => a.Events.Count(e => e.Event == "sla.warning"));
            breaches += actions.Sum(a => a.Events.Count(e => e.Event == "sla.breach"));
            escalations += actions.Sum(a => a.Events.Count(e => e.Event == "sla.escalation"));
            writing += System.Diagnostics.Stopwatch.GetTimestamp() - writeFrom;
        }
        static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        return new SlaSweepResult(candidates.Count, evaluated, warnings, breaches, escalations, found, Ms(evaluating), Ms(writing));
    }

    PolicyClock? Match(Candidate c)
    {
        var key = (c.DeskId, c.Service?.ToUpperInvariant(), c.Priority, c.ProcessKey);
        if (matches.TryGetValue(key, out var known)) return known;
        var policy = SlaPolicyMatcher.Match(policies, c.DeskId, c.Service, c.Priority, c.ProcessKey);
        PolicyClock? clock = null;
        if (policy is not null && !clocks.TryGetValue(policy.Id, out clock) && calendars.TryGetValue(policy.CalendarId, out var calendar))
        {
            var working = calendar.ToWorkingCalendar();
            clock = clocks[policy.Id] = new PolicyClock(policy, working, SlaTargets.From(policy, working.Hours));
        }
        return matches[key] = clock;
    }

    /// <summary>
    /// The earliest instant any unfired event could come, from the stored due times alone: business time never runs
    /// faster than the wall clock, so a share of a target cannot be used up sooner than that share of wall time after
    /// creation, and a level beyond 100% cannot come before the due time. Null: nothing left to wait for.
    /// </summary>
    static DateTimeOffset? LowerBound(Candidate c, SlaTargets targets, HashSet<string> fired)
    {
        DateTimeOffset? earliest = null;
        void Consider(DateTimeOffset at) { if (earliest is null || at < earliest) earliest = at; }
        var created = c.CreatedAt;
        foreach (var (metric, due, target) in Metrics(c, targets))
        {
            var name = Name(metric);
            if (!fired.Contains($"warning:{name}")) Consider(created + Share(target, targets.WarningShare));
            if (!fired.Contains($"breach:{name}")) Consider(due.AddSeconds(1));
            foreach (var level in targets.Escalations.Where(l => l.Metric == metric && !fired.Contains($"escalation:{l.Level}")))
            {
                var byShare = created + Share(target, level.AtPercent / 100.0);
                Consider(level.AtPercent > 100 && due > byShare ? due : byShare);
            }
        }
        return earliest;
    }

    /// <summary>The running metrics of a ticket with their stored due time (a responded ticket's first response is done).</summary>
    static IEnumerable<(SlaMetric Metric, DateTimeOffset Due, Duration Target)> Metrics(Candidate c, SlaTargets targets)
    {
        if (c.FirstRespondedAt is null && c.FirstResponseDue is { } first) yield return (SlaMetric.FirstResponse, first, targets.FirstResponse);
        if (c.ResolutionDue is { } resolution) yield return (SlaMetric.Resolution, resolution, targets.Resolution);
    }

    static TimeSpan Share(Duration target, double share) => TimeSpan.FromTicks((long)(target.BclCompatibleTicks * Math.Max(0, share)));

    /// <summary>
    /// The exact clock: which events are due now (each once; a breach also settles its warning), and when the next
    /// unfired one comes. Adds what fires to <paramref name="fired"/>.
    /// </summary>
    static (List<SlaEvent> Events, DateTimeOffset? Next) Decide(PolicyClock clock, SlaFacts facts, HashSet<string> fired, Instant now)
    {
        var sla = SlaClock.Evaluate(clock.Calendar, clock.Targets, facts, now);
        List<SlaEvent> events = [];
        Instant? next = null;
        void Consider(Instant? at) { if (at is { } a && a > now && (next is null || a < next)) next = a; }

        foreach (var (metric, measure) in new[] { (SlaMetric.FirstResponse, sla.FirstResponse), (SlaMetric.Resolution, sla.Resolution) })
        {
            if (measure.StoppedAt is not null) continue;
            var name = Name(metric);
            var due = measure.Due?.ToDateTimeOffset();
            if (measure.State == SlaState.Breached)
            {
                if (fired.Add($"breach:{name}")) events.Add(new SlaEvent("sla.breach", metric, null, due));
                fired.Add($"warning:{name}");
            }
            else if (measure.State == SlaState.Warning && fired.Add($"warning:{name}"))
            {
                events.Add(new SlaEvent("sla.warning", metric, null, due));
            }
            if (!fired.Contains($"warning:{name}")) Consider(measure.WarningAt);
            if (!fired.Contains($"breach:{name}")) Consider(measure.Due?.Plus(Duration.FromSeconds(1)));
        }

        foreach (var decision in sla.Escalations)
            if (fired.Add($"escalation:{decision.Level.Level}"))
                events.Add(new SlaEvent("sla.escalation", decision.Level.Metric, decision.Level,
                    (decision.Level.Metric == SlaMetric.FirstResponse ? sla.FirstResponse : sla.Resolution).Due?.ToDateTimeOffset()));

        // Levels still ahead: the instant their share of the target is used up, in business time, after the pauses so far.
        foreach (var level in clock.Targets.Escalations.Where(l => !fired.Contains($"escalation:{l.Level}")))
        {
            var (measure, target) = level.Metric == SlaMetric.FirstResponse ? (sla.FirstResponse, clock.Targets.FirstResponse) : (sla.Resolution, clock.Targets.Resolution);
            if (measure.StoppedAt is not null) continue;
            var share = Duration.FromTicks((long)(target.BclCompatibleTicks * (level.AtPercent / 100.0)));
            Consider(SlaCalculator.Due(clock.Calendar, facts.CreatedAt, share, sla.Pauses).Due);
        }
        return (events, next?.ToDateTimeOffset());
    }

    async Task<Dictionary<Guid, List<StatusChange>>> StatusHistoryAsync(List<Guid> ids, CancellationToken ct)
    {
        var rows = await db.TicketHistory.AsNoTracking()
            .Where(h => ids.Contains(h.TicketId) && h.Field == "status")
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new { h.TicketId, h.At, h.OldValue, h.NewValue })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.TicketId).ToDictionary(g => g.Key,
            g => g.Select(r => new StatusChange(Instant.FromDateTimeOffset(r.At), r.OldValue, r.NewValue ?? "")).ToList());
    }

    /// <summary>The same facts <see cref="SlaService"/> derives for one ticket, from history read for a whole batch.</summary>
    async Task<SlaFacts> FactsAsync(Candidate c, List<StatusChange> changes, CancellationToken ct)
    {
        var initial = changes.FirstOrDefault()?.From ?? c.Status;
        if (!stopStates.TryGetValue((c.ProcessKey, c.ProcessVersion), out var stops))
        {
            var workflow = await ProcessWorkflows.ForAsync(db, c.ProcessKey, c.ProcessVersion, ct);
            stops = stopStates[(c.ProcessKey, c.ProcessVersion)] = workflow.ResolvedStates.Concat(workflow.ClosedStates).ToHashSet(StringComparer.Ordinal);
        }
        return new SlaFacts(Instant.FromDateTimeOffset(c.CreatedAt), initial, changes.Where(s => s.To.Length > 0).ToList(),
            c.FirstRespondedAt is { } responded ? Instant.FromDateTimeOffset(responded) : null, stops);
    }

    /// <summary>Carries the events out on the context (outbox rows, flags, history, assignment, priority); the caller saves.</summary>
    async Task ApplyAsync(List<(Candidate Ticket, List<SlaEvent> Events)> actions, Guid actor, DateTimeOffset now, CancellationToken ct)
    {
        var breached = actions.SelectMany(a => a.Events.Where(e => e.Event == "sla.breach").Select(e => (a.Ticket, e.Metric))).ToList();
        var firstIds = breached.Where(b => b.Metric == SlaMetric.FirstResponse && !b.Ticket.FirstResponseBreached).Select(b => b.Ticket.Id).ToList();
        var resolutionIds = breached.Where(b => b.Metric == SlaMetric.Resolution && !b.Ticket.ResolutionBreached).Select(b => b.Ticket.Id).ToList();
        // Set-based, without a version bump: a breach is the clock's doing, not an edit that should fail someone's If-Match.
        if (firstIds.Count > 0) await db.Tickets.Where(t => firstIds.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.FirstResponseBreached, true), ct);
        if (resolutionIds.Count > 0) await db.Tickets.Where(t => resolutionIds.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.ResolutionBreached, true), ct);
        foreach (var id in firstIds) db.TicketHistory.Add(new TicketHistoryEntry(id, actor, now, "firstResponseBreached", "false", "true"));
        foreach (var id in resolutionIds) db.TicketHistory.Add(new TicketHistoryEntry(id, actor, now, "resolutionBreached", "false", "true"));

        var editing = actions.Where(a => a.Events.Any(e => e.Level?.Action is EscalationAction.Reassign or EscalationAction.RaisePriority))
            .Select(a => a.Ticket.Id).ToList();
        var tracked = editing.Count == 0 ? [] : await db.Tickets.Where(t => editing.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);

        foreach (var (c, events) in actions)
        {
            foreach (var e in events)
            {
                var recipients = c.AssigneeId is { } assignee ? new List<Guid> { assignee } : [];
                Guid? groupId = c.AssigneeGroupId;
                string? action = null;
                if (e.Level is { } level)
                {
                    action = ActionName(level.Action);
                    switch (level.Action)
                    {
                        case EscalationAction.Notify:
                            (recipients, groupId) = await RecipientsAsync(c, level.Target, ct);
                            break;
                        case EscalationAction.Reassign when tracked.TryGetValue(c.Id, out var ticket):
                            var group = level.Target is { } key ? await db.Groups.SingleOrDefaultAsync(g => g.Key == key, ct) : null;
                            // A group of another desk cannot own the ticket (its staff could not see it): the level is recorded and notified only.
                            if (group is not null && group.DeskId == ticket.DeskId)
                            {
                                var person = await Assignment.PickAsync(db, group, ticket.Category, ct);
                                ticket.Edit(new TicketEdit(AssigneeGroup: new Optional<Guid?>(group.Id), Assignee: new Optional<Guid?>(person)), actor, now);
                                recipients = person is { } p ? [p] : [];
                                groupId = group.Id;
                            }
                            break;
                        case EscalationAction.RaisePriority when tracked.TryGetValue(c.Id, out var ticket):
                            if (ticket.Priority > Priority.P1) ticket.Edit(new TicketEdit(Priority: ticket.Priority - 1), actor, now);
                            break;
                        case EscalationAction.Reassign or EscalationAction.RaisePriority:
                            break;
                        default:
                            throw new InvalidOperationException($"Unknown escalation action {level.Action}.");
                    }
                }
                var payload = JsonSerializer.Serialize(new
                {
                    @event = e.Event,
                    ticketId = c.Id,
                    number = c.Number,
                    recipients,
                    groupId,
                    metric = Name(e.Metric),
                    dueAt = e.DueAt,
                    level = e.Level?.Level,
                    action,
                    target = e.Level?.Target,
                });
                db.OutboxMessages.Add(new OutboxMessage("notification", payload, c.Id, now));
            }
        }
    }

    /// <summary>Who an escalation's "notify" reaches: assignee, requester, requester.manager, group, desk-admins, a group key or a user name.</summary>
    async Task<(List<Guid> People, Guid? GroupId)> RecipientsAsync(Candidate c, string? target, CancellationToken ct)
    {
        switch (target)
        {
            case null or "" or "assignee":
                return (c.AssigneeId is { } a ? [a] : [], c.AssigneeId is null ? c.AssigneeGroupId : null);
            case "requester":
                return ([c.RequesterId], null);
            case "requester.manager":
                return (await db.Users.Where(p => p.Id == c.RequesterId && p.ManagerId != null).Select(p => p.ManagerId!.Value).ToListAsync(ct), null);
            case "group":
                return ([], c.AssigneeGroupId);
            case "desk-admins":
                return (await db.DeskMembers.Where(m => m.DeskId == c.DeskId && m.Role == DeskRole.DeskAdmin).Select(m => m.PersonId).ToListAsync(ct), null);
            default:
                var groupId = await db.Groups.Where(g => g.Key == target).Select(g => (Guid?)g.Id).SingleOrDefaultAsync(ct);
                if (groupId is not null) return ([], groupId);
                var normalized = target.ToUpperInvariant();
                return (await db.Users.Where(p => p.NormalizedUserName == normalized && p.IsActive).Select(p => p.Id).ToListAsync(ct), null);
        }
    }

    static readonly string[] UpsertParameters = ["id", "first", "resolution", "next", "fired", "checked"];

    const string UpsertTail = " ON CONFLICT (ticket_id) DO UPDATE SET first_response_due = excluded.first_response_due, resolution_due = excluded.resolution_due, "
        + "next_check_at = excluded.next_check_at, fired = excluded.fired, checked_at = excluded.checked_at";

    /// <summary>
    /// Writes the sweep's record per ticket, inside the batch's transaction (the first sweep of a large desk writes one
    /// row per open ticket): on SQLite one prepared single-row upsert run per row (in-process, so a call is cheap, while
    /// binding thousands of named parameters to one statement is not); on PostgreSQL multi-row upserts (one round trip
    /// per 400 rows).
    /// </summary>
    async Task UpsertAsync(List<StateRow> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        const string Insert = "INSERT INTO sla_sweep_states (ticket_id, first_response_due, resolution_due, next_check_at, fired, checked_at) VALUES ";
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            static object Ticks(DateTimeOffset? at) => at is { } v ? v.UtcTicks : DBNull.Value;
            var command = db.Database.GetDbConnection().CreateCommand();
            await using (command)
            {
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                command.CommandText = Insert + "(@id, @first, @resolution, @next, @fired, @checked)" + UpsertTail;
                var parameters = UpsertParameters.Select(name =>
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@" + name;
                    command.Parameters.Add(parameter);
                    return parameter;
                }).ToArray();
                foreach (var r in rows)
                {
                    parameters[0].Value = r.TicketId.ToString().ToUpperInvariant();
                    parameters[1].Value = Ticks(r.FirstResponseDue);
                    parameters[2].Value = Ticks(r.ResolutionDue);
                    parameters[3].Value = Ticks(r.NextCheckAt);
                    parameters[4].Value = r.Fired;
                    parameters[5].Value = now.UtcTicks;
                    await command.ExecuteNonQueryAsync(ct);
                }
            }
            return;
        }

        const int RowsPerStatement = 400;
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder(Insert);
            List<object> parameters = [];
            string P(object? value, NpgsqlTypes.NpgsqlDbType type)
            {
                var parameter = new Npgsql.NpgsqlParameter("p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), type)
                {
                    Value = value ?? DBNull.Value,
                };
                parameters.Add(parameter);
                return "@" + parameter.ParameterName;
            }
            const NpgsqlTypes.NpgsqlDbType At = NpgsqlTypes.NpgsqlDbType.TimestampTz;
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                sql.Append(i == 0 ? "(" : ", (")
                    .Append(P(r.TicketId, NpgsqlTypes.NpgsqlDbType.Uuid)).Append(", ").Append(P(r.FirstResponseDue?.ToUniversalTime(), At)).Append(", ")
                    .Append(P(r.ResolutionDue?.ToUniversalTime(), At)).Append(", ").Append(P(r.NextCheckAt?.ToUniversalTime(), At)).Append(", ")
                    .Append(P(r.Fired, NpgsqlTypes.NpgsqlDbType.Text)).Append(", ").Append(P(now, At)).Append(')');
            }
            sql.Append(UpsertTail);
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }

    static HashSet<string> Parse(string? fired) => (fired ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    static string Format(HashSet<string> fired) => string.Join(' ', fired.Order(StringComparer.Ordinal));

    static string Name(SlaMetric metric) => metric == SlaMetric.FirstResponse ? FirstResponseName : ResolutionName;

    static string ActionName(EscalationAction action) => action switch
    {
        EscalationAction.Notify => "notify",
        EscalationAction.Reassign => "reassign",
        EscalationAction.RaisePriority => "raise_priority",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
