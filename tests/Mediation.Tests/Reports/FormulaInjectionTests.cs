using System.IO.Compression;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Mediation.CodeTables;
using Mediation.Reports;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Statistics;
using MiniExcelLibs;

namespace Mediation.Tests.Reports;

/// <summary>
/// Text a client wrote (a summary, an assignee, a unit's or a category's name) that a spreadsheet
/// would run as a formula reaches the report files as text: escaped in CSV, a plain value in XLSX.
/// </summary>
public class FormulaInjectionTests(StatisticsFixture service) : IClassFixture<StatisticsFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    Api Api => service.Api;

    /// <summary>
    /// Each starts with a character OWASP lists as starting a formula. The service trims what it
    /// stores, so a leading tab or carriage return arrives as the formula behind it (the writer's own
    /// test below sends those as they are).
    /// </summary>
    static readonly string[] Formulas = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@SUM(1)", "\t=2+2", "\r=3+3"];

    const string Unit = "I1";
    const string UnitName = "=HYPERLINK(\"http://x\",\"unit\")";
    const string CategoryCode = "Injected";
    const string CategoryName = "@SUM(1)";

    async Task SeedAsync()
    {
        if ((await Api.Get($"/api/cases?nodeCode={Unit}&pageSize=1")).Body["total"]!.GetValue<long>() > 0) return;
        (await Api.Put($"/api/org/nodes/{Unit}", new { name = UnitName, level = "Street", parentCode = "C1" })).ShouldBe(HttpStatusCode.Created);
        (await Api.Put($"/api/org/nodes/{Unit}C1", new { name = "社区", level = "Community", parentCode = Unit })).ShouldBe(HttpStatusCode.Created);
        (await Api.Put($"/api/org/nodes/{Unit}C1G1", new { name = "网格", level = "Grid", parentCode = $"{Unit}C1" })).ShouldBe(HttpStatusCode.Created);
        await using (var session = service.Store.LightweightSession())
        {
            session.Store(new Category(CategoryCode, CategoryName, CategoryName, 99));
            await session.SaveChangesAsync(Cancellation);
        }
        foreach (var (formula, i) in Formulas.Select((f, i) => (f, i)))
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Requests.Dispute(Unit, category: i == 0 ? CategoryCode : "Neighbour"), Api.Options))!;
            body["summary"] = formula;
            var id = (await Api.Post("/api/cases", body.ToJsonString())).ShouldBe(HttpStatusCode.Created).Id;
            (await Api.Post($"/api/cases/{id}/assign", new { gridCode = $"{Unit}C1G1", assignee = formula })).ShouldBe(HttpStatusCode.OK);
        }
        await service.CatchUpAsync();
    }

    async Task<byte[]> FileAsync(string path)
    {
        var answer = await Api.Client.GetAsync(path, Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync(Cancellation));
        return await answer.Content.ReadAsByteArrayAsync(Cancellation);
    }

    /// <summary>The fields of an RFC 4180 file, as a spreadsheet splits them.</summary>
    static List<string[]> Records(byte[] file)
    {
        var text = Encoding.UTF8.GetString(file).TrimStart('\uFEFF');
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString()); field.Clear();
                records.Add(fields.ToArray()); fields.Clear();
                i++;
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); records.Add(fields.ToArray()); }
        return records;
    }

    [Fact]
    public async Task Formula_text_in_the_csv_case_list_is_escaped_as_text()
    {
        await SeedAsync();
        var fields = Records(await FileAsync($"/api/reports/cases?nodeCode={Unit}&format=csv")).SelectMany(r => r).ToList();
        foreach (var formula in Formulas.Select(f => f.Trim()))
        {
            fields.ShouldNotContain(formula, $"{Shown(formula)} written as it is");
            // The case list names categories: the injected category's name is the same text as one formula.
            fields.Count(f => f == "'" + formula).ShouldBe(formula == CategoryName ? 3 : 2,
                $"{Shown(formula)} as a summary and as an assignee (and as a category's name), escaped");
        }
        fields.ShouldContain("'" + UnitName, "the unit's name, escaped");
        fields.ShouldNotContain(f => f.Length > 0 && "=+-@\t\r".Contains(f[0]), "a field a spreadsheet would run");
    }

    [Fact]
    public async Task Formula_text_in_the_csv_settlement_report_is_escaped_as_text()
    {
        await SeedAsync();
        var fields = Records(await FileAsync("/api/reports/settlement?from=2020-01-01&to=2029-12-31&nodeCode=C1&format=csv")).SelectMany(r => r).ToList();
        fields.ShouldContain("'" + UnitName, "the unit's name, escaped");
        fields.ShouldContain("'" + CategoryName, "the category's name, escaped");
        fields.ShouldNotContain(f => f.Length > 0 && "=+-@\t\r".Contains(f[0]), "a field a spreadsheet would run");
    }

    [Fact]
    public async Task Formula_text_in_xlsx_files_is_a_plain_value_never_a_formula()
    {
        await SeedAsync();
        foreach (var path in new[] { $"/api/reports/cases?nodeCode={Unit}&format=xlsx", "/api/reports/settlement?from=2020-01-01&to=2029-12-31&nodeCode=C1&format=xlsx" })
        {
            var file = await FileAsync(path);
            using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
            var cells = new List<XElement>();
            foreach (var sheet in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal)))
            {
                await using var xml = sheet.Open();
                var document = await XDocument.LoadAsync(xml, LoadOptions.PreserveWhitespace, Cancellation);
                document.Descendants().Where(e => e.Name.LocalName == "f").ShouldBeEmpty($"{path} {sheet.FullName}: a formula element");
                cells.AddRange(document.Descendants().Where(e => e.Name.LocalName == "c"));
            }
            // The text is the cell's value as it is: a string cell (no formula to evaluate), read back verbatim.
            var values = cells.Select(c => (type: (string?)c.Attribute("t"), value: c.Elements().FirstOrDefault(e => e.Name.LocalName is "v" or "is")?.Value)).ToList();
            var expected = path.Contains("cases") ? Formulas.Select(f => f.Trim()) : [UnitName, CategoryName];
            foreach (var formula in expected)
                values.ShouldContain(v => v.value == formula && (v.type == "str" || v.type == "inlineStr"), $"{path}: {Shown(formula)} as a string value");
            var read = MiniExcel.Query(new MemoryStream(file), useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>()
                .SelectMany(r => r.Values).Select(v => v?.ToString()).ToList();
            read.ShouldContain(expected.First(), $"{path}: read back as the text written");
        }
    }

    [Fact]
    public async Task The_csv_writer_escapes_every_field_that_starts_a_formula()
    {
        string[] cells = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1", "plain", "12.50%"];
        var file = new MemoryStream();
        await ReportFile.WriteAsync(file, ReportFormat.Csv, [new ReportSheet("s", "title", ["a"], [], cells.Select(c => new object?[] { c }).ToAsyncEnumerable())],
            Cancellation);
        var fields = Records(file.ToArray()).Skip(2).Select(r => r[0]).ToList();
        fields.ShouldBe(["'=1+1", "'+1", "'-1", "'@SUM(1)", "'\t=1+1", "'\r=1+1", "plain", "12.50%"]);
    }

    static string Shown(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
