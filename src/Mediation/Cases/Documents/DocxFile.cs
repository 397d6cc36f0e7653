using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Text = DocumentFormat.OpenXml.Wordprocessing.Text;

namespace Mediation.Cases.Documents;

/// <summary>A document's paragraphs as a Word file (.docx), which county offices edit in Word or WPS.</summary>
public static class DocxFile
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static byte[] Of(IReadOnlyList<(Paragraph Kind, string Text)> lines)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(lines.Select(l => Paragraph(l.Kind, l.Text))));
        }
        return stream.ToArray();
    }

    static DocumentFormat.OpenXml.Wordprocessing.Paragraph Paragraph(Paragraph kind, string text)
    {
        // 宋体 is what every Chinese Word and WPS installation has; the size is in half-points.
        var run = new RunProperties(new RunFonts { EastAsia = "宋体", Ascii = "宋体", HighAnsi = "宋体" });
        if (kind is Documents.Paragraph.Title or Documents.Paragraph.Heading) run.Append(new Bold());
        run.Append(new FontSize { Val = kind == Documents.Paragraph.Title ? "36" : "24" });
        var justification = kind switch
        {
            Documents.Paragraph.Title or Documents.Paragraph.Number => JustificationValues.Center,
            Documents.Paragraph.Right => JustificationValues.Right,
            _ => JustificationValues.Left,
        };
        return new DocumentFormat.OpenXml.Wordprocessing.Paragraph(
            new ParagraphProperties(new Justification { Val = justification }),
            new Run(run, new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
    }
}
