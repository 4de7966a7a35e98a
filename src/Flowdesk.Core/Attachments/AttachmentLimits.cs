using Microsoft.Extensions.Configuration;

namespace Flowdesk.Attachments;

public static class AttachmentLimits
{
    public const long DefaultMaxBytes = 25L * 1024 * 1024;

    /// <summary>Flowdesk:Attachments:MaxBytes, 25 MB unless configured.</summary>
    public static long MaxBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Flowdesk:Attachments:MaxBytes") ?? DefaultMaxBytes;

    /// <summary>The server-wide request cap: one attachment plus room for the multipart envelope.</summary>
    public static long RequestLimit(IConfiguration configuration) => MaxBytes(configuration) + 1024 * 1024;
}
