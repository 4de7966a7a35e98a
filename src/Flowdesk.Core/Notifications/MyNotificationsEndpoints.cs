using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Notifications;

public sealed record NotificationView(Guid Id, string Event, Guid? TicketId, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Total, int Page, int PageSize, int Unread);

public sealed record MarkedRead(int Marked);

/// <summary>The caller's in-app notifications: newest first with the unread count; mark one or all as read. Only one's own.</summary>
public static class MyNotificationsEndpoints
{
    public const int MaxPageSize = Paging.MaxPageSize;

    public static void Map(IEndpointRouteBuilder api)
    {
        var mine = api.MapGroup("/me/notifications").WithTags("Notifications");
        mine.MapGet("", List).WithSummary("My notifications, newest first (unread=true for unread only), with the unread count");
        mine.MapPost("/{id:guid}/read", MarkRead).WithSummary("Mark one notification read");
        mine.MapPost("/read-all", MarkAllRead).WithSummary("Mark all my notifications read");
    }

    static async Task<Results<Ok<NotificationPage>, ValidationProblem>> List(string? page, string? pageSize, bool? unread, Caller caller, FlowdeskDb db,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var paging = Paging.Read(errors, page, pageSize, defaultSize: 20);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());
        return TypedResults.Ok(await PageAsync(db, caller.PersonId, paging.Page, paging.PageSize, unread == true, ct));
    }

    /// <summary>One page of a person's notifications, newest first, with the totals (the API and the notifications page).</summary>
    public static async Task<NotificationPage> PageAsync(FlowdeskDb db, Guid personId, int page, int pageSize, bool unreadOnly, CancellationToken ct)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == personId);
        var query = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var total = await query.CountAsync(ct);
        var unreadCount = await mine.CountAsync(n => n.ReadAt == null, ct);
        var items = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new NotificationView(n.Id, n.Event, n.TicketId, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt)).ToListAsync(ct);
        return new NotificationPage(items, total, page, pageSize, unreadCount);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(Guid id, Caller caller, FlowdeskDb db, TimeProvider clock, NotificationFeed feed,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (await MarkReadAsync(db, caller.PersonId, id, clock.GetUtcNow(), feed, ct) is null) return Problems.NotFound(t);
        return TypedResults.NoContent();
    }

    /// <summary>Marks one of the person's notifications read and tells their bells; null when it is not theirs.</summary>
    public static async Task<Notification?> MarkReadAsync(FlowdeskDb db, Guid personId, Guid id, DateTimeOffset now, NotificationFeed feed,
        CancellationToken ct)
    {
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id && n.RecipientId == personId, ct);
        if (notification is null) return null;
        if (notification.ReadAt is null)
        {
            notification.MarkRead(now);
            await db.SaveChangesAsync(ct);
            feed.Publish([personId]);
        }
        return notification;
    }

    static async Task<Ok<MarkedRead>> MarkAllRead(Caller caller, FlowdeskDb db, TimeProvider clock, NotificationFeed feed, CancellationToken ct)
    {
        var marked = await MarkAllReadAsync(db, caller.PersonId, clock.GetUtcNow(), ct);
        if (marked > 0) feed.Publish([caller.PersonId]);
        return TypedResults.Ok(new MarkedRead(marked));
    }

    public static Task<int> MarkAllReadAsync(FlowdeskDb db, Guid personId, DateTimeOffset now, CancellationToken ct) =>
        db.Notifications.Where(n => n.RecipientId == personId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
}
