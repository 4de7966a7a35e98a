using Flowdesk.Jobs;
using Flowdesk.Persistence;
using Flowdesk.Processes.Definitions;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowdesk.Processes;

public enum TimedRuleStatus { Pending = 1, Fired = 2, Skipped = 3, Superseded = 4, Failed = 5 }

/// <summary>
/// A time-based rule waiting for its moment (table timed_rule_runs): the rule (by its position in the ticket's pinned
/// process version, which never changes once published), the event it counts from and the state the ticket was in
/// then, and when it is due. The rules.timed job fires it once, or skips it when the ticket has moved on.
/// </summary>
public sealed class TimedRuleRun
{
    private TimedRuleRun() { }

    public TimedRuleRun(Guid ticketId, string processKey, int processVersion, int ruleIndex, string anchor, string anchorStatus,
        DateTimeOffset anchoredAt, DateTimeOffset dueAt, string? approvalDecision)
    {
        Id = Ids.New();
        TicketId = ticketId;
        ProcessKey = processKey;
        ProcessVersion = processVersion;
        RuleIndex = ruleIndex;
        Anchor = anchor;
        AnchorStatus = anchorStatus;
        AnchoredAt = anchoredAt;
        DueAt = dueAt;
        ApprovalDecision = approvalDecision;
        Status = TimedRuleStatus.Pending;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public string ProcessKey { get; private set; } = "";
    public int ProcessVersion { get; private set; }
    /// <summary>The rule's position in the version's rules (the rule id: rules have no names, and a published version is immutable).</summary>
    public int RuleIndex { get; private set; }
    /// <summary>The event counted from, as in the rule's "on" (state_entered:resolved).</summary>
    public string Anchor { get; private set; } = "";
    /// <summary>The ticket's state when the event happened; the rule fires only if the ticket is still there.</summary>
    public string AnchorStatus { get; private set; } = "";
    public DateTimeOffset AnchoredAt { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    /// <summary>For rules counting from approval_decided: the decision, for the rule's condition.</summary>
    public string? ApprovalDecision { get; private set; }
    public TimedRuleStatus Status { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    /// <summary>Why it was skipped or failed.</summary>
    public string? Outcome { get; private set; }

    /// <summary>The same rule was anchored again (the ticket left the state and came back): only the newest counts.</summary>
    public void Supersede(DateTimeOffset now)
    {
        if (Status != TimedRuleStatus.Pending) return;
        Status = TimedRuleStatus.Superseded;
        FinishedAt = now;
    }
}

static class TimedRulesModel
{
    public static void Configure(ModelBuilder builder) =>
        builder.Entity<TimedRuleRun>(r =>
        {
            r.ToTable("timed_rule_runs");
            r.Property(x => x.ProcessKey).HasMaxLength(100);
            r.Property(x => x.Anchor).HasMaxLength(200);
            r.Property(x => x.AnchorStatus).HasMaxLength(50);
            r.Property(x => x.ApprovalDecision).HasMaxLength(20);
            r.Property(x => x.Outcome).HasMaxLength(2000);
            r.HasIndex(x => new { x.Status, x.DueAt });
            r.HasIndex(x => new { x.TicketId, x.RuleIndex });
            r.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        });
}

/// <summary>Scheduling and firing time-based rules ("after: 5d" counted from the rule's event).</summary>
public static class TimedRules
{
    /// <summary>
    /// The rule's event happened: remember when it is due. Added to the caller's context (saved with the change that
    /// anchored it); an earlier pending run of the same rule on the ticket is superseded.
    /// </summary>
    public static async Task ScheduleAsync(FlowdeskDb db, Ticket ticket, int ruleIndex, RuleDefinition rule, string? approvalDecision,
        DateTimeOffset now, CancellationToken ct)
    {
        if (rule.After is null || !Durations.TryParse(rule.After, out var delay)) return;
        var ticketId = ticket.Id;
        var earlier = await db.TimedRuleRuns.Where(r => r.TicketId == ticketId && r.RuleIndex == ruleIndex && r.Status == TimedRuleStatus.Pending).ToListAsync(ct);
        earlier.AddRange(db.ChangeTracker.Entries<TimedRuleRun>()
            .Where(e => e.State == EntityState.Added && e.Entity.TicketId == ticketId && e.Entity.RuleIndex == ruleIndex).Select(e => e.Entity));
        foreach (var run in earlier) run.Supersede(now);
        db.TimedRuleRuns.Add(new TimedRuleRun(ticketId, ticket.ProcessKey, ticket.ProcessVersion, ruleIndex, rule.On, ticket.Status, now, now + delay, approvalDecision));
    }

    /// <summary>
    /// Fires the runs due at <paramref name="now"/>, each in a transaction of its own: the rule's actions run when the
    /// ticket is still in the state it was in at the event (and has not left it since) and the rule's condition still
    /// holds; otherwise the run is recorded as skipped. A run is marked with a conditional update, so it happens once.
    /// </summary>
    public static async Task<(int Fired, int Skipped)> FireDueAsync(IServiceProvider services, DateTimeOffset now, CancellationToken ct, int limit = 500)
    {
        var log = services.GetService<ILogger<TimedRuleRun>>();
        List<Guid> due;
        Guid actor;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            due = await db.TimedRuleRuns.Where(r => r.Status == TimedRuleStatus.Pending && r.DueAt <= now)
                .OrderBy(r => r.DueAt).Take(limit).Select(r => r.Id).ToListAsync(ct);
            if (due.Count == 0) return (0, 0);
            actor = await AutomationActor.IdAsync(db, ct);
        }

        int fired = 0, skipped = 0;
        foreach (var id in due)
        {
            // A fresh context per run: a failure in one ticket leaves nothing half-tracked for the next.
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            try
            {
                var outcome = await FireOneAsync(db, id, actor, now, ct);
                if (outcome == TimedRuleStatus.Fired) fired++;
                else if (outcome == TimedRuleStatus.Skipped) skipped++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone changed the ticket at the same moment: the run stays pending and is tried again next time.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log?.LogError(e, "Timed rule run {Id} failed", id);
                using var failScope = services.CreateScope();
                var failDb = failScope.ServiceProvider.GetRequiredService<FlowdeskDb>();
                var error = JobRunner.Describe(e);
                await failDb.TimedRuleRuns.Where(r => r.Id == id && r.Status == TimedRuleStatus.Pending).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, TimedRuleStatus.Failed).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Outcome, error), ct);
            }
        }
        return (fired, skipped);
    }

    static async Task<TimedRuleStatus?> FireOneAsync(FlowdeskDb db, Guid id, Guid actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var run = await db.TimedRuleRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Status == TimedRuleStatus.Pending, ct);
        if (run is null) return null;
        var ticket = await db.Tickets.SingleOrDefaultAsync(t => t.Id == run.TicketId, ct);
        var definition = await ProcessLibrary.DefinitionAsync(db, run.ProcessKey, run.ProcessVersion, ct);
        var rule = definition?.Rules.ElementAtOrDefault(run.RuleIndex);

        string? skip = null;
        if (ticket is null || definition is null || rule?.After is null) skip = "rule_gone";
        else if (ticket.ProcessKey != run.ProcessKey || ticket.ProcessVersion != run.ProcessVersion) skip = "process_changed";
        else if (ticket.Status != run.AnchorStatus
            || await db.TicketHistory.AnyAsync(h => h.TicketId == run.TicketId && h.Field == "status" && h.At > run.AnchoredAt, ct))
            skip = "moved_on";

        var status = TimedRuleStatus.Skipped;
        if (skip is null)
        {
            var requester = await Catalog.Requesters.ProfileAsync(db, ticket!.RequesterId, ct);
            var ran = await new ProcessRunner(db, now, actor).FireTimedAsync(ticket, definition!, run.RuleIndex, requester, run.ApprovalDecision, ct);
            if (ran) status = TimedRuleStatus.Fired;
            else skip = "condition_false";
        }

        var claimed = await db.TimedRuleRuns.Where(r => r.Id == id && r.Status == TimedRuleStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Outcome, skip), ct);
        if (claimed == 0) return null; // fired by someone else in the meantime: this transaction's changes are dropped
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return status;
    }
}

/// <summary>The rules.timed job: every minute, the time-based rules that came due.</summary>
public sealed class TimedRulesJob(TimeProvider clock) : Jobs.IScheduledJob
{
    public string Name => "rules.timed";
    public TimeSpan Interval => TimeSpan.FromMinutes(1);

    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        TimedRules.FireDueAsync(services, clock.GetUtcNow(), cancellationToken);
}
