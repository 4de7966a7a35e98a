using Flowdesk.Persistence;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Outbox;

/// <summary>Messages of one kind that wait because nothing here can deliver them yet, and why (SMTP not set up, no delivery installed).</summary>
public sealed record OutboxWaiting(string Kind, int Count, string Reason);

/// <summary>What a retry did: revived the dead message, found it in another status, or found nothing.</summary>
public sealed record OutboxRetry(bool Revived, OutboxMessageDetail? Message);

/// <summary>
/// The work behind the outbox admin API and the console's outbox screen, so both count, list and retry the same way.
/// Callers decide who may (system admins only) before calling.
/// </summary>
public static class OutboxAdmin
{
    public static async Task<OutboxCounts> CountsAsync(FlowdeskDb db, CancellationToken ct)
    {
        var counts = await db.OutboxMessages.GroupBy(m => m.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(OutboxStatus status) => counts.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
        return new OutboxCounts(Of(OutboxStatus.Pending), Of(OutboxStatus.Failed), Of(OutboxStatus.Sent), Of(OutboxStatus.Dead));
    }

    /// <summary>
    /// The kinds whose pending messages wait for a delivery that is not there or not configured, with how many and
    /// why: what an admin must fix before anything moves (a fresh install queues mail until SMTP is set up).
    /// </summary>
    public static async Task<IReadOnlyList<OutboxWaiting>> WaitingAsync(FlowdeskDb db, IEnumerable<IOutboxDelivery> deliveries, CancellationToken ct)
    {
        var all = deliveries.ToList();
        var working = all.Where(d => d.Unavailable is null).Select(d => d.Kind).Distinct(StringComparer.Ordinal).ToList();
        var reasons = all.Where(d => d.Unavailable is not null && !working.Contains(d.Kind))
            .GroupBy(d => d.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Unavailable!, StringComparer.Ordinal);
        var counts = await db.OutboxMessages.AsNoTracking()
            .Where(m => (m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Failed) && !working.Contains(m.Kind))
            .GroupBy(m => m.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(ct);
        return counts.OrderBy(c => c.Kind, StringComparer.Ordinal)
            .Select(c => new OutboxWaiting(c.Kind, c.Count, reasons.GetValueOrDefault(c.Kind) ?? OutboxWorker.NoDeliveryError)).ToList();
    }

    /// <summary>Messages newest first, optionally only some statuses and one kind; page from 1.</summary>
    public static async Task<PageOf<OutboxMessageSummary>> PageAsync(FlowdeskDb db, IReadOnlyCollection<OutboxStatus> statuses, string? kind,
        int page, int pageSize, CancellationToken ct)
    {
        var messages = db.OutboxMessages.AsNoTracking();
        if (statuses.Count > 0) messages = messages.Where(m => statuses.Contains(m.Status));
        if (kind is not null) messages = messages.Where(m => m.Kind == kind);
        var total = await messages.CountAsync(ct);
        var rows = await messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PageOf<OutboxMessageSummary>(rows.Select(m => new OutboxMessageSummary(m.Id, m.Kind, Name(m.Status), m.Attempts,
            m.CreatedAt, m.NextAttemptAt, m.SentAt, m.LastError, m.TicketId, m.ClaimedBy is not null)).ToList(), total, page, pageSize);
    }

    public static async Task<OutboxMessageDetail?> GetAsync(FlowdeskDb db, Guid id, CancellationToken ct)
    {
        var message = await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        return message is null ? null : Detail(message);
    }

    /// <summary>Sends a dead message again from its first attempt.</summary>
    public static async Task<OutboxRetry> RetryAsync(FlowdeskDb db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        // Conditional, so two admins pressing retry (or a retry racing nothing else) revive the message once.
        var revived = await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Dead).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0).SetProperty(m => m.NextAttemptAt, now)
            .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct);
        return new OutboxRetry(revived > 0, await GetAsync(db, id, ct));
    }

    public static string Name(OutboxStatus status) => status.ToString().ToLowerInvariant();

    static OutboxMessageDetail Detail(OutboxMessage m) => new(m.Id, m.Kind, Name(m.Status), m.Attempts, m.CreatedAt, m.NextAttemptAt, m.SentAt,
        m.LastError, m.TicketId, m.ClaimedBy, m.ClaimedUntil, m.IdempotencyKey, m.Payload);
}
