namespace Flowdesk.Tickets;

public static class TicketLimits
{
    public const int SubjectMax = 200;
    public const int DescriptionMax = 20_000;
    public const int CommentMax = 20_000;
    public const int FieldsMaxBytes = 64 * 1024;
}
