namespace Flowdesk.Tickets;

/// <summary>A relation between two tickets: created_from (a rule made it), related, duplicate_of, caused_by.</summary>
public sealed class TicketLink
{
    private TicketLink() { }

    public TicketLink(Guid fromId, Guid toId, string kind, DateTimeOffset now)
    {
        FromId = fromId;
        ToId = toId;
        Kind = kind;
        CreatedAt = now;
    }

    public Guid FromId { get; private set; }
    public Guid ToId { get; private set; }
    public string Kind { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
