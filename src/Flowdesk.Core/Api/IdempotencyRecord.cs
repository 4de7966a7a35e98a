namespace Flowdesk.Api;

/// <summary>
/// The first answer to a create call made with an Idempotency-Key. A retry with the same key and body
/// within 24 hours gets this answer back and creates nothing.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public IdempotencyRecord(Guid callerId, string key, string requestHash, int status, string? location, string body, DateTimeOffset now)
    {
        Id = Ids.New();
        CallerId = callerId;
        Key = key;
        RequestHash = requestHash;
        Status = status;
        Location = location;
        Body = body;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid CallerId { get; private set; }
    public string Key { get; private set; } = "";
    public string RequestHash { get; private set; } = "";
    public int Status { get; private set; }
    public string? Location { get; private set; }
    public string Body { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
