using System.Net;
using System.Text.RegularExpressions;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Documents;

/// <summary>
/// The agreement as a document (GET /api/cases/{id}/documents/agreement): the parties in full, the terms, and
/// a number per committee and year that stays the same on every generation; only for the roles that see
/// personal data unmasked, with a reason written to the access log.
/// </summary>
public class AgreementDocumentTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    Api Api => service.Api;

    static string Path(Guid id, string reason = "打印协议书送达当事人", string kind = "agreement", string format = "docx") =>
        DocumentFiles.Path(id, kind, format, reason);

    /// <summary>A dispute between 张三 and 李四 resolved with a written two-term agreement.</summary>
    async Task<Guid> AgreedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: now.AddDays(-2)))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = now.AddDays(-2).AddHours(1) }))
            .ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 2000m, occurredAt = now.AddDays(-1) }))
            .ShouldBe(HttpStatusCode.OK);
        var parties = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray();
        string Of(string role) => parties.Single(p => p!["role"]!.GetValue<string>() == role)!["id"]!.GetValue<string>();
        (await Api.Put($"/api/cases/{id}/agreement", new
        {
            occurredAt = now.AddHours(-1),
            form = "Written",
            facts = "楼上漏水致楼下天花板受损",
            positions = "申请人要求赔偿维修费",
            terms = new object[]
            {
                new { obligor = Of("Respondent"), obligee = Of("Applicant"), content = "赔偿维修费", amount = 2000m, dueAt = now.AddDays(20), place = "社区调委会", manner = "现金" },
                new { obligor = Of("Applicant"), obligee = Of("Respondent"), content = "配合进入房屋维修水管", dueAt = now.AddDays(30) },
            },
            mediators = new[] { "王调解" },
        })).ShouldBe(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task A_document_generated_after_a_party_is_erased_shows_none_of_their_data()
    {
        var id = await AgreedAsync();
        var parties = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray();
        var respondent = parties.Single(p => p!["role"]!.GetValue<string>() == "Respondent")!["id"]!.GetValue<string>();
        (await Api.Post($"/api/parties/{respondent}/erase", new { reason = "当事人申请删除个人信息，卷宗保存期限已满" })).ShouldBe(HttpStatusCode.OK);

        var text = await DocxTextAsync(Api, id);
        text.ShouldNotContain("李四");
        text.ShouldNotContain("110105194912310038");
        text.ShouldContain("被申请人：（个人信息已删除）");
        text.ShouldContain("申请人：张三");
    }

    [Fact]
    public async Task Without_a_font_a_pdf_is_503_naming_the_setting_and_a_word_document_still_comes()
    {
        await using var host = await Alba.AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", service.ConnectionString)
            .WithTestUsers().UseSetting("Mediation:Documents:FontFile", "/nonexistent/font.ttc"));
        var api = await TestUsers.SignedInAsync(host);
        var id = await AgreedAsync();
        var answer = (await api.Get(Path(id, format: "pdf"))).ShouldBe(HttpStatusCode.ServiceUnavailable);
        answer.Body["detail"]!.GetValue<string>().ShouldContain("Mediation:Documents:FontFile");
        answer.Body["detail"]!.GetValue<string>().ShouldContain("apt-get install fonts-wqy-microhei");
        (await DocxTextAsync(api, id)).ShouldContain("张三");
    }

    static Task<string> DocxTextAsync(Api api, Guid id, string reason = "打印协议书送达当事人") => DocumentFiles.TextAsync(api, Path(id, reason));

    static int NumberIn(string text) => int.Parse(Regex.Match(text, @"（\d{4}）\S+人调字第(\d+)号").Groups[1].Value);

    [Fact]
    public async Task The_agreement_as_docx_names_the_parties_in_full_and_its_terms_under_a_number_that_stays()
    {
        var id = await AgreedAsync();
        var text = await DocxTextAsync(Api, id);

        text.ShouldContain("人民调解协议书");
        // Handled at a grid, the case's committee is its community's.
        text.ShouldMatch($@"（{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year}）东门社区人调字第\d+号");
        text.ShouldContain("申请人：张三");
        text.ShouldContain(Requests.ValidIdNumber);
        text.ShouldContain("被申请人：李四");
        text.ShouldContain("李四向张三赔偿维修费，金额人民币2000元");
        text.ShouldContain("张三向李四配合进入房屋维修水管");
        text.ShouldContain("楼上漏水致楼下天花板受损");
        text.ShouldContain("人民调解员王调解：未签名");
        (await DocxTextAsync(Api, id)).ShouldContain($"人调字第{NumberIn(text)}号");
    }

    [Fact]
    public async Task The_agreement_as_pdf_embeds_its_chinese_font_and_reads_back_as_the_same_text_and_number()
    {
        var id = await AgreedAsync();
        var number = NumberIn(await DocxTextAsync(Api, id));
        var answer = await Api.Client.GetAsync(Path(id, format: "pdf"), Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var bytes = await answer.Content.ReadAsByteArrayAsync(Cancellation);

        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        var pages = pdf.GetPages().ToList();
        // Lines are read back as drawn; the words of one line may come apart, so spaces are not compared.
        var text = string.Concat(pages.Select(p => p.Text)).Replace(" ", "");
        text.ShouldContain($"人调字第{number}号");
        text.ShouldContain("申请人：张三");
        text.ShouldContain("被申请人：李四");
        text.ShouldContain("赔偿维修费");
        text.ShouldContain("配合进入房屋维修水管");
        // The glyphs travel with the file: a font program is embedded, not only named.
        System.Text.Encoding.Latin1.GetString(bytes).ShouldMatch("/FontFile[23]?");
    }

    [Fact]
    public async Task The_next_agreement_of_the_same_committee_and_year_gets_the_next_number()
    {
        var first = NumberIn(await DocxTextAsync(Api, await AgreedAsync()));
        NumberIn(await DocxTextAsync(Api, await AgreedAsync())).ShouldBe(first + 1);
    }

    [Fact]
    public async Task A_document_needs_a_reason_a_known_kind_and_format_and_an_agreement()
    {
        var id = await AgreedAsync();
        (await Api.Get($"/api/cases/{id}/documents/agreement?format=docx")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["reason"].ShouldNotBeNull();
        (await Api.Get(Path(id, kind: "mediation-record"))).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["kind"].ShouldNotBeNull();
        (await Api.Get(Path(id, format: "odt"))).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["format"].ShouldNotBeNull();
        var filed = (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Get(Path(filed))).ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_masked_role_gets_no_document_and_each_generation_is_logged_with_its_reason()
    {
        var id = await AgreedAsync();
        var clerk = await TestUsers.SignedInAsync(service.Host, "document-clerk", [Roles.Clerk], "S1");
        var mediator = await TestUsers.SignedInAsync(service.Host, "document-mediator", [Roles.Mediator], "S1");
        var supervisor = await TestUsers.SignedInAsync(service.Host, "document-supervisor", [Roles.Supervisor], "S1");
        (await clerk.Get(Path(id))).ShouldBe(HttpStatusCode.Forbidden);
        (await mediator.Get(Path(id))).ShouldBe(HttpStatusCode.Forbidden);

        (await DocxTextAsync(supervisor, id, "送达被申请人")).ShouldContain("李四");

        var log = (await Api.Get($"/api/audit/access-log?caseId={id}&user=document-supervisor")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        var entry = log.Single(e => e!["action"]!.GetValue<string>() == "GenerateDocument")!;
        entry["reason"]!.GetValue<string>().ShouldBe("送达被申请人");
        entry["detail"]!.GetValue<string>().ShouldNotContain("李四");
    }
}
