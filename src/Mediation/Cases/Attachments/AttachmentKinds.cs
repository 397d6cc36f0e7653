using System.IO.Compression;

namespace Mediation.Cases.Attachments;

/// <summary>
/// The kinds of file a case takes, each recognised by its first bytes, never by its name: PDF, JPEG,
/// PNG, and DOCX (a ZIP holding a Word document's parts). Pure.
/// </summary>
public static class AttachmentKinds
{
    /// <summary>20 MB, in bytes.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;
    public const int MaxMegabytes = MaxBytes / 1024 / 1024;

    public const string Pdf = "application/pdf", Jpeg = "image/jpeg", Png = "image/png",
        Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public const string Allowed = "PDF, JPEG, PNG, DOCX";

    static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;
    static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    static ReadOnlySpan<byte> ZipMagic => [0x50, 0x4B, 0x03, 0x04];

    // A Word document lists its parts in a few dozen entries; a ZIP of thousands is not one, and is not read through.
    const int MaxZipEntries = 10_000;

    /// <summary>The content type of <paramref name="content"/>, or null when it is none of the allowed kinds.</summary>
    public static string? Of(byte[] content)
    {
        var head = content.AsSpan();
        if (head.StartsWith(PdfMagic)) return Pdf;
        if (head.StartsWith(JpegMagic)) return Jpeg;
        if (head.StartsWith(PngMagic)) return Png;
        if (head.StartsWith(ZipMagic) && IsWordDocument(content)) return Docx;
        return null;
    }

    /// <summary>A ZIP whose directory names the parts every Word document has; only the directory is read, never an entry's content.</summary>
    static bool IsWordDocument(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxZipEntries) return false;
            bool types = false, document = false;
            foreach (var entry in zip.Entries)
            {
                types |= entry.FullName == "[Content_Types].xml";
                document |= entry.FullName == "word/document.xml";
            }
            return types && document;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>The file name's extension for a content type, for a download named without one.</summary>
    public static string Extension(string contentType) => contentType switch
    {
        Pdf => ".pdf",
        Jpeg => ".jpg",
        Png => ".png",
        Docx => ".docx",
        _ => "",
    };
}
