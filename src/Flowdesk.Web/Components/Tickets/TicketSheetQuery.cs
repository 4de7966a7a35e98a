using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Sla;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Web.Components.Tickets;

public sealed record TicketSheet(Guid Id, string Number, string Subject, string Description, string Status, string StatusName, Priority Priority,
    TicketKind Kind, Level Impact, Level Urgency, string? Category, string? Service, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? ResolutionDue, string Desk, string DeskKey, string Requester, string? Assignee, string? Group, string Process, int ProcessVersion, int Version);

public sealed record SheetField(string Label, string Value);
public sealed record SheetComment(Guid Id, string Author, string Body, bool Internal, DateTimeOffset At, IReadOnlyList<SheetAttachment> Attachments);
public sealed record SheetAttachment(Guid Id, Guid? CommentId, string FileName, long Size, string UploadedBy, DateTimeOffset At, string ContentType)
{
    /// <summary>A raster image the browser may open in place (everything else is only saved).</summary>
    public bool Viewable => Flowdesk.Attachments.AttachmentDownloads.MayShowInline(ContentType);
}
public sealed record SheetApproval(string Stage, string Approver, ApprovalDecision Decision, DateTimeOffset? DecidedAt, string? Comment);
public sealed record SheetTask(string Title, string Team, FulfilmentStatus Status, string? Assignee, DateTimeOffset? DueAt, IReadOnlyList<string> After);
public sealed record SheetHistory(DateTimeOffset At, string Actor, string Field, string? Old, string? New);
public sealed record SheetOtherTicket(string Number, string Subject, string Status, DateTimeOffset CreatedAt);
public sealed record SheetMove(string State, string Name);

/// <summary>Everything the ticket page shows, each part through its own Access function; null when the caller may not see it.</summary>
public sealed record TicketSheetView(TicketSheet Ticket, bool Staff, bool MayReply, IReadOnlyList<SheetField> Fields, IReadOnlyList<SheetComment> Comments,
    IReadOnlyList<SheetAttachment> Attachments, IReadOnlyList<SheetApproval> Approvals, IReadOnlyList<SheetTask> Tasks,
    IReadOnlyList<LinkedTicketView> Links, IReadOnlyList<SheetHistory> History, IReadOnlyList<SheetOtherTicket> RequesterTickets,
    TicketSlaView? Sla, IReadOnlyList<SheetMove> Moves);

public static class TicketSheetQuery
{
    public const int OtherTickets = 10;

    public static async Task<TicketSheetView?> LoadAsync(FlowdeskDb db, Caller caller, string number, IStringLocalizer messages, TimeProvider clock, CancellationToken ct)
    {
        var language = CurrentLanguage.Get();
        // Missing and not visible are the same answer.
        var ticket = await db.Tickets.VisibleTo(caller).WithView().AsNoTracking().SingleOrDefaultAsync(t => t.Number == number.ToUpperInvariant(), ct);
        if (ticket is null) return null;
        var definition = await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        var workflow = await ProcessWorkflows.ForAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        string StateName(string state) => definition?.States.FirstOrDefault(s => s.Id == state)?.Name?.For(language) ?? "";

        var staff = caller.MayWorkOn(ticket.DeskId);
        var mayReply = staff || ticket.RequesterId == caller.PersonId || ticket.Watchers.Any(w => w.PersonId == caller.PersonId);
        var sheet = new TicketSheet(ticket.Id, ticket.Number, ticket.Subject, ticket.Description, ticket.Status, StateName(ticket.Status), ticket.Priority,
            ticket.Kind, ticket.Impact, ticket.Urgency, ticket.Category, ticket.Service, ticket.CreatedAt, ticket.UpdatedAt, ticket.ResolutionDue,
            ticket.Desk!.Name(language), ticket.Desk.Key, ticket.Requester!.DisplayName, ticket.Assignee?.DisplayName, ticket.AssigneeGroup?.Name(language),
            definition?.Name.For(language) ?? ticket.ProcessKey, ticket.ProcessVersion, ticket.Version);

        var attachments = await (from a in db.Attachments.VisibleTo(db.Tickets, caller)
                                 join p in db.Users on a.UploadedById equals p.Id
                                 where a.TicketId == ticket.Id
                                 orderby a.CreatedAt, a.Id
                                 select new SheetAttachment(a.Id, a.CommentId, a.FileName, a.Size, p.DisplayName, a.CreatedAt, a.ContentType)).AsNoTracking().ToListAsync(ct);
        var comments = await db.Comments.VisibleTo(db.Tickets, caller).AsNoTracking()
            .Where(c => c.TicketId == ticket.Id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new { c.Id, Author = c.Author!.DisplayName, c.Body, c.Internal, c.CreatedAt })
            .ToListAsync(ct);
        var history = await (from h in db.TicketHistory.VisibleTo(db.Tickets, caller)
                             join p in db.Users on h.ActorId equals p.Id
                             where h.TicketId == ticket.Id
                             orderby h.At, h.Id
                             select new SheetHistory(h.At, p.DisplayName, h.Field, h.OldValue, h.NewValue)).AsNoTracking().ToListAsync(ct);
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.TicketId == ticket.Id)
            .OrderBy(a => a.StageIndex).ThenBy(a => a.CreatedAt)
            .Select(a => new SheetApproval(a.Stage, a.Approver!.DisplayName, a.Decision, a.DecidedAt, a.Comment)).ToListAsync(ct);
        var tasks = await db.FulfilmentTasks.AsNoTracking().Where(x => x.TicketId == ticket.Id).OrderBy(x => x.Position)
            .Select(x => new { x.TitleEn, x.TitleZh, DeskEn = x.Desk!.NameEn, DeskZh = x.Desk.NameZh, GroupEn = x.Group!.NameEn, GroupZh = x.Group.NameZh,
                x.Status, Assignee = x.Assignee!.DisplayName, x.DueAt, x.After }).ToListAsync(ct);
        var chinese = Languages.IsChinese(language);
        var others = await db.Tickets.VisibleTo(caller).AsNoTracking()
            .Where(t => t.RequesterId == ticket.RequesterId && t.Id != ticket.Id)
            .OrderByDescending(t => t.CreatedAt).Take(OtherTickets)
            .Select(t => new SheetOtherTicket(t.Number, t.Subject, t.Status, t.CreatedAt)).ToListAsync(ct);
        var links = await TicketLinkService.ListAsync(db, ticket.Id, caller, ct);

        TicketSlaView? sla = null;
        if (await SlaService.ExplainAsync(db, ticket, clock, ct) is { } explained) sla = TicketSlaEndpoint.View(explained, messages, language);

        var actor = TicketViews.Actor(caller, ticket);
        var moves = actor is { } who
            ? workflow.NextStates(ticket.Status, who).Select(s => new SheetMove(s, StateName(s))).ToList()
            : [];

        return new TicketSheetView(sheet, staff, mayReply, Fields(ticket.Fields, definition, language),
            comments.Select(c => new SheetComment(c.Id, c.Author, c.Body, c.Internal, c.CreatedAt, attachments.Where(a => a.CommentId == c.Id).ToList())).ToList(),
            attachments, approvals,
            tasks.Select(x => new SheetTask(chinese && x.TitleZh.Length > 0 ? x.TitleZh : x.TitleEn,
                (chinese ? x.GroupZh : x.GroupEn) ?? (chinese ? x.DeskZh : x.DeskEn), x.Status, x.Assignee, x.DueAt,
                x.After.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList(),
            links, history, others, sla, moves);
    }

    /// <summary>Custom fields with the labels of the pinned form (its field ids when the form does not name them).</summary>
    static List<SheetField> Fields(string json, Flowdesk.Processes.Definitions.ProcessDefinition? definition, string language)
    {
        JsonObject? values;
        try
        {
            values = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return [];
        }
        if (values is null) return [];
        return values.Select(p =>
        {
            var field = definition?.Form.FirstOrDefault(f => f.Id == p.Key);
            var value = p.Value switch
            {
                null => "",
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "✓" : "✗",
                var other => other.ToJsonString(),
            };
            if (field?.Options is { Count: > 0 } options && options.FirstOrDefault(o => o.Value == value) is { } option) value = option.Label.For(language);
            return new SheetField(field?.Label.For(language) ?? p.Key, value);
        }).ToList();
    }
}
