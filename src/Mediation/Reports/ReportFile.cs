using System.Runtime.CompilerServices;
using CsvHelper;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Mediation.Reports;

public enum ReportFormat { Xlsx, Csv }

/// <summary>How a column's numbers are shown: as they are, as a percentage, or as money.</summary>
public enum ColumnKind { Plain, Rate, Amount }

/// <summary>
/// One sheet of a report: a title row, a header row, then the rows. Rows are produced as they are
/// written, so a sheet of a hundred thousand cases never sits in memory whole.
/// </summary>
public sealed record ReportSheet(string Name, string Title, IReadOnlyList<string> Header, IReadOnlyList<ColumnKind> Kinds, IAsyncEnumerable<object?[]> Rows);

/// <summary>
/// Writes report sheets as XLSX (MiniExcel, streaming) or CSV (CsvHelper, UTF-8 with a byte-order
/// mark so that Excel reads the Chinese correctly; several sheets follow one another, a blank line
/// between). A rate without a denominator is written as "—". Rows are pulled asynchronously and the
/// caller's cancellation stops the writing and whatever produces the rows.
/// </summary>
public static class ReportFile
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvType = "text/csv";

    public static string ContentType(ReportFormat format) => format == ReportFormat.Xlsx ? XlsxType : CsvType + "; charset=utf-8";

    public static string Extension(ReportFormat format) => format == ReportFormat.Xlsx ? "xlsx" : "csv";

    public static ReportFormat? Parse(string? text) => text switch
    {
        null or "" or "xlsx" => ReportFormat.Xlsx,
        "csv" => ReportFormat.Csv,
        _ => null,
    };

    public const string FormatText = "The file: xlsx (the default) or csv (UTF-8 with a byte-order mark).";
    public const string LanguageText = "The words of the file: zh (the default) or en.";

    /// <summary>The <c>format</c> (xlsx, the default, or csv) and <c>lang</c> (zh, the default, or en) of a report request.</summary>
    public static (ReportFormat format, ReportLanguage language, ProblemDetails? problem) ParseRequest(string? formatText, string? languageText)
    {
        var format = Parse(formatText);
        var language = ReportLanguage.Parse(languageText);
        var check = new Validation()
            .Require(format is not null, "format", FieldMessage.Either("xlsx", "csv"))
            .Require(language is not null, "lang", FieldMessage.Either("zh", "en"));
        return check.IsValid ? (format!.Value, language!, null) : (default, ReportLanguage.Chinese, check.Result());
    }

    /// <summary>
    /// The answer of a report endpoint. CSV goes to the client as it is written. MiniExcel writes an
    /// XLSX's rows asynchronously, but the zip container around them writes its entry headers and
    /// directory synchronously, which a response body refuses: the workbook goes to a temporary file
    /// first (local disk, written as it is produced), and the file is sent from there.
    /// </summary>
    public static async Task<IResult> AnswerAsync(ReportFormat format, string fileName, IReadOnlyList<ReportSheet> sheets, CancellationToken cancellation)
    {
        if (format == ReportFormat.Csv)
            return Results.Stream(body => WriteCsvAsync(body, sheets, cancellation), ContentType(format), fileName);
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await WriteXlsxAsync(file, sheets, cancellation);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return Results.File(stream, ContentType(format), fileName);
    }

    /// <summary>
    /// Writes the sheets to a file or memory. XLSX needs a stream that takes synchronous writes as well,
    /// which a response body does not (see <see cref="AnswerAsync"/>).
    /// </summary>
    public static Task WriteAsync(Stream stream, ReportFormat format, IReadOnlyList<ReportSheet> sheets, CancellationToken cancellation) =>
        format == ReportFormat.Xlsx ? WriteXlsxAsync(stream, sheets, cancellation) : WriteCsvAsync(stream, sheets, cancellation);

    static string Column(int index) => index < 26 ? ((char)('A' + index)).ToString() : Column(index / 26 - 1) + (char)('A' + index % 26);

    static async Task WriteXlsxAsync(Stream stream, IReadOnlyList<ReportSheet> sheets, CancellationToken cancellation)
    {
        var width = sheets.Max(s => s.Header.Count);
        var columns = new List<DynamicExcelColumn>();
        for (var i = 0; i < width; i++)
        {
            // A column is a rate or an amount in every sheet that has it (the layouts are built that way).
            var kind = sheets.Select(s => i < s.Kinds.Count ? s.Kinds[i] : ColumnKind.Plain).FirstOrDefault(k => k != ColumnKind.Plain);
            columns.Add(new DynamicExcelColumn(Column(i))
            {
                Width = i == 0 ? 28 : 14,
                Format = kind switch { ColumnKind.Rate => "0.00%", ColumnKind.Amount => "#,##0.00", _ => null },
            });
        }
        var configuration = new OpenXmlConfiguration { DynamicColumns = columns.ToArray(), FastMode = false };
        var book = new Dictionary<string, object>();
        foreach (var sheet in sheets) book[sheet.Name] = Rows(sheet, width, cancellation);
        await MiniExcel.SaveAsAsync(stream, book, printHeader: false, excelType: ExcelType.XLSX, configuration: configuration, cancellationToken: cancellation);
    }

    static async IAsyncEnumerable<IDictionary<string, object?>> Rows(ReportSheet sheet, int width, [EnumeratorCancellation] CancellationToken cancellation)
    {
        IDictionary<string, object?> Row(IReadOnlyList<object?> cells)
        {
            var row = new Dictionary<string, object?>(width);
            for (var i = 0; i < width; i++) row[Column(i)] = i < cells.Count ? Cell(cells[i]) : null;
            return row;
        }
        yield return Row([sheet.Title]);
        yield return Row(sheet.Header.Cast<object?>().ToList());
        await foreach (var cells in sheet.Rows.WithCancellation(cancellation)) yield return Row(cells);
    }

    static object? Cell(object? value) => value switch
    {
        double d when double.IsNaN(d) => ReportLanguage.NoRate,
        _ => value,
    };

    /// <summary>
    /// A field that starts with = + - @, a tab or a carriage return is a formula to a spreadsheet: a
    /// summary such as <c>=HYPERLINK(...)</c> would run when a supervisor opens the file. Such fields get
    /// a leading apostrophe (and quotes), which Excel and WPS read as "this cell is text".
    /// </summary>
    static readonly CsvWriterOptions CsvOptions = new() { HasHeader = false, Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    static async Task WriteCsvAsync(Stream stream, IReadOnlyList<ReportSheet> sheets, CancellationToken cancellation)
    {
        await using var csv = CsvWriter.Create(stream, CsvOptions, leaveOpen: true);
        // RFC 4180: every record has the same number of fields, so shorter rows are padded.
        var width = sheets.Max(s => s.Header.Count);
        string[] Padded(IEnumerable<string> fields)
        {
            var record = new string[width];
            var i = 0;
            foreach (var field in fields) record[i++] = field;
            for (; i < width; i++) record[i] = "";
            return record;
        }
        var first = true;
        foreach (var sheet in sheets)
        {
            if (!first) await csv.WriteRecordAsync(Padded([]), cancellation);
            first = false;
            await csv.WriteRecordAsync(Padded([sheet.Title]), cancellation);
            await csv.WriteRecordAsync(Padded(sheet.Header), cancellation);
            await foreach (var cells in sheet.Rows.WithCancellation(cancellation))
                await csv.WriteRecordAsync(Padded(cells.Select((cell, i) => CsvText(cell, i < sheet.Kinds.Count ? sheet.Kinds[i] : ColumnKind.Plain))), cancellation);
        }
        await csv.FlushAsync(cancellation);
    }

    /// <summary>As a person reads it: rates as percentages with two decimals, amounts with two decimals.</summary>
    public static string CsvText(object? cell, ColumnKind kind) => cell switch
    {
        null => "",
        double d when double.IsNaN(d) => ReportLanguage.NoRate,
        double d when kind == ColumnKind.Rate => (d * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%",
        decimal m when kind == ColumnKind.Amount => m.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
