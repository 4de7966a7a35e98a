using System.Buffers.Binary;
using System.Text;

namespace Flowdesk.Attachments;

/// <summary>
/// Walks a zip file's central directory and yields the entry names, one at a time, without decompressing
/// anything — so neither a zip bomb nor a directory of a million entries costs memory.
/// (<see cref="System.IO.Compression.ZipArchive"/> would load every entry object at once.)
/// </summary>
static class ZipDirectory
{
    const uint EndOfDirectorySignature = 0x06054b50;
    const uint Zip64LocatorSignature = 0x07064b50;
    const uint Zip64EndSignature = 0x06064b50;
    const uint EntrySignature = 0x02014b50;
    const int EndOfDirectoryLength = 22;

    /// <exception cref="InvalidDataException">The file has no readable central directory.</exception>
    public static IEnumerable<string> EntryNames(Stream zip)
    {
        var (offset, size) = FindDirectory(zip);
        if (offset < 0 || size < 0 || offset + size > zip.Length) throw new InvalidDataException("Central directory out of range.");

        var header = new byte[46];
        var name = new byte[ushort.MaxValue];
        var position = offset;
        var end = offset + size;
        while (position + header.Length <= end)
        {
            zip.Position = position;
            zip.ReadExactly(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != EntrySignature) throw new InvalidDataException("Bad central directory entry.");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
            zip.ReadExactly(name, 0, nameLength);
            yield return Encoding.UTF8.GetString(name, 0, nameLength);
            position += header.Length + nameLength + extraLength + commentLength;
        }
    }

    static (long Offset, long Size) FindDirectory(Stream zip)
    {
        // The end record sits in the last 22 bytes plus at most a 64 KB comment.
        var tailLength = (int)Math.Min(zip.Length, EndOfDirectoryLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        zip.Position = zip.Length - tailLength;
        zip.ReadExactly(tail);
        for (var i = tailLength - EndOfDirectoryLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndOfDirectorySignature) continue;
            var record = tail.AsSpan(i);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
            if (offset != 0xFFFFFFFF && size != 0xFFFFFFFF) return (offset, size);
            return FindZip64Directory(zip, zip.Length - tailLength + i);
        }
        throw new InvalidDataException("No end of central directory record.");
    }

    static (long Offset, long Size) FindZip64Directory(Stream zip, long endRecordAt)
    {
        var locator = new byte[20];
        if (endRecordAt < locator.Length) throw new InvalidDataException("No zip64 locator.");
        zip.Position = endRecordAt - locator.Length;
        zip.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) throw new InvalidDataException("No zip64 locator.");
        var recordAt = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
        if (recordAt < 0 || recordAt + 56 > zip.Length) throw new InvalidDataException("Zip64 record out of range.");
        var record = new byte[56];
        zip.Position = recordAt;
        zip.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature) throw new InvalidDataException("Bad zip64 record.");
        return (BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48)), BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40)));
    }
}
