namespace Flowdesk.Outbox;

/// <summary>
/// Pending: waiting for its first delivery (or for a delivery of its kind to be deployed). Failed: an attempt failed
/// and the next one is scheduled (NextAttemptAt). Sent: delivered. Dead: given up — too many attempts or a
/// permanent failure; an admin may retry it.
/// </summary>
public enum OutboxStatus { Pending = 1, Sent = 2, Failed = 3, Dead = 4 }

/// <summary>
/// A side effect (notification, webhook, chat message) written in the same transaction as the change that caused
/// it, and delivered later by a worker with retries — so nothing is lost when a target is down and nothing is
/// sent for a change that rolled back.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage() { }

    public OutboxMessage(string kind, string payload, Guid? ticketId, DateTimeOffset now)
    {
        Id = Ids.New();
        Kind = kind;
        Payload = payload;
        TicketId = ticketId;
        Status = OutboxStatus.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    /// <summary>notification | webhook | chat</summary>
    public string Kind { get; private set; } = "";
    /// <summary>JSON describing what to deliver (event, template, recipients, ticket).</summary>
    public string Payload { get; private set; } = "";
    public Guid? TicketId { get; private set; }
    public OutboxStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>The worker's claim on a message it is delivering right now; null when nobody is.</summary>
    public string? ClaimedBy { get; private set; }
    /// <summary>Until then no other worker picks the message up; after it (the worker died mid-send) anyone may.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    /// <summary>The idempotency key deliveries pass on (e.g. as Message-ID or webhook delivery id) so a target can drop a repeat.</summary>
    public string IdempotencyKey => Id.ToString("N");
}
