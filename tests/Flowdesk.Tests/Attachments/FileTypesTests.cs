using Flowdesk.Attachments;

namespace Flowdesk.Tests.Attachments;

/// <summary>The signature table and the name rules, table by table, without a host.</summary>
public sealed class FileTypesTests
{
    static Sniffed Sniff(byte[] bytes, string name) => FileTypes.Sniff(new MemoryStream(bytes), name);

    public static TheoryData<string, byte[], string, string?> Table => new()
    {
        // sample, bytes, client name, expected content type (null: refused)
        { "png", Samples.Png(), "a.png", "image/png" },
        { "png named exe", Samples.Png(), "a.exe", "image/png" },
        { "jpeg", Samples.Jpeg(), "a.jpg", "image/jpeg" },
        { "gif", Samples.Gif(), "a.gif", "image/gif" },
        { "webp", Samples.WebP(), "a.webp", "image/webp" },
        { "bmp", Samples.Bmp(), "a.bmp", "image/bmp" },
        { "BM text", Samples.Text("BM is how my notes start"), "a.txt", "text/plain; charset=utf-8" },
        { "pdf", Samples.Pdf(), "a.pdf", "application/pdf" },
        { "docx", Samples.Docx(), "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        { "xlsm", Samples.Xlsm(), "a.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12" },
        { "zip", Samples.Zip("x.txt"), "a.zip", "application/zip" },
        { "jar", Samples.Zip("META-INF/MANIFEST.MF", "A.class"), "a.jar", "application/zip" },
        { "empty zip", [.. "PK\x05\x06"u8, .. new byte[18]], "a.zip", "application/zip" },
        { "doc", Samples.Ole(), "a.doc", "application/msword" },
        { "xls", Samples.Ole(), "A.XLS", "application/vnd.ms-excel" },
        { "ole other", Samples.Ole(), "a.bin", "application/x-ole-storage" },
        { "7z", Samples.SevenZip(), "a.7z", "application/x-7z-compressed" },
        { "gz", Samples.Gzip(), "a.tgz", "application/gzip" },
        { "rar", Samples.Rar(), "a.rar", "application/vnd.rar" },
        { "text", Samples.Text("打印机离线 printer offline"), "a.txt", "text/plain; charset=utf-8" },
        { "text with bom", [0xEF, 0xBB, 0xBF, .. Samples.Text("hello")], "a.log", "text/plain; charset=utf-8" },
        { "csv", Samples.Text("a,b\n1,2\n"), "a.csv", "text/csv; charset=utf-8" },
        { "json", Samples.Text("{\"a\":1}"), "a.json", "application/json" },
        { "eml", Samples.Text("From: a@b.example\r\nSubject: hi\r\n\r\nbody"), "a.eml", "message/rfc822" },
        { "text mentioning script", Samples.Text("WAF blocked: GET /?q=<script>alert(1)</script>"), "waf.log", "text/plain; charset=utf-8" },
        { "exe", Samples.Exe(), "a.pdf", null },
        { "elf", Samples.Elf(), "a.txt", null },
        { "mach-o", Samples.MachO(), "a", null },
        { "java class", [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52], "a.class", null },
        { "msi", Samples.Ole(Samples.MsiClsid), "a.doc", null },
        { "ole named msi", Samples.Ole(), "setup.msi", null },
        { "truncated ole", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "a.doc", null },
        { "shebang", Samples.Text("#!/usr/bin/env python\nprint(1)"), "a.txt", null },
        { "html", Samples.Text("<html><body>hi</body></html>"), "a.txt", null },
        { "svg", Samples.Text("<svg xmlns='http://www.w3.org/2000/svg'/>"), "a.svg", null },
        { "xml", Samples.Text("<?xml version='1.0'?><a/>"), "a.xml", null },
        { "utf-16", [0xFF, 0xFE, (byte)'h', 0, (byte)'i', 0], "a.txt", null },
        { "latin-1", [(byte)'c', (byte)'a', (byte)'f', 0xE9], "a.txt", null },
        { "cut utf-8", [.. Samples.Text("中文"), 0xE4, 0xB8], "a.txt", null },
        { "broken zip", [.. "PK\x03\x04"u8, 1, 2, 3], "a.zip", null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Types_are_decided_by_the_bytes(string sample, byte[] bytes, string name, string? contentType)
    {
        var sniffed = Sniff(bytes, name);

        Assert.True(contentType == sniffed.Kind?.ContentType, $"{sample}: expected {contentType ?? "refused"}, got {sniffed.Kind?.ContentType ?? "refused " + sniffed.Detected}");
    }

    [Fact]
    public void A_zip_directory_past_the_head_and_behind_a_comment_is_found()
    {
        var docx = Samples.Zip(["[Content_Types].xml", .. Enumerable.Range(0, 500).Select(i => $"word/media/image{i}.png")]);

        Assert.Equal(FileTypes.Docx, Sniff(docx, "big.docx").Kind);
    }

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\li\\Desktop\\截图.png", "截图.png")]
    [InlineData("  spaced   out .txt  ", "spaced out .txt")]
    [InlineData("exe\u202Egnp.scr", "exegnp.scr")]
    [InlineData("zero\u200Bwidth.txt", "zerowidth.txt")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("..", null)]
    [InlineData("", null)]
    [InlineData("\u0001\u0002", null)]
    public void Base_names_keep_only_the_last_segment_without_invisible_characters(string sent, string? expected)
    {
        Assert.Equal(expected, FileNames.BaseName(sent));
    }

    [Theory]
    [InlineData("photo.png", "photo.png")]
    [InlineData("PHOTO.PNG", "PHOTO.PNG")]
    [InlineData("photo", "photo.png")]
    [InlineData("photo.exe", "photo.exe.png")]
    [InlineData("photo.jpg", "photo.jpg.png")]
    public void The_stored_name_carries_an_extension_that_fits_the_bytes(string baseName, string stored)
    {
        Assert.Equal(stored, FileNames.ForKind(baseName, FileTypes.Png));
    }

    [Fact]
    public void Long_names_are_cut_between_characters_keeping_the_extension()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 200)) + ".txt";

        var stored = FileNames.ForKind(FileNames.BaseName(name)!, FileTypes.Text);

        Assert.True(stored.Length <= FileNames.MaxLength);
        Assert.EndsWith("😀.txt", stored, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(stored[^5]));
    }
}
