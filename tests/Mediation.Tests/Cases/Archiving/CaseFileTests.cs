using System.Net;
using System.Security.Cryptography;
using Mediation.Security;
using Mediation.Tests.Cases.Attachments;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using UglyToad.PdfPig;
using static Mediation.Tests.Cases.Archiving.CaseFiles;

namespace Mediation.Tests.Cases.Archiving;

/// <summary>
/// The case file as one PDF (GET /api/cases/{id}/case-file): a cover, a table of contents naming every document and
/// attachment with the page it starts on, then their pages; a draft for a case not archived; like a document, for
/// the roles that see personal data unmasked, with a reason in the access log.
/// </summary>
public class CaseFileTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    Api Api => service.Api;

    static string Path(Guid id, string reason = "年度卷宗检查") => $"/api/cases/{id}/case-file?reason={Uri.EscapeDataString(reason)}";

    async Task<byte[]> CaseFileAsync(Api api, Guid id, string reason = "年度卷宗检查")
    {
        var answer = await api.Client.GetAsync(Path(id, reason), Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        return await answer.Content.ReadAsByteArrayAsync(Cancellation);
    }

    /// <summary>The table of contents on page 2: each entry's number, title and first page, as printed.</summary>
    static IReadOnlyList<(int Number, string Title, int Page)> Contents(PdfDocument pdf)
    {
        var lines = Lines(pdf.GetPage(2));
        lines[0].Text.ShouldStartWith("卷内目录");
        lines[1].Text.ShouldBe("序号材料名称页号");
        // Columns: the number at the left margin, the title from 112 pt, the page right-aligned at the right margin.
        return lines.Skip(2).Select(line => (
            int.Parse(string.Concat(line.Letters.Where(l => l.StartBaseLine.X < 100).Select(l => l.Value))),
            string.Concat(line.Letters.Where(l => l.StartBaseLine.X is >= 100 and < 470).Select(l => l.Value)),
            int.Parse(string.Concat(line.Letters.Where(l => l.StartBaseLine.X >= 470).Select(l => l.Value))))).ToList();
    }

    [Fact]
    public async Task The_case_file_lists_every_document_and_attachment_in_its_contents_and_holds_their_pages()
    {
        var id = await AgreedAsync(Api);
        await AttachScanAsync(Api, id);
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "现场照片.png", "楼下天花板", ("category", "Evidence")))).ShouldBe(HttpStatusCode.Created);
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Docx, "情况说明.docx"))).ShouldBe(HttpStatusCode.Created);
        await Do(Api, id, "follow-up", new { satisfaction = "Satisfied" });
        await Do(Api, id, "close", new { });
        var fileNumber = (await Do(Api, id, "archive", new { retention = "Long" })).Body["fileNumber"]!.GetValue<string>();
        (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body["intact"]!.GetValue<bool>().ShouldBeTrue();

        using var pdf = PdfDocument.Open(await CaseFileAsync(Api, id));

        var cover = Text(pdf.GetPage(1));
        cover.ShouldContain("东门社区");
        cover.ShouldContain(fileNumber);
        cover.ShouldContain("案号：");
        cover.ShouldContain("案件类型：矛盾纠纷");
        cover.ShouldContain("纠纷类别：邻里");
        cover.ShouldContain("承办单位：东门第一网格");
        cover.ShouldContain("申请人：张三，身份证号码：" + Requests.ValidIdNumber);
        cover.ShouldContain("被申请人：李四");
        cover.ShouldContain("保管期限：长期（30年，至");
        cover.ShouldNotContain("草稿");

        var contents = Contents(pdf);
        contents.Select(c => c.Title).ShouldBe(
            ["调解记录（第1次）", "调解协议书", "附件1：签字协议书.pdf（签字盖章的调解协议书）", "附件2：现场照片.png（证据材料）", "附件3：情况说明.docx"]);
        contents.Select(c => c.Number).ShouldBe([1, 2, 3, 4, 5]);
        // Cover, contents, then each entry from its page on: the documents in the order of their acts (the session, the
        // agreement), the scan's two pages, the photo, the Word file's page.
        contents.Select(c => c.Page).ShouldBe([3, 4, 5, 7, 8]);
        pdf.NumberOfPages.ShouldBe(8);

        Text(pdf.GetPage(3)).ShouldContain("调解记录");
        var agreement = Text(pdf.GetPage(4));
        agreement.ShouldContain("人民调解协议书");
        agreement.ShouldContain("李四向张三赔偿维修费");
        Text(pdf.GetPage(5)).ShouldContain("Signedagreementscan");
        Text(pdf.GetPage(6)).ShouldContain("Pagetwoofthescan");
        Text(pdf.GetPage(7)).ShouldContain("附件2：现场照片.png");
        pdf.GetPage(7).GetImages().Count().ShouldBe(1);
        var word = Text(pdf.GetPage(8));
        word.ShouldContain("附件3：情况说明.docx");
        word.ShouldContain(Convert.ToHexStringLower(SHA256.HashData(Files.Docx)));
        word.ShouldContain($"大小：{Files.Docx.Length:N0}字节");
        word.ShouldContain("原件以电子形式保存");
    }

    [Fact]
    public async Task A_case_not_archived_gets_a_draft_and_a_file_that_cannot_be_read_is_named_on_a_page_of_its_own()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        // Named a PDF and beginning like one, but nothing a reader can open: it is kept, and named in the file.
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "损坏的扫描件.pdf"))).ShouldBe(HttpStatusCode.Created);

        using var pdf = PdfDocument.Open(await CaseFileAsync(Api, id));
        var cover = Text(pdf.GetPage(1));
        cover.ShouldContain("卷宗（草稿，未归档）");
        cover.ShouldContain("尚未归档，无卷宗号");
        Lines(pdf.GetPage(2))[0].Text.ShouldBe("卷内目录（草稿）");
        Contents(pdf).ShouldBe([(1, "附件1：损坏的扫描件.pdf", 3)]);
        var named = Text(pdf.GetPage(3));
        named.ShouldContain(Convert.ToHexStringLower(SHA256.HashData(Files.Pdf)));
        named.ShouldContain("原件以电子形式保存");
        pdf.NumberOfPages.ShouldBe(3);
    }

    [Fact]
    public async Task The_case_file_is_for_the_roles_that_unmask_with_a_reason_written_to_the_access_log()
    {
        var id = await ClosedAsync(Api);
        var clerk = await TestUsers.SignedInAsync(service.Host, "casefile-clerk", [Roles.Clerk], "S1");
        var mediator = await TestUsers.SignedInAsync(service.Host, "casefile-mediator", [Roles.Mediator], "S1");
        var auditor = await TestUsers.SignedInAsync(service.Host, "casefile-auditor", [Roles.Auditor], "S1");
        var outside = await TestUsers.SignedInAsync(service.Host, "casefile-outside", [Roles.Auditor], "S2");
        (await clerk.Get(Path(id))).ShouldBe(HttpStatusCode.Forbidden);
        (await mediator.Get(Path(id))).ShouldBe(HttpStatusCode.Forbidden);
        (await outside.Get(Path(id))).ShouldBe(HttpStatusCode.NotFound);
        (await auditor.Get($"/api/cases/{id}/case-file")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["reason"].ShouldNotBeNull();

        using (var pdf = PdfDocument.Open(await CaseFileAsync(auditor, id, "司法所卷宗评查"))) Text(pdf.GetPage(1)).ShouldContain("张三");
        var log = (await Api.Get($"/api/audit/access-log?caseId={id}&user=casefile-auditor")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        var entry = log.Single(e => e!["action"]!.GetValue<string>() == "GenerateDocument")!;
        entry["reason"]!.GetValue<string>().ShouldBe("司法所卷宗评查");
        entry["detail"]!.GetValue<string>().ShouldContain("case file (draft)");
    }
}
