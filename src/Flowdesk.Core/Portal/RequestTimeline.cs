using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Portal;

/// <summary>What happened to a request, in the words a requester understands.</summary>
public enum TimelineKind { Submitted, StatusChanged, ApprovalAsked, Approved, Rejected, TaskDone, Reply, File, Rated }

/// <summary>A file on the timeline (never one on an internal note).</summary>
public sealed record TimelineFile(Guid Id, string FileName, long Size, string Download);

/// <summary>
/// One entry: when, what, by whom; <see cref="From"/>/<see cref="To"/> are states for a status change,
/// <see cref="Title"/> the approval stage or task title, <see cref="Body"/> a reply, a decision's comment or a rating's comment.
/// </summary>
public sealed record TimelineEntry(DateTimeOffset At, TimelineKind Kind, string? Actor, string? From = null, string? To = null,
    string? Title = null, string? Body = null, int? Rating = null, IReadOnlyList<TimelineFile>? Files = null);

/// <summary>
/// A request's timeline for the portal: submitted, approvals asked and decided (by whom, with their comment), tasks done,
/// public replies with their files, state changes and the rating — gathered from history, approvals, tasks, comments and
/// attachments through the access functions. Internal notes and their files are never part of it, whoever looks.
/// </summary>
public static class RequestTimeline
{
    public static async Task<List<TimelineEntry>> ForAsync(FlowdeskDb db, Ticket ticket, Caller caller, ProcessDefinition? definition,
        string language, CancellationToken ct)
    {
        var id = ticket.Id;
        var names = new Dictionary<Guid, string>();
        List<TimelineEntry> entries = [];

        var history = await db.TicketHistory.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(h => h.TicketId == id && (h.Field == "created" || h.Field == "status"))
            .Select(h => new { h.At, h.Field, h.OldValue, h.NewValue, h.ActorId }).ToListAsync(ct);

        var approvals = await db.Approvals.AsNoTracking().Where(a => a.TicketId == id && a.Decision != ApprovalDecision.Cancelled)
            .Select(a => new { a.StageIndex, a.Stage, a.Decision, a.Comment, a.CreatedAt, a.DecidedAt, a.ApproverId, a.OnBehalfOfId }).ToListAsync(ct);

        var tasks = await db.FulfilmentTasks.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(t => t.TicketId == id && t.Status == FulfilmentStatus.Done && t.DoneAt != null)
            .Select(t => new { t.TitleEn, t.TitleZh, t.DoneAt, t.DoneById }).ToListAsync(ct);

        var comments = await db.Comments.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(c => c.TicketId == id && !c.Internal)
            .Select(c => new { c.Id, c.AuthorId, c.Body, c.CreatedAt }).ToListAsync(ct);

        var files = await db.Attachments.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(a => a.TicketId == id && (a.CommentId == null || !a.Comment!.Internal))
            .Select(a => new { a.Id, a.FileName, a.Size, a.CommentId, a.CreatedAt, a.UploadedById }).ToListAsync(ct);

        var survey = await db.SatisfactionSurveys.AsNoTracking().Where(s => s.TicketId == id)
            .Select(s => new { s.Rating, s.Comment, s.UpdatedAt, s.PersonId }).SingleOrDefaultAsync(ct);

        var people = history.Select(h => h.ActorId)
            .Concat(approvals.Select(a => a.ApproverId)).Concat(approvals.Where(a => a.OnBehalfOfId != null).Select(a => a.OnBehalfOfId!.Value))
            .Concat(tasks.Where(t => t.DoneById != null).Select(t => t.DoneById!.Value))
            .Concat(comments.Select(c => c.AuthorId)).Concat(files.Select(f => f.UploadedById))
            .Distinct().ToList();
        if (survey is not null) people.Add(survey.PersonId);
        foreach (var p in await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
            names[p.Id] = p.DisplayName;
        string Name(Guid? person) => person is { } p && names.TryGetValue(p, out var n) ? n : "";

        foreach (var h in history)
        {
            if (h.Field == "created") entries.Add(new TimelineEntry(h.At, TimelineKind.Submitted, Name(h.ActorId)));
            else entries.Add(new TimelineEntry(h.At, TimelineKind.StatusChanged, Name(h.ActorId), h.OldValue, h.NewValue));
        }

        foreach (var stage in approvals.GroupBy(a => a.StageIndex).OrderBy(g => g.Key))
        {
            var title = StageTitle(definition, stage.Key, stage.First().Stage, language);
            var asked = stage.Min(a => a.CreatedAt);
            var waiting = stage.Where(a => a.Decision == ApprovalDecision.Pending).Select(a => Name(a.ApproverId)).ToList();
            entries.Add(new TimelineEntry(asked, TimelineKind.ApprovalAsked, string.Join(", ", stage.Select(a => Name(a.ApproverId)).Distinct()),
                Title: title, Body: waiting.Count > 0 ? string.Join(", ", waiting) : null));
            foreach (var decided in stage.Where(a => a.Decision is ApprovalDecision.Approved or ApprovalDecision.Rejected))
            {
                var actor = decided.OnBehalfOfId is { } behalf ? $"{Name(decided.ApproverId)} ({Name(behalf)})" : Name(decided.ApproverId);
                entries.Add(new TimelineEntry(decided.DecidedAt!.Value,
                    decided.Decision == ApprovalDecision.Approved ? TimelineKind.Approved : TimelineKind.Rejected,
                    actor, Title: title, Body: decided.Comment));
            }
        }

        foreach (var task in tasks)
            entries.Add(new TimelineEntry(task.DoneAt!.Value, TimelineKind.TaskDone, Name(task.DoneById),
                Title: Localization.Languages.IsChinese(language) && task.TitleZh.Length > 0 ? task.TitleZh : task.TitleEn));

        // A rejection's reason is also posted as a reply by the engine; the decision entry already shows it.
        var rejections = approvals.Where(a => a.Decision == ApprovalDecision.Rejected && a.Comment != null)
            .Select(a => (a.ApproverId, a.Comment, a.DecidedAt)).ToList();
        foreach (var comment in comments)
        {
            if (rejections.Any(r => r.ApproverId == comment.AuthorId && r.Comment == comment.Body && r.DecidedAt == comment.CreatedAt)) continue;
            var attached = files.Where(f => f.CommentId == comment.Id).Select(f => File(f.Id, f.FileName, f.Size)).ToList();
            entries.Add(new TimelineEntry(comment.CreatedAt, TimelineKind.Reply, Name(comment.AuthorId), Body: comment.Body, Files: attached));
        }
        foreach (var file in files.Where(f => f.CommentId == null))
            entries.Add(new TimelineEntry(file.CreatedAt, TimelineKind.File, Name(file.UploadedById), Files: [File(file.Id, file.FileName, file.Size)]));

        if (survey is not null)
            entries.Add(new TimelineEntry(survey.UpdatedAt, TimelineKind.Rated, Name(survey.PersonId), Body: survey.Comment, Rating: survey.Rating));

        // Oldest first; at the same instant the order things happen in (submitted before the approval it asks for).
        return entries.OrderBy(e => e.At).ThenBy(e => e.Kind).ToList();

        static TimelineFile File(Guid fileId, string name, long size) => new(fileId, name, size, DownloadPath(fileId));
    }

    /// <summary>Where the portal serves a file (the signed-in person's cookie; the API's download takes bearer tokens).</summary>
    public static string DownloadPath(Guid id) => $"/portal/files/{id}";

    static string StageTitle(ProcessDefinition? definition, int index, string stage, string language) =>
        definition is not null && index < definition.Approvals.Count && definition.Approvals[index].Name is { } name ? name.For(language) : stage;
}
