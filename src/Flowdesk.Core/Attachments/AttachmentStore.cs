using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Flowdesk.Attachments;

/// <summary>
/// Attachment bytes on disk: <c>{DataPath}/attachments/ab/cd/{sha256}</c>. An upload is streamed into a temporary
/// file under <c>attachments/tmp</c> (same volume, so the final move is an atomic rename) while it is hashed and
/// counted; only a file that passed every check is moved into place. The same bytes are stored once.
/// </summary>
public sealed class AttachmentStore
{
    readonly string root;
    readonly string staging;

    public AttachmentStore(string root)
    {
        this.root = Path.GetFullPath(root);
        staging = Path.Combine(this.root, "tmp");
    }

    public string Root => root;

    /// <summary>
    /// Copies <paramref name="source"/> into a temporary file, stopping as soon as it exceeds <paramref name="maxBytes"/>
    /// (the rest is not read). Dispose the result to remove the temporary file unless it was committed.
    /// </summary>
    public async Task<StagedFile> StageAsync(Stream source, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(staging);
        var path = Path.Combine(staging, Guid.NewGuid().ToString("N") + ".part");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
        var staged = new StagedFile(this, path, file);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    staged.TooLarge = true;
                    return staged;
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
            staged.Length = length;
            staged.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return staged;
        }
        catch
        {
            await staged.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Where the bytes with this hash live; null for anything that is not a SHA-256 in lower-case hex.</summary>
    public string? PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower)) return null;
        return Path.Combine(root, sha256[..2], sha256[2..4], sha256);
    }

    /// <summary>Opens the stored bytes for reading, or null when they are missing.</summary>
    public FileInfo? Find(string sha256) => PathOf(sha256) is { } path && File.Exists(path) ? new FileInfo(path) : null;

    /// <summary>Moves a checked upload into place; when the same bytes are already stored, keeps those.</summary>
    internal void Commit(StagedFile staged)
    {
        var target = PathOf(staged.Sha256) ?? throw new InvalidOperationException("Staged file has no hash.");
        if (File.Exists(target)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // A concurrent upload of the same bytes may win the race; identical content makes the overwrite harmless.
        File.Move(staged.TempPath, target, overwrite: true);
    }
}

/// <summary>An upload in its temporary file: hashed, counted, not yet in the store.</summary>
public sealed class StagedFile : IAsyncDisposable
{
    readonly AttachmentStore store;
    readonly FileStream file;
    bool committed;

    internal StagedFile(AttachmentStore store, string tempPath, FileStream file)
    {
        this.store = store;
        TempPath = tempPath;
        this.file = file;
    }

    internal string TempPath { get; }
    public bool TooLarge { get; internal set; }
    public long Length { get; internal set; }
    public string Sha256 { get; internal set; } = "";

    /// <summary>The staged bytes, for sniffing. Positioned anywhere; do not dispose.</summary>
    public Stream Content => file;

    public async Task CommitAsync()
    {
        await file.DisposeAsync();
        store.Commit(this);
        committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        if (!committed)
        {
            try { File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

public static class AttachmentSetup
{
    /// <summary>The attachment store under Flowdesk:DataPath (relative paths are taken from the content root).</summary>
    public static IServiceCollection AddFlowdeskAttachments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var dataPath = configuration["Flowdesk:DataPath"] is { Length: > 0 } configured ? configured : "data";
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new AttachmentStore(Path.Combine(contentRoot, dataPath, "attachments"));
        });
        return services;
    }
}
