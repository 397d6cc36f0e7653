using System.Net;
using Mediation.Security;
using Mediation.Tests.Auditing;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Attachments;

/// <summary>
/// The erasure of a party empties every attachment of its case (a scan may show any party): the rows stay, listed as
/// erased, their content gone from the database and answered 410; audit verify accounts for content an erasure on
/// record removed, and still names content that went without one.
/// </summary>
public class AttachmentErasureTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    Api Api => service.Api;

    async Task<Guid> CaseAsync() => (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;

    async Task<Guid> AttachAsync(Guid caseId, byte[] file, string name) =>
        (await Api.Post($"/api/cases/{caseId}/attachments", Files.Form(file, name))).ShouldBe(HttpStatusCode.Created).Id;

    async Task<Guid> FirstPartyAsync(Guid caseId) =>
        Guid.Parse((await Api.Get($"/api/cases/{caseId}")).Body["parties"]![0]!["id"]!.GetValue<string>());

    async Task EraseAsync(Guid party)
    {
        var admin = await TestUsers.SignedInAsync(service.Host, "erasure-admin", [Roles.Admin], "C1");
        (await admin.Post($"/api/parties/{party}/erase", new { reason = "当事人申请删除个人信息，卷宗保存期限已满" })).ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Per attachment of the case: whether its content is stored, and whether its row is marked erased.</summary>
    async Task<Dictionary<Guid, (bool stored, bool erased)>> RowsAsync(Guid caseId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new Npgsql.NpgsqlCommand(
            "select id, content is not null, erased_at is not null from mediation.case_attachments where case_id = $1", connection)
        {
            Parameters = { new Npgsql.NpgsqlParameter { Value = caseId } },
        };
        var rows = new Dictionary<Guid, (bool, bool)>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation)) rows[reader.GetGuid(0)] = (reader.GetBoolean(1), reader.GetBoolean(2));
        return rows;
    }

    static string Content(Guid caseId, Guid attachmentId) => $"/api/cases/{caseId}/attachments/{attachmentId}?reason={Uri.EscapeDataString("核对删除结果")}";

    [Fact]
    public async Task Erasing_a_party_empties_every_attachment_of_its_case_which_is_listed_as_erased_answered_410_and_verifies_intact()
    {
        var id = await CaseAsync();
        var scan = await AttachAsync(id, Files.Pdf, "身份证复印件.pdf");
        var photo = await AttachAsync(id, Files.Png, "现场照片.png");
        var other = await CaseAsync();
        var kept = await AttachAsync(other, Files.Pdf, "协议书.pdf");
        var auditor = await TestUsers.SignedInAsync(service.Host, "erasure-auditor", [Roles.Auditor], "C1");
        (await auditor.Client.GetAsync(Content(id, scan), Cancellation)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var before = DateTimeOffset.UtcNow;
        await EraseAsync(await FirstPartyAsync(id));

        var rows = await RowsAsync(id);
        rows.Keys.ShouldBe([scan, photo], ignoreOrder: true);
        rows.Values.ShouldAllBe(r => !r.stored && r.erased);
        (await RowsAsync(other))[kept].ShouldBe((true, false));

        var list = (await Api.Get($"/api/cases/{id}/attachments")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        list.Count.ShouldBe(2);
        foreach (var item in list)
        {
            item!["erasedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1));
            // What it was stays listed: its event is under the chain.
            item["sha256"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        }
        list[0]!["fileName"]!.GetValue<string>().ShouldBe("身份证复印件.pdf");
        (await Api.Get($"/api/cases/{other}/attachments")).Body.AsArray().ShouldHaveSingleItem()!["erasedAt"].ShouldBeNull();

        var gone = await auditor.Client.GetAsync(Content(id, scan), Cancellation);
        gone.StatusCode.ShouldBe(HttpStatusCode.Gone);
        gone.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await gone.Content.ReadAsStringAsync(Cancellation)).ShouldContain(scan.ToString());
        (await auditor.Client.GetAsync(Content(other, kept), Cancellation)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var check = (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;
        check["intact"]!.GetValue<bool>().ShouldBeTrue(check.ToJsonString());

        // The case file keeps each emptied attachment's place: a page saying what it was and that its content was erased.
        var file = await auditor.Client.GetAsync($"/api/cases/{id}/case-file?reason={Uri.EscapeDataString("核对删除结果")}", Cancellation);
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(await file.Content.ReadAsByteArrayAsync(Cancellation)))
        {
            var text = string.Concat(pdf.GetPages().Select(Archiving.CaseFiles.Text));
            text.ShouldContain("附件1：身份证复印件.pdf");
            text.ShouldContain("附件2：现场照片.png");
            text.ShouldContain("随当事人个人信息一并删除");
        }

        // The case page shows them erased, with no form to open them.
        await TestUsers.SignedInAsync(service.Host, "erasure-supervisor", [Roles.Supervisor], "S1");
        var cookie = await WorkbenchCookie.SignedInAsync(service.Host, "erasure-supervisor", TestUsers.Password);
        var page = await service.Host.Scenario(s =>
        {
            s.Get.Url($"/workbench/cases/{id}");
            s.WithRequestHeader("Cookie", cookie.Split(';')[0]);
        });
        var html = System.Net.WebUtility.HtmlDecode(await page.ReadAsTextAsync());
        html.ShouldContain("内容已随当事人信息删除");
        html.ShouldNotContain($"action=\"/api/cases/{id}/attachments/{scan}\"");
    }

    [Fact]
    public async Task Content_removed_without_an_erasure_on_record_is_still_named_by_audit_verify()
    {
        var id = await CaseAsync();
        var added = await AttachAsync(id, Files.Pdf, "协议.pdf");
        (await ChainTests.SqlAsync(service.ConnectionString, "update mediation.case_attachments set content = null where id = $1", added)).ShouldBe(1);
        var check = (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;
        ChainTests.Problems(check).ShouldBe([("AttachmentAltered", 2L)]);

        // Marked erased as an erasure would, but no erasure of a party of the case is on record.
        (await ChainTests.SqlAsync(service.ConnectionString, "update mediation.case_attachments set erased_at = now() where id = $1", added)).ShouldBe(1);
        check = (await Api.Get($"/api/cases/{id}/verify")).Body;
        ChainTests.Problems(check).ShouldBe([("AttachmentAltered", 2L)]);
        check["problems"]![0]!["detail"]!.GetValue<string>().ShouldContain("no erasure of a party of the case is on record");

        // An erasure on record accounts for what it emptied, not for content added after it and removed since.
        var erased = await CaseAsync();
        await AttachAsync(erased, Files.Png, "照片.png");
        await EraseAsync(await FirstPartyAsync(erased));
        var later = await AttachAsync(erased, Files.Pdf, "后补材料.pdf");
        (await Api.Get($"/api/cases/{erased}/verify")).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
        (await ChainTests.SqlAsync(service.ConnectionString, "update mediation.case_attachments set content = null, erased_at = now() where id = $1", later))
            .ShouldBe(1);
        ChainTests.Problems((await Api.Get($"/api/cases/{erased}/verify")).Body).ShouldBe([("AttachmentAltered", 3L)]);
    }
}
