using System.Globalization;
using SkiaSharp;

namespace Mediation.Cases.Documents;

/// <summary>
/// A document's paragraphs as a PDF on A4, drawn with the configured CJK font, which the PDF embeds so that
/// it prints the same on a machine without that font.
/// </summary>
public static class PdfFile
{
    public const string ContentType = "application/pdf";

    /// <summary>A4 in points, and the margin every page keeps.</summary>
    public const float Width = 595, Height = 842, Margin = 64;

    public static byte[] Of(IReadOnlyList<(Paragraph Kind, string Text)> lines, SKTypeface typeface)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            Draw(document, lines, typeface);
            document.Close();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Draws the paragraphs on pages of their own added to <paramref name="document"/>, which embeds the typeface
    /// once however many documents it holds (the case file); returns how many pages they took.
    /// </summary>
    public static int Draw(SKDocument document, IReadOnlyList<(Paragraph Kind, string Text)> lines, SKTypeface typeface)
    {
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var canvas = document.BeginPage(Width, Height);
        var pages = 1;
        var y = Margin;
        foreach (var (kind, text) in lines)
        {
            using var font = new SKFont(typeface, kind == Paragraph.Title ? 18 : kind == Paragraph.Heading ? 13 : 12)
                { Embolden = kind is Paragraph.Title or Paragraph.Heading };
            var lineHeight = font.Size * 1.7f;
            if (kind == Paragraph.Heading) y += font.Size * 0.5f;
            foreach (var line in Wrap(text, font, Width - 2 * Margin))
            {
                if (y + lineHeight > Height - Margin)
                {
                    document.EndPage();
                    canvas = document.BeginPage(Width, Height);
                    pages++;
                    y = Margin;
                }
                y += lineHeight;
                var (x, align) = kind switch
                {
                    Paragraph.Title or Paragraph.Number => (Width / 2, SKTextAlign.Center),
                    Paragraph.Right => (Width - Margin, SKTextAlign.Right),
                    _ => (Margin, SKTextAlign.Left),
                };
                canvas.DrawText(line, x, y, align, font, paint);
            }
        }
        document.EndPage();
        return pages;
    }

    /// <summary>The text cut into lines no wider than the page: Chinese breaks between any two characters.</summary>
    public static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        var line = "";
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = line + elements.GetTextElement();
            if (line.Length > 0 && font.MeasureText(next) > width)
            {
                yield return line;
                line = elements.GetTextElement();
            }
            else line = next;
        }
        if (line.Length > 0) yield return line;
    }
}
