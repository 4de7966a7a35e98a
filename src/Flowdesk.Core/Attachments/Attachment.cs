namespace Flowdesk.Attachments;

/// <summary>
/// A file on a ticket. The bytes live on disk under the data folder, named by their SHA-256,
/// so the same file uploaded twice is stored once. The content type is sniffed from the bytes.
/// </summary>
public sealed class Attachment
{
    private Attachment() { }

    public Attachment(Guid ticketId, Guid? commentId, string fileName, string contentType, long size, string sha256, Guid uploadedById, DateTimeOffset now)
    {
        Id = Ids.New();
        TicketId = ticketId;
        CommentId = commentId;
        FileName = fileName;
        ContentType = contentType;
        Size = size;
        Sha256 = sha256;
        UploadedById = uploadedById;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Tickets.Ticket? Ticket { get; private set; }
    /// <summary>Set when the file belongs to an internal note: it is then as invisible as the note.</summary>
    public Guid? CommentId { get; private set; }
    public Tickets.Comment? Comment { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public long Size { get; private set; }
    public string Sha256 { get; private set; } = "";
    public Guid UploadedById { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
