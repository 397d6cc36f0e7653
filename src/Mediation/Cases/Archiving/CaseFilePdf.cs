using System.Globalization;
using Mediation.Cases.Attachments;
using Mediation.Cases.Documents;
using Mediation.Common;
using Mediation.Language;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using SkiaSharp;

namespace Mediation.Cases.Archiving;

/// <summary>An attachment as the case file takes it: what the list says of it, and its bytes.</summary>
public sealed record FiledAttachment(AttachmentItem Item, byte[]? Content);

/// <summary>
/// The case file (卷宗) as one PDF on A4: the cover, the table of contents (卷内目录), then every document and
/// every attachment in order, each starting on a page of its own. An attached PDF's pages come as they are;
/// a photo or scan (JPEG, PNG) is drawn on a page of its own, scaled to fit; a Word file, or a file that cannot
/// be read as what it claims, is a page naming it with its size and SHA-256. The service's own pages are drawn
/// in one document, so the CJK font is embedded once; PDFsharp then imports them and the attached PDFs' pages
/// in order (it copies each source's shared objects, a font or an image, once).
/// </summary>
public static class CaseFilePdf
{
    const float LineHeight = 12 * 1.7f, TitleHeight = 18 * 1.7f + 14;

    /// <summary>How many entries a page of the table of contents holds under its title and column heads.</summary>
    static readonly int EntriesPerPage = (int)((PdfFile.Height - 2 * PdfFile.Margin - TitleHeight - LineHeight) / LineHeight);

    /// <summary>A part of the file: its pages drawn here (from <see cref="Start"/>), or the pages of an attached PDF.</summary>
    sealed record Part(string Title, int Start, int Pages, PdfDocument? Imported);

    /// <summary>An entry of the table of contents: a part's title and the page it starts on.</summary>
    sealed record ContentsEntry(string Title, int Page);

    public static byte[] Of(string title, IReadOnlyList<(Paragraph Kind, string Text)> cover, string contentsTitle,
        IReadOnlyList<DocumentText> documents, IReadOnlyList<FiledAttachment> attachments, SKTypeface typeface)
    {
        var parts = new List<Part>();
        var imported = new List<PdfDocument>();
        try
        {
            using var drawnStream = new MemoryStream();
            int coverPages, contentsStart, contentsPages;
            using (var drawn = SKDocument.CreatePdf(drawnStream))
            {
                var next = coverPages = PdfFile.Draw(drawn, cover, typeface);
                foreach (var document in documents)
                {
                    var pages = PdfFile.Draw(drawn, document.Lines, typeface);
                    parts.Add(new Part(document.Title, next, pages, null));
                    next += pages;
                }
                for (var i = 0; i < attachments.Count; i++)
                {
                    var (item, content) = attachments[i];
                    var name = $"附件{i + 1}：{item.FileName}" + (item.Category is { } category ? $"（{Texts.Zh.Of(category)}）" : "");
                    if (content is null)
                    {
                        // Emptied by an erasure (or missing): the file keeps its place and says what it was.
                        var gone = PdfFile.Draw(drawn, KeptElectronically(name, item), typeface);
                        parts.Add(new Part(name, next, gone, null));
                        next += gone;
                        continue;
                    }
                    if (item.ContentType == AttachmentKinds.Pdf && Open(content) is { } pdf)
                    {
                        imported.Add(pdf);
                        parts.Add(new Part(name, 0, pdf.PageCount, pdf));
                        continue;
                    }
                    var pages = item.ContentType is AttachmentKinds.Jpeg or AttachmentKinds.Png && DrawImage(drawn, content, name, typeface)
                        ? 1
                        : PdfFile.Draw(drawn, KeptElectronically(name, item), typeface);
                    parts.Add(new Part(name, next, pages, null));
                    next += pages;
                }

                // The contents come second but are drawn last, once every part's length is known; how many pages they
                // take depends only on how many entries there are.
                contentsStart = next;
                contentsPages = Math.Max(1, (parts.Count + EntriesPerPage - 1) / EntriesPerPage);
                var contents = new List<ContentsEntry>();
                var page = coverPages + contentsPages + 1;
                foreach (var part in parts)
                {
                    contents.Add(new ContentsEntry(part.Title, page));
                    page += part.Pages;
                }
                DrawContents(drawn, contentsTitle, contents, typeface);
                drawn.Close();
            }

            using var own = PdfReader.Open(new MemoryStream(drawnStream.ToArray()), PdfDocumentOpenMode.Import);
            using var file = new PdfDocument();
            file.Info.Title = title;
            void Add(PdfDocument from, int start, int count)
            {
                for (var i = start; i < start + count; i++) file.AddPage(from.Pages[i]);
            }
            Add(own, 0, coverPages);
            Add(own, contentsStart, contentsPages);
            foreach (var part in parts)
            {
                var first = file.PageCount;
                Add(part.Imported ?? own, part.Start, part.Pages);
                file.Outlines.Add(part.Title, file.Pages[first]);
            }
            using var result = new MemoryStream();
            file.Save(result);
            return result.ToArray();
        }
        finally
        {
            foreach (var pdf in imported) pdf.Dispose();
        }
    }

    /// <summary>An attached PDF opened to take its pages; null when it cannot be read or has none (it is then named on a page of its own).</summary>
    static PdfDocument? Open(byte[] content)
    {
        try
        {
            var pdf = PdfReader.Open(new MemoryStream(content, writable: false), PdfDocumentOpenMode.Import);
            if (pdf.PageCount > 0) return pdf;
            pdf.Dispose();
            return null;
        }
        // A file someone uploaded may be broken, encrypted or of a PDF dialect the reader does not take, each failing its own way.
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>The page an attachment gets when its content is not printed here: what it is, and that the original is kept.</summary>
    static IReadOnlyList<(Paragraph, string)> KeptElectronically(string name, AttachmentItem item) =>
    [
        (Paragraph.Heading, name),
        (Paragraph.Body, $"文件名：{item.FileName}"),
        (Paragraph.Body, $"类型：{item.ContentType}"),
        (Paragraph.Body, $"大小：{item.Size.ToString("N0", CultureInfo.InvariantCulture)} 字节"),
        (Paragraph.Body, $"SHA-256：{item.Sha256}"),
        .. item.Description is { Length: > 0 } description ? [(Paragraph.Body, $"说明：{description}")] : Array.Empty<(Paragraph, string)>(),
        (Paragraph.Body, item.ErasedAt is { } erased
            ? $"此附件的内容已于{ChinaStandardTime.DateOf(erased):yyyy年M月d日}随当事人个人信息一并删除，上列为其原有信息。"
            : "此附件的内容未印入卷宗；原件以电子形式保存于本系统，可按上列 SHA-256 核对。"),
    ];

    /// <summary>A photo or scan on a page of its own under its name, scaled to fit; false when the bytes do not decode as an image.</summary>
    static bool DrawImage(SKDocument document, byte[] content, string name, SKTypeface typeface)
    {
        using var image = SKImage.FromEncodedData(content);
        if (image is null) return false;
        var canvas = document.BeginPage(PdfFile.Width, PdfFile.Height);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont(typeface, 12);
        var caption = PdfFile.Wrap(name, font, PdfFile.Width - 2 * PdfFile.Margin).First();
        canvas.DrawText(caption, PdfFile.Margin, PdfFile.Margin + LineHeight, SKTextAlign.Left, font, paint);
        var top = PdfFile.Margin + 2 * LineHeight;
        var (width, height) = (PdfFile.Width - 2 * PdfFile.Margin, PdfFile.Height - PdfFile.Margin - top);
        var scale = Math.Min(width / image.Width, height / image.Height);
        canvas.DrawImage(image, SKRect.Create(PdfFile.Margin + (width - image.Width * scale) / 2, top, image.Width * scale, image.Height * scale),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        document.EndPage();
        return true;
    }

    /// <summary>卷内目录: number, title and first page of each entry, as many pages as the entries need.</summary>
    static void DrawContents(SKDocument document, string title, IReadOnlyList<ContentsEntry> contents, SKTypeface typeface)
    {
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var heading = new SKFont(typeface, 18) { Embolden = true };
        using var font = new SKFont(typeface, 12);
        const float number = PdfFile.Margin, name = PdfFile.Margin + 48, page = PdfFile.Width - PdfFile.Margin;
        var nameWidth = page - name - 64;
        var pageCount = Math.Max(1, (contents.Count + EntriesPerPage - 1) / EntriesPerPage);
        for (var p = 0; p < pageCount; p++)
        {
            var canvas = document.BeginPage(PdfFile.Width, PdfFile.Height);
            var y = PdfFile.Margin + 18 * 1.7f;
            canvas.DrawText(p == 0 ? title : $"{title}（续）", PdfFile.Width / 2, y, SKTextAlign.Center, heading, paint);
            y += TitleHeight - 18 * 1.7f + LineHeight;
            canvas.DrawText("序号", number, y, SKTextAlign.Left, font, paint);
            canvas.DrawText("材料名称", name, y, SKTextAlign.Left, font, paint);
            canvas.DrawText("页号", page, y, SKTextAlign.Right, font, paint);
            for (var i = p * EntriesPerPage; i < Math.Min(contents.Count, (p + 1) * EntriesPerPage); i++)
            {
                y += LineHeight;
                var entry = contents[i];
                var lines = PdfFile.Wrap(entry.Title, font, nameWidth).ToList();
                canvas.DrawText((i + 1).ToString(CultureInfo.InvariantCulture), number, y, SKTextAlign.Left, font, paint);
                canvas.DrawText(lines.Count == 1 ? lines[0] : lines[0][..^1] + "…", name, y, SKTextAlign.Left, font, paint);
                canvas.DrawText(entry.Page.ToString(CultureInfo.InvariantCulture), page, y, SKTextAlign.Right, font, paint);
            }
            document.EndPage();
        }
    }
}
