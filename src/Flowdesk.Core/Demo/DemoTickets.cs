using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Demo;

/// <summary>
/// Demo tickets with conversations in zh-CN and en: about 60% IT, 25% facilities, 15% HR, created in Shanghai
/// business hours over the last 90 days; old ones mostly closed, recent ones still being worked. Deterministic
/// for a given clock (see <see cref="DemoTicketPlanner"/>), written through the same domain methods as the API.
/// </summary>
static class DemoTickets
{
    const int BatchSize = 50;

    public static async Task SeedAsync(FlowdeskDb db, DemoDirectory people, StandardDesks desks, int count, TimeProvider clock, CancellationToken ct)
    {
        if (count <= 0) return;
        var now = clock.GetUtcNow();
        var plans = DemoTicketPlanner.Plan(people, desks, count, now);

        // Ticket numbers come from an UPDATE … RETURNING on the desk row, which belongs in the inserting transaction.
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        try
        {
            foreach (var batch in plans.Chunk(BatchSize))
            {
                // First save: the tickets as they were submitted, so the "created" history row names the requester.
                List<(Ticket Ticket, TicketPlan Plan, Replay Replay)> written = [];
                foreach (var plan in batch)
                {
                    var replay = plan.Replay(now);
                    var ticket = await TicketFactory.CreateAsync(db, plan.Desk, plan.Scenario.Kind, plan.Subject, plan.Description,
                        plan.Requester.Id, plan.Impact, plan.Urgency, null, plan.Requester.Id, plan.CreatedAt, ct);
                    ticket.SetCategory(plan.Scenario.Category, plan.Scenario.Service);
                    ticket.AssignTo(plan.Group.Id, replay.Worked ? plan.Technician.Id : null);
                    if (plan.Scenario.BuildFields(plan.Variables) is { } fields) ticket.SetFields(fields);
                    foreach (var watcher in plan.Watchers) ticket.Watchers.Add(new TicketWatcher(ticket.Id, watcher.Id));
                    ticket.Backdate(plan.CreatedAt, plan.CreatedAt, null, null, null, plan.ResolutionDue);
                    written.Add((ticket, plan, replay));
                }
                await db.SaveChangesAsync(ct);

                // Second save: the conversation and the moves through the workflow, at their historical times.
                foreach (var (ticket, plan, replay) in written)
                {
                    var workflow = BuiltInWorkflows.For(plan.Scenario.Kind);
                    foreach (var step in replay.Steps)
                    {
                        switch (step)
                        {
                            case CommentStep c:
                                var comment = ticket.AddComment(c.Author.Id, c.Body, c.Internal, c.ByStaff, c.At);
                                comment.Backdate(c.At);
                                // The ticket is already tracked, and a comment found through its collection with its key
                                // set would be taken for an existing row; say plainly that it is new.
                                db.Comments.Add(comment);
                                break;
                            case MoveStep m:
                                ticket.MoveTo(m.To, workflow, m.Actor.Id, m.At);
                                break;
                        }
                    }
                    ticket.Backdate(plan.CreatedAt, replay.UpdatedAt, replay.ResolvedAt, replay.ClosedAt, replay.FirstRespondedAt, plan.ResolutionDue);
                }
                await db.SaveChangesAsync(ct);

                // Keep the change tracker small: these rows are written and nothing below needs them.
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                foreach (var entry in db.ChangeTracker.Entries()
                             .Where(e => e.Entity is Ticket or Comment or TicketWatcher or TicketHistoryEntry).ToList())
                    entry.State = EntityState.Detached;
                db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            }
            if (tx is not null) await tx.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }
}
