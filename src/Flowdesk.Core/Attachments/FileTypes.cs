using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Flowdesk.Attachments;

/// <summary>
/// An accepted kind of file: the Content-Type it is served with and the file name extensions that may go with it
/// (the first is the one added to a name whose extension does not fit).
/// </summary>
public sealed record FileKind(string ContentType, params string[] Extensions)
{
    public string Extension => Extensions[0];

    public bool Fits(string extension) => Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
}

/// <summary>What the bytes are: an accepted <see cref="FileKind"/>, or a refusal with the detected type and a message key.</summary>
public sealed record Sniffed(FileKind? Kind, string Detected, string RefusalKey)
{
    public static Sniffed Accept(FileKind kind) => new(kind, kind.ContentType, "");
    public static Sniffed Refuse(string detected, string key = "attachment.type_forbidden") => new(null, detected, key);
}

/// <summary>
/// The allow-list of attachment types, decided from the bytes alone; the client's Content-Type is never read and
/// its file name only picks between kinds that share a container (legacy Office files) or text flavours.
/// <list type="bullet">
/// <item>Images: PNG, JPEG, GIF, WebP, BMP. Not SVG: it is a script-capable document.</item>
/// <item>PDF.</item>
/// <item>Text: valid UTF-8 without NUL characters (txt, log, csv, json, eml and similar). Refused when it starts with
/// markup (HTML, SVG, XML — whether it "has script" cannot be decided reliably: event attributes, javascript: URLs,
/// XSLT) or with a shebang.</item>
/// <item>Office: OOXML (a zip holding [Content_Types].xml) and legacy OLE compound files (doc, xls, ppt, msg),
/// except Windows Installer packages, which are OLE files too.</item>
/// <item>Archives: zip, 7z, gzip, rar.</item>
/// </list>
/// Everything else — executables (MZ/PE, ELF, Mach-O, Java classes) and unknown binaries — is refused.
/// </summary>
public static class FileTypes
{
    public static readonly FileKind Png = new("image/png", "png");
    public static readonly FileKind Jpeg = new("image/jpeg", "jpg", "jpeg", "jpe", "jfif");
    public static readonly FileKind Gif = new("image/gif", "gif");
    public static readonly FileKind WebP = new("image/webp", "webp");
    public static readonly FileKind Bmp = new("image/bmp", "bmp", "dib");
    public static readonly FileKind Pdf = new("application/pdf", "pdf");
    public static readonly FileKind Zip = new("application/zip", "zip");
    public static readonly FileKind SevenZip = new("application/x-7z-compressed", "7z");
    public static readonly FileKind Gzip = new("application/gzip", "gz", "tgz");
    public static readonly FileKind Rar = new("application/vnd.rar", "rar");
    public static readonly FileKind Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "dotx");
    public static readonly FileKind Docm = new("application/vnd.ms-word.document.macroEnabled.12", "docm", "dotm");
    public static readonly FileKind Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "xltx");
    public static readonly FileKind Xlsm = new("application/vnd.ms-excel.sheet.macroEnabled.12", "xlsm", "xltm");
    public static readonly FileKind Pptx = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "ppsx", "potx");
    public static readonly FileKind Pptm = new("application/vnd.ms-powerpoint.presentation.macroEnabled.12", "pptm", "ppsm", "potm");
    public static readonly FileKind Doc = new("application/msword", "doc", "dot");
    public static readonly FileKind Xls = new("application/vnd.ms-excel", "xls", "xlt");
    public static readonly FileKind Ppt = new("application/vnd.ms-powerpoint", "ppt", "pps", "pot");
    public static readonly FileKind Msg = new("application/vnd.ms-outlook", "msg");
    public static readonly FileKind OleOther = new("application/x-ole-storage", "ole", "vsd", "pub", "mpp");
    public static readonly FileKind Text = new("text/plain; charset=utf-8", "txt", "log", "text", "md", "ini", "conf", "cfg", "yaml", "yml", "tsv");
    public static readonly FileKind Csv = new("text/csv; charset=utf-8", "csv");
    public static readonly FileKind Json = new("application/json", "json");
    public static readonly FileKind Email = new("message/rfc822", "eml");

    /// <summary>Enough for every signature below, and for markup and shebang checks on text.</summary>
    public const int HeadLength = 4096;

    static readonly FileKind[] OleByExtension = [Doc, Xls, Ppt, Msg];
    static readonly FileKind[] TextByExtension = [Csv, Json, Email];

    /// <summary>
    /// Identifies a stored upload. <paramref name="file"/> must be seekable; it is read from the start
    /// (the whole of it only for text and for a zip's central directory).
    /// </summary>
    public static Sniffed Sniff(Stream file, string fileName)
    {
        var head = new byte[HeadLength];
        file.Position = 0;
        var length = file.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
        var h = head.AsSpan(0, length);
        var extension = Path.GetExtension(fileName).TrimStart('.');

        if (h.StartsWith("MZ"u8)) return Sniffed.Refuse("application/x-msdownload");
        if (Starts(h, [0x7F, (byte)'E', (byte)'L', (byte)'F'])) return Sniffed.Refuse("application/x-executable");
        if (Starts(h, [0xFE, 0xED, 0xFA, 0xCE]) || Starts(h, [0xFE, 0xED, 0xFA, 0xCF])
            || Starts(h, [0xCE, 0xFA, 0xED, 0xFE]) || Starts(h, [0xCF, 0xFA, 0xED, 0xFE]))
            return Sniffed.Refuse("application/x-mach-binary");
        // Java class files and universal (fat) Mach-O binaries share this magic; both are code.
        if (Starts(h, [0xCA, 0xFE, 0xBA, 0xBE])) return Sniffed.Refuse("application/java-vm");
        if (h.StartsWith("\0asm"u8)) return Sniffed.Refuse("application/wasm");

        if (Starts(h, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Sniffed.Accept(Png);
        if (Starts(h, [0xFF, 0xD8, 0xFF])) return Sniffed.Accept(Jpeg);
        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8)) return Sniffed.Accept(Gif);
        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8)) return Sniffed.Accept(WebP);
        if (IsBmp(h)) return Sniffed.Accept(Bmp);
        if (h.StartsWith("%PDF-"u8)) return Sniffed.Accept(Pdf);
        if (Starts(h, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return Sniffed.Accept(SevenZip);
        if (Starts(h, [0x1F, 0x8B, 0x08])) return Sniffed.Accept(Gzip);
        if (h.StartsWith("Rar!\x1A\x07\x00"u8) || h.StartsWith("Rar!\x1A\x07\x01\x00"u8)) return Sniffed.Accept(Rar);
        if (h.StartsWith("PK\x03\x04"u8) || h.StartsWith("PK\x05\x06"u8)) return SniffZip(file);
        if (Starts(h, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return SniffOle(file, h, extension);

        return SniffText(file, h, extension);
    }

    static bool Starts(ReadOnlySpan<byte> data, ReadOnlySpan<byte> magic) => data.StartsWith(magic);

    /// <summary>"BM" alone is too weak: also require a known DIB header size.</summary>
    static bool IsBmp(ReadOnlySpan<byte> h) =>
        h.Length >= 18 && h.StartsWith("BM"u8)
        && BitConverter.ToUInt32(h[14..18]) is 12 or 40 or 52 or 56 or 64 or 108 or 124;

    static Sniffed SniffZip(Stream file)
    {
        bool contentTypes = false, word = false, excel = false, powerPoint = false, macros = false;
        try
        {
            foreach (var name in ZipDirectory.EntryNames(file))
            {
                contentTypes |= name == "[Content_Types].xml";
                word |= name.StartsWith("word/", StringComparison.Ordinal);
                excel |= name.StartsWith("xl/", StringComparison.Ordinal);
                powerPoint |= name.StartsWith("ppt/", StringComparison.Ordinal);
                macros |= name.EndsWith("/vbaProject.bin", StringComparison.Ordinal);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return Sniffed.Refuse("application/zip", "attachment.damaged");
        }
        if (!contentTypes) return Sniffed.Accept(Zip);
        if (word) return Sniffed.Accept(macros ? Docm : Docx);
        if (excel) return Sniffed.Accept(macros ? Xlsm : Xlsx);
        if (powerPoint) return Sniffed.Accept(macros ? Pptm : Pptx);
        return Sniffed.Accept(Zip);
    }

    // Root storage CLSIDs of Windows Installer packages, patches and transforms: {000C1084-…}, {000C1086-…}, {000C1082-…}.
    static readonly byte[][] InstallerClsids =
    [
        [0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46],
        [0x86, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46],
        [0x82, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46],
    ];

    /// <summary>Legacy Office and Outlook files are OLE compound files; so are .msi installers, which are refused.</summary>
    static Sniffed SniffOle(Stream file, ReadOnlySpan<byte> h, string extension)
    {
        if (h.Length < 512) return Sniffed.Refuse("application/x-ole-storage", "attachment.damaged");
        var sectorShift = BitConverter.ToUInt16(h[30..32]);
        var firstDirectorySector = BitConverter.ToUInt32(h[48..52]);
        if (sectorShift is not (9 or 12) || firstDirectorySector >= 0xFFFFFFFA)
            return Sniffed.Refuse("application/x-ole-storage", "attachment.damaged");
        // The root directory entry opens the first directory sector; its CLSID is at offset 80.
        var clsid = new byte[16];
        file.Position = (firstDirectorySector + 1L) << sectorShift;
        file.Position += 80;
        if (file.ReadAtLeast(clsid, 16, throwOnEndOfStream: false) < 16)
            return Sniffed.Refuse("application/x-ole-storage", "attachment.damaged");
        if (InstallerClsids.Any(c => c.AsSpan().SequenceEqual(clsid)))
            return Sniffed.Refuse("application/x-msi");
        if (extension.Equals("msi", StringComparison.OrdinalIgnoreCase) || extension.Equals("msp", StringComparison.OrdinalIgnoreCase))
            return Sniffed.Refuse("application/x-msi");
        return Sniffed.Accept(OleByExtension.FirstOrDefault(k => k.Fits(extension)) ?? OleOther);
    }

    static Sniffed SniffText(Stream file, ReadOnlySpan<byte> h, string extension)
    {
        var text = Starts(h, [0xEF, 0xBB, 0xBF]) ? h[3..] : h;
        if (text.StartsWith("#!"u8)) return Sniffed.Refuse("text/x-shellscript");

        var scan = ScanText(file);
        if (scan == TextScan.Binary) return Sniffed.Refuse("application/octet-stream");
        if (scan == TextScan.NotUtf8) return Sniffed.Refuse("text/plain", "attachment.text_not_utf8");

        var start = text.TrimStart(" \t\r\n\f"u8);
        if (start.Length > 0 && start[0] == (byte)'<') return Sniffed.Refuse(MarkupType(start));
        return Sniffed.Accept(TextByExtension.FirstOrDefault(k => k.Fits(extension)) ?? Text);
    }

    static string MarkupType(ReadOnlySpan<byte> start)
    {
        var sample = Encoding.UTF8.GetString(start[..Math.Min(start.Length, 1024)]);
        if (sample.Contains("<svg", StringComparison.OrdinalIgnoreCase)) return "image/svg+xml";
        if (sample.Contains("<html", StringComparison.OrdinalIgnoreCase) || sample.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase))
            return "text/html";
        return sample.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) ? "application/xml" : "text/html";
    }

    enum TextScan { Utf8, NotUtf8, Binary }

    /// <summary>Reads the whole file once: a NUL makes it binary; otherwise it must decode as strict UTF-8.</summary>
    static TextScan ScanText(Stream file)
    {
        var buffer = new byte[81920];
        var chars = new char[buffer.Length];
        var utf8 = true;
        var carry = 0; // the start of a sequence cut by the chunk boundary
        file.Position = 0;
        int read;
        while ((read = file.Read(buffer, carry, buffer.Length - carry)) > 0)
        {
            if (buffer.AsSpan(carry, read).Contains((byte)0)) return TextScan.Binary;
            if (!utf8) continue;
            var data = buffer.AsSpan(0, carry + read);
            if (Utf8.ToUtf16(data, chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: false) == OperationStatus.InvalidData)
            {
                utf8 = false;
                carry = 0;
                continue;
            }
            carry = data.Length - consumed;
            data[consumed..].CopyTo(buffer);
        }
        return utf8 && carry == 0 ? TextScan.Utf8 : TextScan.NotUtf8;
    }
}
