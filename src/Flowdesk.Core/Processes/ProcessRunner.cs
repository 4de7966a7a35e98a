using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Desks;
using Flowdesk.Outbox;
using Flowdesk.People;
using Flowdesk.Persistence;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Expressions;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Processes;

/// <summary>
/// Runs a ticket through its pinned process version: opens approval stages, decides them by their rule, creates
/// fulfilment tasks when approvals pass, moves the ticket when its tasks are done, and fires the version's rules.
/// Everything it does is added to the DbContext for the caller's single SaveChanges — the change, its history
/// and its outbox messages commit together or not at all.
/// </summary>
public sealed class ProcessRunner(FlowdeskDb db, DateTimeOffset now, Guid actorId)
{
    const int MaxRuleDepth = 5;

    /// <summary>Starts the process for a new ticket: assignment, the first approval stage or the tasks, then the "created" rules.</summary>
    public async Task StartAsync(Ticket ticket, ProcessDefinition definition, RequesterProfile requester, CancellationToken ct)
    {
        var workflow = ProcessWorkflows.Of(definition, ticket.ProcessVersion);
        if (definition.Group is { } groupKey) await AssignToGroupAsync(ticket, groupKey, ct);
        await FireAsync(ticket, definition, workflow, requester, "created", null, 0, ct);
        if (definition.Approvals.Count > 0)
            await OpenStageAsync(ticket, definition, workflow, requester, 0, ct);
        else
            await OpenTasksAsync(ticket, definition, workflow, requester, ct);
    }

    /// <summary>
    /// Records an approver's decision and decides the stage by its rule: any is one approval, all is every
    /// approver, quorum is N. A stage that can no longer reach its number is rejected, which ends the request
    /// with the approver's comment as the reason the requester sees.
    /// </summary>
    public async Task DecideAsync(Ticket ticket, ProcessDefinition definition, Approval approval, ApprovalDecision decision,
        string? comment, RequesterProfile requester, CancellationToken ct)
    {
        approval.Decide(decision, comment, now);
        var stage = definition.Approvals[approval.StageIndex];
        var stageRows = await db.Approvals.Where(a => a.TicketId == ticket.Id && a.StageIndex == approval.StageIndex).ToListAsync(ct);
        var approvers = stageRows.Count(a => a.Decision != ApprovalDecision.Cancelled);
        var approved = stageRows.Count(a => a.Decision == ApprovalDecision.Approved);
        var pending = stageRows.Count(a => a.Decision == ApprovalDecision.Pending);
        var needed = stage.Rule switch
        {
            ApprovalRule.Any => 1,
            ApprovalRule.All => approvers,
            ApprovalRule.Quorum => Math.Min(stage.Quorum ?? 1, approvers),
            _ => throw new ArgumentOutOfRangeException(nameof(definition)),
        };
        var workflow = ProcessWorkflows.Of(definition, ticket.ProcessVersion);
        var decisionText = decision == ApprovalDecision.Approved ? "approved" : "rejected";
        await FireAsync(ticket, definition, workflow, requester, "approval_decided", decisionText, 0, ct);

        if (approved >= needed)
        {
            foreach (var row in stageRows.Where(a => a.Decision == ApprovalDecision.Pending)) row.Cancel(now);
            db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"approval.{stage.Stage}", "pending", "approved"));
            await OpenStageAsync(ticket, definition, workflow, requester, approval.StageIndex + 1, ct);
        }
        else if (approved + pending < needed)
        {
            foreach (var row in stageRows.Where(a => a.Decision == ApprovalDecision.Pending)) row.Cancel(now);
            db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"approval.{stage.Stage}", "pending", "rejected"));
            if (!string.IsNullOrWhiteSpace(comment)) ticket.AddComment(actorId, comment, isInternal: false, byStaff: false, now);
            await MoveAsync(ticket, definition, workflow, requester, ProcessWorkflows.Rejected, 0, ct);
            Notify(ticket, "approval_rejected", [ticket.RequesterId], null);
        }
    }

    /// <summary>Completes a task, unblocks the tasks waiting on it, and when none is left moves the ticket on.</summary>
    public async Task CompleteTaskAsync(Ticket ticket, ProcessDefinition definition, FulfilmentTask task, string? note,
        RequesterProfile requester, CancellationToken ct)
    {
        task.Complete(actorId, note, now);
        db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"task.{task.Key}", "open", "done"));
        var tasks = await db.FulfilmentTasks.Where(t => t.TicketId == ticket.Id).ToListAsync(ct);
        var finished = tasks.Where(t => t.Status is FulfilmentStatus.Done or FulfilmentStatus.Skipped).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var waiting in tasks.Where(t => t.Status == FulfilmentStatus.Blocked && t.AfterKeys.All(finished.Contains)))
        {
            waiting.Open();
            if (waiting.GroupId is { } groupId) await AssignTaskAsync(waiting, groupId, ct);
            Notify(ticket, "task_assigned", [], waiting.GroupId, waiting.Id);
        }
        if (tasks.All(t => t.Status is not (FulfilmentStatus.Open or FulfilmentStatus.Blocked)))
            await AllTasksDoneAsync(ticket, definition, requester, ct);
    }

    /// <summary>A person moved the ticket (API, console): the version's "state entered" rules follow.</summary>
    public Task StateEnteredAsync(Ticket ticket, ProcessDefinition definition, RequesterProfile requester, CancellationToken ct) =>
        FireAsync(ticket, definition, ProcessWorkflows.Of(definition, ticket.ProcessVersion), requester, $"state_entered:{ticket.Status}", null, 0, ct);

    /// <summary>Fields of the ticket or its form changed: "field_changed:&lt;field&gt;" rules follow.</summary>
    public async Task FieldsChangedAsync(Ticket ticket, ProcessDefinition definition, RequesterProfile requester, IEnumerable<string> fields, CancellationToken ct)
    {
        var workflow = ProcessWorkflows.Of(definition, ticket.ProcessVersion);
        foreach (var field in fields) await FireAsync(ticket, definition, workflow, requester, $"field_changed:{field}", null, 0, ct);
    }

    async Task AllTasksDoneAsync(Ticket ticket, ProcessDefinition definition, RequesterProfile requester, CancellationToken ct)
    {
        var workflow = ProcessWorkflows.Of(definition, ticket.ProcessVersion);
        var handled = definition.Rules.Any(r => r.On == "tasks.all_done" && r.After is null);
        await FireAsync(ticket, definition, workflow, requester, "tasks.all_done", null, 0, ct);
        // Without a rule of its own, a process whose tasks are all done is resolved.
        if (!handled && !workflow.ResolvedStates.Contains(ticket.Status) && !workflow.ClosedStates.Contains(ticket.Status)
            && workflow.ResolvedStates.FirstOrDefault() is { } resolved)
            await MoveAsync(ticket, definition, workflow, requester, resolved, 0, ct);
    }

    /// <summary>Opens the first stage from <paramref name="index"/> whose condition holds; skipped stages are recorded.</summary>
    async Task OpenStageAsync(Ticket ticket, ProcessDefinition definition, Workflow workflow, RequesterProfile requester, int index, CancellationToken ct)
    {
        for (; index < definition.Approvals.Count; index++)
        {
            var stage = definition.Approvals[index];
            if (!Holds(stage.When, ticket, requester))
            {
                db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"approval.{stage.Stage}", null, "skipped"));
                continue;
            }
            var approvers = await ResolveApproversAsync(ticket, definition, stage, requester, ct);
            if (approvers.Count == 0)
            {
                // Nobody can decide (no manager on file, empty group): recorded, and the process goes on rather than hangs.
                db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"approval.{stage.Stage}", null, "skipped_no_approvers"));
                continue;
            }
            var remindAt = stage.RemindAfter is { } remind && Durations.TryParse(remind, out var delay) ? now + delay : (DateTimeOffset?)null;
            foreach (var (approverId, onBehalfOf) in approvers)
                db.Approvals.Add(new Approval(ticket.Id, index, stage.Stage, approverId, onBehalfOf, now, remindAt));
            db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"approval.{stage.Stage}", null, "pending"));
            if (ticket.Status != ProcessWorkflows.AwaitingApproval)
                await MoveAsync(ticket, definition, workflow, requester, ProcessWorkflows.AwaitingApproval, 0, ct);
            Notify(ticket, "approval_needed", approvers.Select(a => a.ApproverId).ToList(), null);
            return;
        }
        await OpenTasksAsync(ticket, definition, workflow, requester, ct);
    }

    async Task OpenTasksAsync(Ticket ticket, ProcessDefinition definition, Workflow workflow, RequesterProfile requester, CancellationToken ct)
    {
        var created = 0;
        foreach (var task in definition.Tasks)
        {
            if (!Holds(task.When, ticket, requester))
            {
                db.TicketHistory.Add(new TicketHistoryEntry(ticket.Id, actorId, now, $"task.{task.Id}", null, "skipped"));
                continue;
            }
            await AddTaskAsync(ticket, definition, task, ct);
            created++;
        }
        // Tasks whose prerequisites were skipped are not blocked by them.
        var skipped = definition.Tasks.Where(t => !Holds(t.When, ticket, requester)).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in db.ChangeTracker.Entries<FulfilmentTask>().Where(e => e.State == EntityState.Added && e.Entity.TicketId == ticket.Id))
            if (entry.Entity.Status == FulfilmentStatus.Blocked && entry.Entity.AfterKeys.All(skipped.Contains))
                entry.Entity.Open();

        // Work has started when there are tasks to do; a process without tasks stays in the desk's queue.
        var working = created > 0 && workflow.States.Contains(TicketStates.InProgress) ? TicketStates.InProgress : null;
        if (working is not null && ticket.Status != working && workflow.CanMove(ticket.Status, working, TransitionActor.Engine).Allowed)
            await MoveAsync(ticket, definition, workflow, requester, working, 0, ct);
        if (created == 0 && definition.Approvals.Count > 0)
            await AllTasksDoneAsync(ticket, definition, requester, ct);
    }

    async Task AddTaskAsync(Ticket ticket, ProcessDefinition definition, TaskDefinition task, CancellationToken ct)
    {
        Group? group = task.Group is { } key ? await db.Groups.SingleOrDefaultAsync(g => g.Key == key, ct) : null;
        var deskId = group?.DeskId
            ?? (task.Desk is { } deskKey ? await db.Desks.Where(d => d.Key == deskKey).Select(d => (Guid?)d.Id).SingleOrDefaultAsync(ct) : null)
            ?? ticket.DeskId;
        var due = task.Due is { } d && Durations.TryParse(d, out var span) ? now + span : (DateTimeOffset?)null;
        var position = db.ChangeTracker.Entries<FulfilmentTask>().Count(e => e.State == EntityState.Added && e.Entity.TicketId == ticket.Id)
            + await db.FulfilmentTasks.CountAsync(t => t.TicketId == ticket.Id, ct);
        var row = new FulfilmentTask(ticket.Id, position, task.Id, task.Title.For("en"), task.Title.For("zh-CN"), deskId, group?.Id,
            string.Join(' ', task.After), task.After.Count == 0 ? FulfilmentStatus.Open : FulfilmentStatus.Blocked, now, due);
        db.FulfilmentTasks.Add(row);
        if (row.Status == FulfilmentStatus.Open)
        {
            if (group is not null) await AssignTaskAsync(row, group.Id, ct);
            Notify(ticket, "task_assigned", [], group?.Id, row.Id);
        }
    }

    async Task AssignTaskAsync(FulfilmentTask task, Guid groupId, CancellationToken ct)
    {
        var group = await db.Groups.SingleAsync(g => g.Id == groupId, ct);
        if (await Assignment.PickAsync(db, group, null, ct) is { } personId) task.AssignTo(personId);
    }

    async Task AssignToGroupAsync(Ticket ticket, string groupKey, CancellationToken ct)
    {
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Key == groupKey, ct);
        if (group is null) return;
        var person = await Assignment.PickAsync(db, group, ticket.Category, ct);
        // A group of another desk cannot own the ticket; only the person choice applies to groups of its desk.
        if (group.DeskId == ticket.DeskId) ticket.AssignTo(group.Id, person ?? ticket.AssigneeId);
    }

    async Task MoveAsync(Ticket ticket, ProcessDefinition definition, Workflow workflow, RequesterProfile requester, string to, int depth, CancellationToken ct)
    {
        if (ticket.Status == to || !workflow.CanMove(ticket.Status, to, TransitionActor.Engine).Allowed) return;
        ticket.MoveTo(to, workflow, actorId, now);
        if (workflow.ResolvedStates.Contains(to)) Notify(ticket, "resolved", [ticket.RequesterId], null);
        await FireAsync(ticket, definition, workflow, requester, $"state_entered:{to}", null, depth + 1, ct);
    }

    /// <summary>Runs the rules listening to <paramref name="trigger"/> whose condition holds, in document order.</summary>
    async Task FireAsync(Ticket ticket, ProcessDefinition definition, Workflow workflow, RequesterProfile requester,
        string trigger, string? approvalDecision, int depth, CancellationToken ct)
    {
        if (depth > MaxRuleDepth) return; // rules that trigger each other stop here instead of looping
        for (var index = 0; index < definition.Rules.Count; index++)
        {
            var rule = definition.Rules[index];
            if (rule.On != trigger) continue;
            if (!Holds(rule.When, ticket, requester, approvalDecision)) continue;
            // A time-based rule counts from this event; the rules.timed job runs it when it is due (see TimedRules).
            if (rule.After is not null)
            {
                await TimedRules.ScheduleAsync(db, ticket, index, rule, approvalDecision, now, ct);
                continue;
            }
            foreach (var action in rule.Do) await ApplyAsync(ticket, definition, workflow, requester, action, depth, ct);
        }
    }

    /// <summary>A time-based rule came due: its condition is checked again and, when it holds, its actions run. False: it did not hold.</summary>
    public async Task<bool> FireTimedAsync(Ticket ticket, ProcessDefinition definition, int ruleIndex, RequesterProfile requester,
        string? approvalDecision, CancellationToken ct)
    {
        var rule = definition.Rules[ruleIndex];
        if (!Holds(rule.When, ticket, requester, approvalDecision)) return false;
        var workflow = ProcessWorkflows.Of(definition, ticket.ProcessVersion);
        foreach (var action in rule.Do) await ApplyAsync(ticket, definition, workflow, requester, action, 0, ct);
        return true;
    }

    async Task ApplyAsync(Ticket ticket, ProcessDefinition definition, Workflow workflow, RequesterProfile requester, RuleAction action, int depth, CancellationToken ct)
    {
        if (action.Set is { } set)
        {
            JsonObject? fields = null;
            foreach (var (target, value) in set)
            {
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                switch (target)
                {
                    case "status" when text is not null:
                        await MoveAsync(ticket, definition, workflow, requester, text, depth, ct);
                        break;
                    case "priority" when Enum.TryParse<Priority>(text, true, out var priority):
                        ticket.Edit(new TicketEdit(Priority: priority), actorId, now);
                        break;
                    case "category":
                        ticket.Edit(new TicketEdit(Category: text ?? ""), actorId, now);
                        break;
                    case "service":
                        ticket.Edit(new TicketEdit(Service: text ?? ""), actorId, now);
                        break;
                    case var f when f.StartsWith("fields.", StringComparison.Ordinal):
                        (fields ??= [])[f["fields.".Length..]] = value?.DeepClone();
                        break;
                }
            }
            if (fields is not null) ticket.Edit(new TicketEdit(Fields: fields), actorId, now);
        }
        if (action.Transition is { } to) await MoveAsync(ticket, definition, workflow, requester, to, depth, ct);
        if (action.Assign is { } groupKey) await AssignToGroupAsync(ticket, groupKey, ct);
        if (action.AddTask is { } task) await AddTaskAsync(ticket, definition, task, ct);
        if (action.AddWatcher is { } watcher)
        {
            var personId = watcher == "requester.manager"
                ? await db.Users.Where(p => p.Id == ticket.RequesterId).Select(p => p.ManagerId).SingleOrDefaultAsync(ct)
                : await db.Users.Where(p => p.NormalizedUserName == watcher.ToUpperInvariant()).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
            if (personId is { } id && ticket.Watchers.All(w => w.PersonId != id)
                && !await db.TicketWatchers.AnyAsync(w => w.TicketId == ticket.Id && w.PersonId == id, ct))
                ticket.Watchers.Add(new TicketWatcher(ticket.Id, id));
        }
        if (action.Notify is { } who)
        {
            var recipients = await RecipientsAsync(ticket, who, ct);
            Notify(ticket, action.Template ?? "rule", recipients, who == "group" ? ticket.AssigneeGroupId : null);
        }
        if (action.CreateLinked is { } processKey) await CreateLinkedAsync(ticket, processKey, ct);
    }

    async Task CreateLinkedAsync(Ticket ticket, string processKey, CancellationToken ct)
    {
        var process = await db.Processes.SingleOrDefaultAsync(p => p.Key == processKey && p.PublishedVersion != null, ct);
        if (process is null) return;
        var definition = await ProcessLibrary.DefinitionAsync(db, process.Key, process.PublishedVersion!.Value, ct);
        var desk = await db.Desks.SingleAsync(d => d.Id == process.DeskId, ct);
        if (definition is null) return;
        var linked = await TicketFactory.CreateAsync(db, desk, KindOf(definition.Kind), $"{definition.Name.For("en")} — {ticket.Number}",
            ticket.Subject, ticket.RequesterId, ticket.Impact, ticket.Urgency, null, actorId, now, ct, definition.Key, process.PublishedVersion.Value);
        db.TicketLinks.Add(new TicketLink(linked.Id, ticket.Id, "created_from", now));
    }

    async Task<List<Guid>> RecipientsAsync(Ticket ticket, string who, CancellationToken ct) => who switch
    {
        "requester" => [ticket.RequesterId],
        "assignee" => ticket.AssigneeId is { } a ? [a] : [],
        "group" => [],
        "requester.manager" => await db.Users.Where(p => p.Id == ticket.RequesterId && p.ManagerId != null).Select(p => p.ManagerId!.Value).ToListAsync(ct),
        _ => await db.Users.Where(p => p.NormalizedUserName == who.ToUpperInvariant()).Select(p => p.Id).ToListAsync(ct),
    };

    /// <summary>Approvers of a stage, each with the away person they stand in for.</summary>
    async Task<List<(Guid ApproverId, Guid? OnBehalfOf)>> ResolveApproversAsync(Ticket ticket, ProcessDefinition definition, ApprovalStage stage,
        RequesterProfile requester, CancellationToken ct)
    {
        // Each kind starts from its own index (the group, the role, the requester's row), never from every person:
        // a query that tested each of 50,000 people for membership cost a fifth of a catalog order's time. The kinds
        // are united into one subquery, so the approvers and their away state come in one read.
        IQueryable<Guid>? candidates = null;
        foreach (var spec in stage.Approvers)
        {
            var (kind, value) = spec.IndexOf(':') is var i and > 0 ? (spec[..i], spec[(i + 1)..]) : (spec, "");
            var groupKey = kind == "cab" ? "cab" : value;
            IQueryable<Guid> ids = kind switch
            {
                "person" => db.Users.Where(p => p.NormalizedUserName == value.ToUpperInvariant()).Select(p => p.Id),
                "group" or "cab" => from g in db.Groups
                                    where g.Key == groupKey
                                    join m in db.GroupMembers on g.Id equals m.GroupId
                                    select m.PersonId,
                "role" => from r in db.Roles where r.Name == value join ur in db.UserRoles on r.Id equals ur.RoleId select ur.UserId,
                "requester.manager" => db.Users.Where(r => r.Id == ticket.RequesterId && r.ManagerId != null).Select(r => r.ManagerId!.Value),
                "department.head" => db.Users.Where(p => p.IsDepartmentHead && p.Department != null && p.Department == requester.Department).Select(p => p.Id),
                _ => db.Users.Where(_ => false).Select(p => p.Id),
            };
            candidates = candidates is null ? ids : candidates.Union(ids);
        }
        if (candidates is null) return [];
        var people = await db.Users
            .Where(p => candidates.Contains(p.Id) && p.IsActive && !p.IsIntegration)
            .Select(p => new { p.Id, p.IsAway, p.DelegateId })
            .ToListAsync(ct);
        // Nobody approves their own request, unless they are the only one who could.
        if (people.Count > 1) people.RemoveAll(p => p.Id == ticket.RequesterId);

        List<(Guid, Guid?)> result = [];
        foreach (var p in people.OrderBy(p => p.Id))
        {
            if (p.IsAway && p.DelegateId is { } delegateId && delegateId != ticket.RequesterId) result.Add((delegateId, p.Id));
            else result.Add((p.Id, null));
        }
        return result.DistinctBy(r => r.Item1).ToList();
    }

    static bool Holds(string? condition, Ticket ticket, RequesterProfile requester, string? approvalDecision = null)
    {
        if (string.IsNullOrWhiteSpace(condition)) return true;
        var parsed = Condition.Parse(condition);
        // Published documents were validated; a condition that no longer parses is treated as false, never as a crash.
        if (parsed.Condition is null) return false;
        var form = JsonNode.Parse(ticket.Fields) as JsonObject ?? [];
        return parsed.Condition.Evaluate(new TicketScope(ticket, form, requester, approvalDecision));
    }

    void Notify(Ticket ticket, string template, IReadOnlyList<Guid> people, Guid? groupId, Guid? taskId = null)
    {
        var payload = JsonSerializer.Serialize(new
        {
            @event = template,
            ticketId = ticket.Id,
            number = ticket.Number,
            recipients = people,
            groupId,
            taskId,
        });
        db.OutboxMessages.Add(new OutboxMessage("notification", payload, ticket.Id, now));
    }

    public static TicketKind KindOf(ProcessKind kind) => kind switch
    {
        ProcessKind.Incident => TicketKind.Incident,
        ProcessKind.Request => TicketKind.Request,
        ProcessKind.Problem => TicketKind.Problem,
        ProcessKind.Change => TicketKind.Change,
        ProcessKind.Release => TicketKind.Release,
        ProcessKind.Case => TicketKind.Case,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>Durations in process documents: 30m, 4h, 2d (calendar time); bd (business days) counts as days until the SLA engine applies calendars.</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan span)
    {
        span = default;
        var unit = text.EndsWith("bd", StringComparison.Ordinal) ? "bd" : text.Length > 0 ? text[^1..] : "";
        if (!int.TryParse(text[..^unit.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        span = unit switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" or "bd" => TimeSpan.FromDays(n),
            _ => default,
        };
        return span > TimeSpan.Zero;
    }
}
