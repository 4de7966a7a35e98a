using Flowdesk.Attachments;
using Flowdesk.Persistence;
using Flowdesk.Tickets;

namespace Flowdesk.Portal;

/// <summary>
/// A file chosen in a portal form, checked like an API upload: size limit while it is read, a safe file name, and the
/// type identified from its bytes. <see cref="ErrorKey"/> (a Messages key with <see cref="Args"/>) says why it was
/// refused; a good one keeps its staged bytes until <see cref="AttachAsync"/> stores them. Dispose either way.
/// </summary>
public sealed class PortalUpload : IAsyncDisposable
{
    PortalUpload(StagedFile? staged, string? fileName, FileKind? kind, string? errorKey, object[] args)
    {
        Staged = staged;
        FileName = fileName;
        Kind = kind;
        ErrorKey = errorKey;
        Args = args;
    }

    public StagedFile? Staged { get; }
    public string? FileName { get; }
    public FileKind? Kind { get; }
    public string? ErrorKey { get; }
    public object[] Args { get; }
    public bool Ok => ErrorKey is null;
    public long Size => Staged?.Length ?? 0;

    public static async Task<PortalUpload> CheckAsync(AttachmentStore store, Stream content, string? clientName, long maxBytes, CancellationToken ct)
    {
        var staged = await store.StageAsync(content, maxBytes, ct);
        if (staged.TooLarge) return await Refuse(staged, "attachment.too_large", Api.Problems.Bytes(maxBytes));
        if (staged.Length == 0) return await Refuse(staged, "attachment.empty");
        if (FileNames.BaseName(clientName) is not { } baseName) return await Refuse(staged, "attachment.name_invalid");
        var sniffed = FileTypes.Sniff(staged.Content, baseName);
        if (sniffed.Kind is not { } kind) return await Refuse(staged, sniffed.RefusalKey, sniffed.Detected);
        return new PortalUpload(staged, FileNames.ForKind(baseName, kind), kind, null, []);
    }

    /// <summary>Refused before anything was read (e.g. the announced length is over the limit).</summary>
    public static PortalUpload Refused(string errorKey, params object[] args) => new(null, null, null, errorKey, args);

    static async Task<PortalUpload> Refuse(StagedFile staged, string key, params object[] args)
    {
        await staged.DisposeAsync();
        return new PortalUpload(null, null, null, key, args);
    }

    /// <summary>Stores the bytes and adds the attachment row to the ticket (and reply); the caller saves.</summary>
    public async Task<Attachment> AttachAsync(FlowdeskDb db, Ticket ticket, Guid? commentId, Guid uploadedBy, DateTimeOffset now)
    {
        if (!Ok || Staged is null || Kind is null || FileName is null) throw new InvalidOperationException("Only an accepted upload can be attached.");
        // Bytes first, row second: a row never points at a missing file.
        await Staged.CommitAsync();
        var attachment = new Attachment(ticket.Id, commentId, FileName, Kind.ContentType, Staged.Length, Staged.Sha256, uploadedBy, now);
        db.Attachments.Add(attachment);
        return attachment;
    }

    public async ValueTask DisposeAsync()
    {
        if (Staged is not null) await Staged.DisposeAsync();
    }
}
