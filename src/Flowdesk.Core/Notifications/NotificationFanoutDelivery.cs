using System.Text.Json;
using Flowdesk.Localization;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flowdesk.Notifications;

/// <summary>
/// Delivers a "notification" outbox message: resolves whom to tell (people, group members, requester, watchers,
/// assignee, approvers; inactive people and the actor left out), renders the event's template in each recipient's
/// language, and writes in one transaction the in-app notifications, one "email" outbox message per recipient with
/// an address, and one "chat" outbox message per chat channel of the ticket's desk or group — plus a marker keyed by
/// the message id, so a retry after a crash finds the work done and writes nothing twice.
/// </summary>
public sealed class NotificationFanoutDelivery(FlowdeskDb db, CallerCache callers, TimeProvider clock, NotificationFeed feed, ApprovalLinks links,
    IOptions<NotificationOptions> options, ILogger<NotificationFanoutDelivery> log) : IOutboxDelivery
{
    public string Kind => "notification";

    NotificationOptions Options => options.Value;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        if (await db.NotificationFanouts.AnyAsync(f => f.MessageId == message.Id, ct)) return;
        var payload = NotificationPayload.Parse(message.Payload)
            ?? throw new PermanentDeliveryException("The notification payload is not valid JSON.");
        var @event = NotificationEvents.Normalize(payload.Event);
        if (!NotificationEvents.IsKnown(@event)) throw new PermanentDeliveryException($"Unknown notification event '{payload.Event}'.");
        var ticketId = payload.TicketId ?? message.TicketId ?? throw new PermanentDeliveryException("The notification names no ticket.");
        var now = clock.GetUtcNow();

        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => new TicketFacts(
            t.Id, t.Number, t.Subject, t.Description, t.Status, t.Priority, t.DeskId, t.Desk!.NameEn, t.Desk.NameZh,
            t.RequesterId, t.Requester!.DisplayName, t.AssigneeId, t.Assignee != null ? t.Assignee.DisplayName : null,
            t.AssigneeGroupId, t.AssigneeGroup != null ? t.AssigneeGroup.NameEn : null, t.AssigneeGroup != null ? t.AssigneeGroup.NameZh : null,
            t.FirstResponseDue, t.ResolutionDue)).SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            // The ticket is gone (deleted with its notifications); nothing to tell anyone.
            db.NotificationFanouts.Add(new NotificationFanout(message.Id, @event, 0, now));
            await SaveOnceAsync(message.Id, ct);
            return;
        }

        var task = payload.TaskId is { } taskId
            ? await db.FulfilmentTasks.AsNoTracking().Where(x => x.Id == taskId)
                .Select(x => new TaskFacts(x.TitleEn, x.TitleZh, x.GroupId, x.Group != null ? x.Group.NameEn : null, x.Group != null ? x.Group.NameZh : null,
                    x.AssigneeId, x.Assignee != null ? x.Assignee.DisplayName : null)).SingleOrDefaultAsync(ct)
            : null;
        var comment = payload.CommentId is { } commentId
            ? await db.Comments.AsNoTracking().Where(c => c.Id == commentId && !c.Internal)
                .Select(c => new { c.Body, Author = c.Author!.DisplayName }).SingleOrDefaultAsync(ct)
            : null;
        var decided = await DecidedApprovalAsync(payload, @event, ticket.Id, ct);
        var actorName = payload.ActorId is { } actorId
            ? await db.Users.AsNoTracking().Where(p => p.Id == actorId).Select(p => p.DisplayName).SingleOrDefaultAsync(ct)
            : decided?.Approver;

        var recipientIds = await RecipientsAsync(payload, @event, ticket, task, ct);
        var people = await db.Users.AsNoTracking().Where(p => recipientIds.Contains(p.Id) && p.IsActive && !p.IsIntegration)
            .Select(p => new { p.Id, p.DisplayName, p.Email, p.Language, p.TimeZone }).ToListAsync(ct);
        var overrides = await db.NotificationTemplates.AsNoTracking().Where(t => t.Event == @event).ToListAsync(ct);

        List<Guid> told = [];
        foreach (var person in people.OrderBy(p => p.Id))
        {
            var language = Languages.Normalize(person.Language);
            var sees = await SeesTicketAsync(person.Id, ticket.Id, ct);
            // Someone who cannot open the ticket hears only about their own task on it (IT preparing an HR case's laptop).
            if (!sees && @event != NotificationEvents.TaskAssigned) continue;
            var model = Model(ticket, task, payload, language, person.TimeZone, actorName, comment?.Author, comment?.Body, decided, redacted: !sees);
            model.Node("recipient")["name"] = person.DisplayName;
            model.Node("recipient")["language"] = language;
            await AddApprovalLinksAsync(model, @event, payload, ticket.Id, person.Id, ct);
            var text = Render(@event, language, overrides, model, ticket.Id, now);
            var link = sees ? $"/tickets/{ticket.Number}" : "/console";
            db.Notifications.Add(new Notification(message.Id, person.Id, @event, ticket.Id, Clip(text.Subject, NotificationLimits.SubjectMax), Clip(text.Body, 4000), link, now));
            if (!string.IsNullOrWhiteSpace(person.Email))
                db.OutboxMessages.Add(new OutboxMessage("email", JsonSerializer.Serialize(new EmailMessage(
                    new EmailAddress(person.Email, person.DisplayName), text.Subject, text.Body, NotificationHtml.From(text.Subject, text.Body, language),
                    ticket.Id, ticket.Number, language, [$"<ticket.{ticket.Id:N}@flowdesk>"], @event, message.Id), NotificationPayload.Json), ticket.Id, now));
            told.Add(person.Id);
        }

        await AddChatAsync(message, @event, ticket, task, payload, actorName, comment?.Author, comment?.Body, decided, overrides, now, ct);
        db.NotificationFanouts.Add(new NotificationFanout(message.Id, @event, told.Count, now));
        if (await SaveOnceAsync(message.Id, ct)) feed.Publish(told);
    }

    /// <summary>Saves; false when another worker already saved this fan-out (the unique marker lost the race).</summary>
    async Task<bool> SaveOnceAsync(Guid messageId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.NotificationFanouts.AnyAsync(f => f.MessageId == messageId, ct)) return false;
            throw;
        }
    }

    async Task<HashSet<Guid>> RecipientsAsync(NotificationPayload payload, string @event, TicketFacts ticket, TaskFacts? task, CancellationToken ct)
    {
        HashSet<Guid> ids = [.. payload.Recipients ?? []];
        var groupId = payload.GroupId;
        if (payload.Requester) ids.Add(ticket.RequesterId);
        if (payload.Assignee && ticket.AssigneeId is { } assignee) ids.Add(assignee);
        if (payload.Watchers) ids.UnionWith(await db.TicketWatchers.Where(w => w.TicketId == ticket.Id).Select(w => w.PersonId).ToListAsync(ct));
        var explicitOnes = ids.Count > 0 || groupId is not null || payload.Requester || payload.Assignee || payload.Watchers;
        if (!explicitOnes)
        {
            // Writers that name nobody (the SLA sweep, reminders) get the event's usual audience.
            switch (@event)
            {
                case NotificationEvents.SlaWarning or NotificationEvents.SlaBreach or NotificationEvents.SlaEscalation:
                    if (ticket.AssigneeId is { } owner) ids.Add(owner);
                    else groupId = ticket.AssigneeGroupId;
                    break;
                case NotificationEvents.ApprovalReminder or NotificationEvents.ApprovalNeeded:
                    ids.UnionWith(await db.Approvals.Where(a => a.TicketId == ticket.Id && a.Decision == ApprovalDecision.Pending
                        && (payload.ApprovalId == null || a.Id == payload.ApprovalId)).Select(a => a.ApproverId).ToListAsync(ct));
                    break;
                case NotificationEvents.TaskAssigned when task is not null:
                    if (task.AssigneeId is { } taskOwner) ids.Add(taskOwner);
                    else groupId = task.GroupId;
                    break;
                default:
                    ids.Add(ticket.RequesterId);
                    break;
            }
        }
        if (groupId is { } group)
            ids.UnionWith(await db.GroupMembers.Where(m => m.GroupId == group).Select(m => m.PersonId).ToListAsync(ct));
        if (payload.ActorId is { } actor) ids.Remove(actor);
        return ids;
    }

    async Task<bool> SeesTicketAsync(Guid personId, Guid ticketId, CancellationToken ct) =>
        await callers.GetAsync(db, personId, ct) is { } caller && await db.Tickets.VisibleTo(caller).AnyAsync(t => t.Id == ticketId, ct);

    async Task<ApprovalFacts?> DecidedApprovalAsync(NotificationPayload payload, string @event, Guid ticketId, CancellationToken ct)
    {
        var query = db.Approvals.AsNoTracking().Where(a => a.TicketId == ticketId);
        if (payload.ApprovalId is { } id) query = query.Where(a => a.Id == id);
        else if (@event == NotificationEvents.ApprovalRejected) query = query.Where(a => a.Decision == ApprovalDecision.Rejected);
        else if (@event == NotificationEvents.ApprovalApproved) query = query.Where(a => a.Decision == ApprovalDecision.Approved);
        else if (@event is NotificationEvents.ApprovalNeeded or NotificationEvents.ApprovalReminder) query = query.Where(a => a.Decision == ApprovalDecision.Pending);
        else return null;
        return await query.OrderByDescending(a => a.DecidedAt ?? a.CreatedAt)
            .Select(a => new ApprovalFacts(a.Stage, a.Decision, a.Comment, a.Approver!.DisplayName)).FirstOrDefaultAsync(ct);
    }

    async Task AddApprovalLinksAsync(ModelObject model, string @event, NotificationPayload payload, Guid ticketId, Guid personId, CancellationToken ct)
    {
        if (@event is not (NotificationEvents.ApprovalNeeded or NotificationEvents.ApprovalReminder)) return;
        var pending = await db.Approvals.AsNoTracking()
            .Where(a => a.TicketId == ticketId && a.ApproverId == personId && a.Decision == ApprovalDecision.Pending
                && (payload.ApprovalId == null || a.Id == payload.ApprovalId))
            .OrderByDescending(a => a.StageIndex).Select(a => new { a.Id, a.Stage }).FirstOrDefaultAsync(ct);
        if (pending is null) return;
        var approval = model.Node("approval");
        approval["stage"] = pending.Stage;
        approval["approve_url"] = await links.UrlAsync(pending.Id, personId, ApprovalDecision.Approved, ct);
        approval["reject_url"] = await links.UrlAsync(pending.Id, personId, ApprovalDecision.Rejected, ct);
    }

    async Task AddChatAsync(OutboxMessage message, string @event, TicketFacts ticket, TaskFacts? task, NotificationPayload payload, string? actorName,
        string? commentAuthor, string? commentBody, ApprovalFacts? decided, List<NotificationTemplate> overrides, DateTimeOffset now, CancellationToken ct)
    {
        var groupIds = new[] { ticket.AssigneeGroupId, task?.GroupId, payload.GroupId }.OfType<Guid>().Distinct().ToArray();
        var channels = await db.ChatChannels.AsNoTracking()
            .Where(c => c.Enabled && ((c.DeskId != null && c.DeskId == ticket.DeskId) || (c.GroupId != null && groupIds.Contains(c.GroupId.Value))))
            .ToListAsync(ct);
        foreach (var channel in channels.Where(c => c.Hears(@event)).OrderBy(c => c.Id))
        {
            var language = Languages.Normalize(channel.Language);
            // A channel is a room, not a person: no recipient, no signed approval links, times in the desk's usual zone.
            var model = Model(ticket, task, payload, language, "Asia/Shanghai", actorName, commentAuthor, commentBody, decided, redacted: false);
            var text = Render(@event, language, overrides, model, ticket.Id, now);
            db.OutboxMessages.Add(new OutboxMessage("chat", JsonSerializer.Serialize(new Chat.ChatMessage(
                channel.Id, @event, ticket.Id, ticket.Number, text.Subject, text.Body, Options.Url($"/tickets/{ticket.Number}"), language, message.Id),
                NotificationPayload.Json), ticket.Id, now));
        }
    }

    ModelObject Model(TicketFacts ticket, TaskFacts? task, NotificationPayload payload, string language, string timeZone, string? actorName,
        string? commentAuthor, string? commentBody, ApprovalFacts? decided, bool redacted)
    {
        var zh = Languages.IsChinese(language);
        var model = TemplateModels.Empty();
        var t = model.Node("ticket");
        t["number"] = ticket.Number;
        t["title"] = redacted ? (task is null ? "" : zh && task.TitleZh.Length > 0 ? task.TitleZh : task.TitleEn) : ticket.Subject;
        t["description"] = redacted ? "" : TemplateModels.Excerpt(ticket.Description, 500);
        t["state"] = TemplateModels.StateLabel(ticket.Status, language);
        t["priority"] = ticket.Priority.ToString().ToUpperInvariant();
        t["desk"] = zh ? ticket.DeskZh : ticket.DeskEn;
        t["requester"] = redacted ? "" : ticket.Requester;
        t["assignee"] = ticket.Assignee;
        t["group"] = zh ? ticket.GroupZh : ticket.GroupEn;
        t["url"] = redacted ? Options.Url("/console") : Options.Url($"/tickets/{ticket.Number}");
        t["survey_url"] = Options.Url($"/tickets/{ticket.Number}#survey");
        t["resolution_due"] = TemplateModels.When(ticket.ResolutionDue, timeZone);
        t["first_response_due"] = TemplateModels.When(ticket.FirstResponseDue, timeZone);
        model.Node("actor")["name"] = actorName ?? "Flowdesk";
        if (commentBody is not null && !redacted)
        {
            model.Node("comment")["author"] = commentAuthor;
            model.Node("comment")["excerpt"] = TemplateModels.Excerpt(commentBody);
        }
        if (decided is not null && !redacted)
        {
            var a = model.Node("approval");
            a["stage"] = decided.Stage;
            a["decision"] = TemplateModels.DecisionLabel(decided.Decision, language);
            a["comment"] = decided.Comment;
            a["approver"] = decided.Approver;
        }
        if (task is not null)
        {
            var k = model.Node("task");
            k["title"] = zh && task.TitleZh.Length > 0 ? task.TitleZh : task.TitleEn;
            k["group"] = zh ? task.GroupZh : task.GroupEn;
            k["assignee"] = task.Assignee;
            k["url"] = Options.Url("/console");
        }
        var sla = model.Node("sla");
        sla["target"] = TemplateModels.TargetLabel(payload.Target, language);
        sla["due"] = TemplateModels.When(payload.Due ?? (payload.Target is "first_response" ? ticket.FirstResponseDue : ticket.ResolutionDue), timeZone);
        sla["level"] = payload.Level ?? 1;
        model.Node("app")["name"] = "Flowdesk";
        model.Node("app")["url"] = Options.PublicUrl.TrimEnd('/');
        return model;
    }

    /// <summary>The admin's template when there is one and it renders; otherwise the shipped default, and the failure is recorded for admins.</summary>
    RenderedTemplate Render(string @event, string language, List<NotificationTemplate> overrides, ModelObject model, Guid ticketId, DateTimeOffset now)
    {
        if (overrides.FirstOrDefault(o => o.Language == language) is { } custom)
        {
            try
            {
                return TemplateRenderer.Render(custom.Subject, custom.Body, model);
            }
            catch (TemplateRenderException e)
            {
                log.LogError(e, "Notification template {Event}/{Language} failed to render; the default was used", @event, language);
                db.NotificationTemplateErrors.Add(new NotificationTemplateError(@event, language, ticketId, e.Message, now));
            }
        }
        var fallback = DefaultTemplates.For(@event, language);
        return TemplateRenderer.Render(fallback.Subject, fallback.Body, model);
    }

    static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    sealed record TicketFacts(Guid Id, string Number, string Subject, string Description, string Status, Tickets.Priority Priority, Guid DeskId,
        string DeskEn, string DeskZh, Guid RequesterId, string Requester, Guid? AssigneeId, string? Assignee, Guid? AssigneeGroupId,
        string? GroupEn, string? GroupZh, DateTimeOffset? FirstResponseDue, DateTimeOffset? ResolutionDue);

    sealed record TaskFacts(string TitleEn, string TitleZh, Guid? GroupId, string? GroupEn, string? GroupZh, Guid? AssigneeId, string? Assignee);

    sealed record ApprovalFacts(string Stage, ApprovalDecision Decision, string? Comment, string Approver);
}

/// <summary>
/// The payload of an "email" outbox message written by the fan-out (see docs/notifications.md): the mail delivery
/// sends it as is. threadIds are Message-ID-style references that keep a ticket's mails in one thread.
/// </summary>
public sealed record EmailMessage(EmailAddress To, string Subject, string Text, string Html, Guid TicketId, string Number, string Language,
    IReadOnlyList<string> ThreadIds, string Event, Guid NotificationId);

public sealed record EmailAddress(string Address, string Name);
