using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Flowdesk.Tests.Attachments;

/// <summary>Small files of each kind, unique per call where it matters (so stores and hashes do not collide across tests).</summary>
static class Samples
{
    public static byte[] Png() => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. RandomNumberGenerator.GetBytes(200)];
    public static byte[] Jpeg() => [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(200)];
    public static byte[] Gif() => [.. "GIF89a"u8, .. RandomNumberGenerator.GetBytes(50)];
    public static byte[] WebP() => [.. "RIFF"u8, 0x20, 0, 0, 0, .. "WEBPVP8 "u8, .. RandomNumberGenerator.GetBytes(50)];
    public static byte[] Bmp() => [.. "BM"u8, 0x3E, 0, 0, 0, 0, 0, 0, 0, 0x3E, 0, 0, 0, 40, 0, 0, 0, .. RandomNumberGenerator.GetBytes(50)];
    public static byte[] Pdf() => Encoding.ASCII.GetBytes($"%PDF-1.7\n% {Guid.NewGuid()}\n%%EOF\n");
    public static byte[] Exe() => [.. "MZ"u8, 0x90, 0, 3, 0, .. RandomNumberGenerator.GetBytes(100)];
    public static byte[] Elf() => [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, .. RandomNumberGenerator.GetBytes(100)];
    public static byte[] MachO() => [0xCF, 0xFA, 0xED, 0xFE, .. RandomNumberGenerator.GetBytes(100)];
    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
    public static byte[] SevenZip() => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4, .. RandomNumberGenerator.GetBytes(50)];
    public static byte[] Gzip() => [0x1F, 0x8B, 0x08, 0, .. RandomNumberGenerator.GetBytes(50)];
    public static byte[] Rar() => [.. "Rar!\x1A\x07\x01\x00"u8, .. RandomNumberGenerator.GetBytes(50)];

    public static byte[] Zip(params string[] entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(Guid.NewGuid().ToString());
            }
        }
        return memory.ToArray();
    }

    public static byte[] Docx() => Zip("[Content_Types].xml", "_rels/.rels", "word/document.xml");
    public static byte[] Xlsm() => Zip("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin");

    /// <summary>A minimal OLE compound file: a header and one directory sector whose root entry has the given CLSID.</summary>
    public static byte[] Ole(byte[]? rootClsid = null)
    {
        var file = new byte[512 * 3];
        byte[] magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        magic.CopyTo(file, 0);
        BitConverter.GetBytes((ushort)9).CopyTo(file, 30);   // 512-byte sectors
        BitConverter.GetBytes(0u).CopyTo(file, 48);          // directory starts at sector 0, right after the header
        (rootClsid ?? RandomNumberGenerator.GetBytes(16)).CopyTo(file, 512 + 80);
        RandomNumberGenerator.GetBytes(200).CopyTo(file, 1024);
        return file;
    }

    public static readonly byte[] MsiClsid = [0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A multipart body with the file under "file"; the name goes in filename* (RFC 5987) so any character survives.</summary>
    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string? commentId = null, string field = "file")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = $"\"{field}\"", FileNameStar = fileName };
        form.Add(file);
        if (commentId is not null) form.Add(new StringContent(commentId), "commentId");
        return form;
    }
}
