using System.Net;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Documents;

/// <summary>
/// The record of a mediation session (调解记录): when, where, how and by whom it was held, the parties who took
/// part in full, what it came to, and lines for their signatures; the session named by the version of its
/// event, which may be left out only when the case has one session.
/// </summary>
public class SessionRecordDocumentTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    /// <summary>A dispute between 张三 and 李四, assigned to a grid (version 2), with its parties' ids.</summary>
    async Task<(Guid Id, string Number, string Applicant, string Respondent)> AssignedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var filed = (await Api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: now.AddDays(-2)))).ShouldBe(HttpStatusCode.Created);
        (await Api.Post($"/api/cases/{filed.Id}/assign", new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = now.AddDays(-2).AddHours(1) }))
            .ShouldBe(HttpStatusCode.OK);
        var parties = (await Api.Get($"/api/cases/{filed.Id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray();
        string Of(string role) => parties.Single(p => p!["role"]!.GetValue<string>() == role)!["id"]!.GetValue<string>();
        return (filed.Id, filed.Body["caseNumber"]!.GetValue<string>(), Of("Applicant"), Of("Respondent"));
    }

    [Theory]
    [InlineData("docx")]
    [InlineData("pdf")]
    public async Task The_record_of_a_session_names_when_where_who_took_part_and_what_it_came_to(string format)
    {
        var (id, number, applicant, respondent) = await AssignedAsync();
        (await Api.Post($"/api/cases/{id}/sessions", new
        {
            mode = "InPerson", mediators = new[] { "王调解", "李调解" }, heldAt = DateTimeOffset.UtcNow.AddDays(-1), place = "东门社区调解室",
            present = new[] { applicant, respondent }, note = "双方同意由被申请人修复水管，赔偿金额另行协商",
        })).ShouldBe(HttpStatusCode.OK);
        // Where and who are kept in the session's event, which the case's chain and stored case still verify against.
        (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body["intact"]!.GetValue<bool>().ShouldBeTrue();

        // One session: its record needs no version.
        var text = await DocumentFiles.TextAsync(Api, DocumentFiles.Path(id, "session-record", format));
        text.ShouldContain("调解记录");
        text.ShouldContain($"案件编号：{number}");
        text.ShouldContain("地点：东门社区调解室");
        text.ShouldContain("方式：现场");
        text.ShouldContain("调解员：王调解、李调解");
        text.ShouldContain("参加调解的当事人");
        text.ShouldContain("申请人：张三");
        text.ShouldContain(Requests.ValidIdNumber);
        text.ShouldContain("被申请人：李四");
        text.ShouldContain("110105194912310038");
        text.ShouldContain("双方同意由被申请人修复水管，赔偿金额另行协商");
        text.ShouldContain("申请人张三（签名）");
        text.ShouldContain("调解员王调解（签名）");
    }

    [Fact]
    public async Task Several_sessions_need_the_version_of_one_and_a_version_that_is_no_session_is_refused()
    {
        var (id, _, _, _) = await AssignedAsync();
        var first = (await Api.Post($"/api/cases/{id}/sessions", new { mode = "InPerson", mediators = new[] { "王调解" }, note = "第一次：双方各执己见" }))
            .ShouldBe(HttpStatusCode.OK).Version;
        var second = (await Api.Post($"/api/cases/{id}/sessions", new { mode = "Phone", mediators = new[] { "王调解" }, note = "第二次：初步达成共识" }))
            .ShouldBe(HttpStatusCode.OK).Version;

        var unnamed = (await Api.Get(DocumentFiles.Path(id, "session-record"))).ShouldBe(HttpStatusCode.BadRequest);
        var message = unnamed.Body["errors"]!["version"]![0]!.GetValue<string>();
        message.ShouldContain($"{first}, {second}");

        var firstText = await DocumentFiles.TextAsync(Api, DocumentFiles.Path(id, "session-record", version: first));
        firstText.ShouldContain("第一次：双方各执己见");
        firstText.ShouldNotContain("第二次：初步达成共识");
        firstText.ShouldContain("第1次调解");
        var secondText = await DocumentFiles.TextAsync(Api, DocumentFiles.Path(id, "session-record", "pdf", version: second));
        secondText.ShouldContain("第二次：初步达成共识");
        secondText.ShouldContain("方式：电话");
        secondText.ShouldContain("第2次调解");
        // Who took part and where were not recorded: the record lists the case's parties and says so.
        secondText.ShouldContain("地点：（未记录）");
        secondText.ShouldContain("参加调解的当事人：未记录");
        secondText.ShouldContain("申请人：张三");

        // Version 2 is the assignment.
        var notASession = (await Api.Get(DocumentFiles.Path(id, "session-record", version: 2))).ShouldBe(HttpStatusCode.Conflict);
        notASession.Body["detail"]!.GetValue<string>().ShouldContain("CaseAssigned");
        notASession.Body["sessions"]!.AsArray().Select(v => v!.GetValue<long>()).ShouldBe([first, second]);
        (await Api.Get(DocumentFiles.Path(id, "session-record", version: second + 10))).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get($"/api/cases/{id}/documents/session-record?version=x&reason=%E6%89%93%E5%8D%B0%E8%AE%B0%E5%BD%95"))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["version"].ShouldNotBeNull();

        var log = (await Api.Get($"/api/audit/access-log?caseId={id}")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        log.ShouldContain(e => e!["action"]!.GetValue<string>() == "GenerateDocument" && e["detail"]!.GetValue<string>().Contains($"session-record of version {second} as pdf"));
    }

    [Fact]
    public async Task A_case_without_a_session_has_no_record_and_a_session_names_only_parties_of_the_case()
    {
        var (id, _, applicant, _) = await AssignedAsync();
        var refused = (await Api.Get(DocumentFiles.Path(id, "session-record"))).ShouldBe(HttpStatusCode.Conflict);
        refused.Body["state"]!.GetValue<string>().ShouldBe("Assigned");
        refused.Body["detail"]!.GetValue<string>().ShouldContain("no mediation session");

        var stranger = Guid.NewGuid();
        (await Api.Post($"/api/cases/{id}/sessions", new { mode = "InPerson", mediators = new[] { "王调解" }, present = new[] { applicant, stranger.ToString() } }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["present[1]"].ShouldNotBeNull();
    }
}
