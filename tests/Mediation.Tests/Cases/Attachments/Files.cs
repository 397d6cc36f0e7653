using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace Mediation.Tests.Cases.Attachments;

/// <summary>Small real files of each kind a case takes, made here, and the upload form that carries one.</summary>
public static class Files
{
    public static byte[] Pdf { get; } = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    /// <summary>A 1×1 transparent PNG.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>The start of a JPEG (SOI, a JFIF APP0 segment) and its end: what a scanner's file begins with.</summary>
    public static byte[] Jpeg { get; } =
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ];

    public static byte[] Docx { get; } = Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"), ("_rels/.rels", "<Relationships/>"));

    /// <summary>A ZIP that is not a Word document (no word/document.xml).</summary>
    public static byte[] PlainZip { get; } = Zip(("[Content_Types].xml", "<Types/>"), ("readme.txt", "hello"));

    public static byte[] Zip(params (string name, string text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        return buffer.ToArray();
    }

    /// <summary>The multipart form of an upload: the file under <c>file</c>, and any other fields.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName, string? description = null, params (string name, string value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (description is not null) form.Add(new StringContent(description), "description");
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }
}
