using Flowdesk.Api;
using Flowdesk.Catalog;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Processes;

public sealed record TaskView(Guid Id, string Key, string Title, string Status, Ref Desk, Ref? Group, PersonRef? Assignee,
    IReadOnlyList<string> After, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? DoneAt, string? Note,
    Guid TicketId, string? TicketNumber);

public sealed record CompleteTask(string? Note);

/// <summary>Fulfilment tasks: a ticket's tasks, the caller's task queue, and completing one.</summary>
public static class TaskEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/tickets/{id}/tasks", ForTicket).WithTags("Tasks").WithSummary("The ticket's fulfilment tasks");
        api.MapGet("/tasks", Mine).WithTags("Tasks").WithSummary("Tasks of the caller's groups and desks, a page at a time (state=open|done|all, page, pageSize)");
        api.MapPost("/tasks/{id:guid}/complete", Complete).WithTags("Tasks").WithSummary("Complete a task");
    }

    static async Task<Results<Ok<List<TaskView>>, ProblemHttpResult>> ForTicket(string id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct, tracking: false);
        if (ticket is null) return Problems.NotFound(t);
        var tasks = await Load(db.FulfilmentTasks.Where(x => x.TicketId == ticket.Id), ct);
        return TypedResults.Ok(tasks.Select(x => View(x, ticket.Number)).ToList());
    }

    static async Task<Results<Ok<PageOf<TaskView>>, ValidationProblem>> Mine(string? state, string? page, string? pageSize, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var paging = Paging.Read(errors, page, pageSize);
        var groups = caller.GroupIds.ToArray();
        var desks = caller.StaffDeskIds.ToArray();
        // The caller's work: tasks of their groups and desks (which Access also lets them see).
        var query = db.FulfilmentTasks.VisibleTo(db.Tickets, caller)
            .Where(x => (x.GroupId != null && groups.Contains(x.GroupId.Value)) || desks.Contains(x.DeskId) || x.AssigneeId == caller.PersonId);
        switch (state ?? "open")
        {
            case "open": query = query.Where(x => x.Status == FulfilmentStatus.Open); break;
            case "done": query = query.Where(x => x.Status == FulfilmentStatus.Done); break;
            case "all": break;
            default: errors.Add("state", "validation.enum", "open, done, all"); break;
        }
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        var total = await query.CountAsync(ct);
        var tasks = await Load(query, ct, paging);
        var ticketIds = tasks.Select(k => k.TicketId).Distinct().ToList();
        var visibleTickets = await db.Tickets.VisibleTo(caller).Where(x => ticketIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Number }).ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        // A task of a ticket the caller may not read (an HR case) names no ticket.
        return TypedResults.Ok(new PageOf<TaskView>(tasks.Select(x => View(x, visibleTickets.GetValueOrDefault(x.TicketId))).ToList(),
            total, paging.Page, paging.PageSize));
    }

    static async Task<Results<Ok<TaskView>, ProblemHttpResult, ValidationProblem>> Complete(Guid id, CompleteTask request, Caller caller, FlowdeskDb db,
        TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var task = await db.FulfilmentTasks.VisibleTo(db.Tickets, caller).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (task is null) return Problems.NotFound(t);
        if (!caller.MayWork(task)) return Problems.Forbidden(t);
        if (task.Status != FulfilmentStatus.Open)
            return Problems.Conflict(t, "task-not-open", "task.not_open.title", t.Text("task.not_open.detail", task.Status.ToString().ToLowerInvariant()));
        var errors = new FieldErrors(t);
        var note = errors.Text("note", request.Note, TicketLimits.CommentMax);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var ticket = await db.Tickets.Include(x => x.Watchers).SingleAsync(x => x.Id == task.TicketId, ct);
        var definition = await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        var now = clock.GetUtcNow();
        if (definition is null) task.Complete(caller.PersonId, note, now);
        else await new ProcessRunner(db, now, caller.PersonId).CompleteTaskAsync(ticket, definition, task, string.IsNullOrWhiteSpace(note) ? null : note,
            await Requesters.ProfileAsync(db, ticket.RequesterId, ct), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict(t, "task-not-open", "task.not_open.title", t.Text("task.not_open.detail", "?"));
        }
        var number = await db.Tickets.VisibleTo(caller).Where(x => x.Id == task.TicketId).Select(x => x.Number).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(View((await Load(db.FulfilmentTasks.Where(x => x.Id == id), ct))[0], number));
    }

    /// <summary>The tasks in the order they were made (a ticket's in their process order), all of them or one page.</summary>
    static Task<List<FulfilmentTask>> Load(IQueryable<FulfilmentTask> query, CancellationToken ct, Paging? paging = null)
    {
        var ordered = query.AsNoTracking().Include(x => x.Desk).Include(x => x.Group).Include(x => x.Assignee)
            .OrderBy(x => x.CreatedAt).ThenBy(x => x.Position).ThenBy(x => x.Id);
        return (paging is { } p ? ordered.Skip(p.Skip).Take(p.PageSize) : ordered).ToListAsync(ct);
    }

    static TaskView View(FulfilmentTask x, string? number)
    {
        var language = CurrentLanguage.Get();
        return new TaskView(x.Id, x.Key, x.Title(language), x.Status.ToString().ToLowerInvariant(),
            new Ref(x.Desk!.Key, x.Desk.Name(language)), x.Group is { } g ? new Ref(g.Key, g.Name(language)) : null,
            x.Assignee is { } a ? TicketViews.Person(a) : null, x.AfterKeys.ToList(), x.CreatedAt, x.DueAt, x.DoneAt, x.Note, x.TicketId, number);
    }
}
