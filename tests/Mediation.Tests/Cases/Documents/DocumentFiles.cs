using System.Net;
using DocumentFormat.OpenXml.Packaging;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Documents;

/// <summary>Case documents as a client receives them, read back: a Word file's paragraphs with the OpenXml SDK, a PDF's text with PdfPig.</summary>
public static class DocumentFiles
{
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static string Path(Guid id, string kind, string format = "docx", string reason = "打印文书送达当事人", long? version = null) =>
        $"/api/cases/{id}/documents/{kind}?format={format}&reason={Uri.EscapeDataString(reason)}{(version is { } v ? $"&version={v}" : "")}";

    /// <summary>The text of the document at <paramref name="path"/>: a Word file's paragraphs one a line; a PDF's text without spaces.</summary>
    public static async Task<string> TextAsync(Api api, string path)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var answer = await api.Client.GetAsync(path, cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync(cancellation));
        var bytes = await answer.Content.ReadAsByteArrayAsync(cancellation);
        if (answer.Content.Headers.ContentType!.MediaType == "application/pdf")
        {
            using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
            // Lines are read back as drawn; the words of one line may come apart, so spaces are not compared.
            return string.Concat(pdf.GetPages().Select(p => p.Text)).Replace(" ", "");
        }
        answer.Content.Headers.ContentType!.MediaType.ShouldBe(Docx);
        using var stream = new MemoryStream(bytes);
        using var document = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", document.MainDocumentPart!.Document!.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
    }
}
