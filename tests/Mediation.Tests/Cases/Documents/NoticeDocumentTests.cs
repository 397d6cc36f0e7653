using System.Net;
using Mediation.Cases.Documents;
using Mediation.Security;
using Microsoft.Extensions.DependencyInjection;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Documents;

/// <summary>
/// The notices a petition's acceptance decision needs (受理告知书, 不予受理告知书): to the petitioner in full, with
/// the decision, its date and (not accepted) its reason and where to turn instead; only for a case that took that
/// decision, and never naming an accuser to a reader outside the unit handling the case.
/// </summary>
public class NoticeDocumentTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    async Task<(Guid Id, string Number)> PetitionAsync(string petitionType = "Claim")
    {
        var filed = (await Api.Post("/api/cases", Requests.Petition(petitionType, "S1"))).ShouldBe(HttpStatusCode.Created);
        return (filed.Id, filed.Body["caseNumber"]!.GetValue<string>());
    }

    async Task<(Guid Id, string Number)> AcceptedAsync(string petitionType = "Claim")
    {
        var petition = await PetitionAsync(petitionType);
        (await Api.Post($"/api/cases/{petition.Id}/accept", new { noticeMethod = "Written", reason = "属本街道职责范围" })).ShouldBe(HttpStatusCode.OK);
        return petition;
    }

    async Task<(Guid Id, string Number)> NotAcceptedAsync()
    {
        var petition = await PetitionAsync();
        (await Api.Post($"/api/cases/{petition.Id}/not-accept", new
        {
            noticeMethod = "Sms", reason = "该事项已由人民法院受理，正在诉讼程序中", referTo = "测试县人民法院",
        })).ShouldBe(HttpStatusCode.OK);
        return petition;
    }

    [Theory]
    [InlineData("docx")]
    [InlineData("pdf")]
    public async Task The_acceptance_notice_names_the_petitioner_in_full_the_matter_and_the_decision(string format)
    {
        var (id, number) = await AcceptedAsync();
        var text = await DocumentFiles.TextAsync(Api, DocumentFiles.Path(id, "acceptance-notice", format));

        text.ShouldContain("信访事项受理告知书");
        text.ShouldContain($"案件编号：{number}");
        text.ShouldContain("信访人：王五");
        text.ShouldContain(Requests.ValidIdNumber);
        text.ShouldContain("申诉求决类信访事项（征地拆迁）：反映征地补偿款未按时发放");
        text.ShouldContain("决定予以受理");
        text.ShouldContain("告知方式：书面");
        // The unit that decided: the street the petition was filed at.
        text.ShouldContain("城关街道");
    }

    [Theory]
    [InlineData("docx")]
    [InlineData("pdf")]
    public async Task The_not_acceptance_notice_gives_the_reason_and_where_to_turn_instead(string format)
    {
        var (id, number) = await NotAcceptedAsync();
        var text = await DocumentFiles.TextAsync(Api, DocumentFiles.Path(id, "not-acceptance-notice", format));

        text.ShouldContain("信访事项不予受理告知书");
        text.ShouldContain($"案件编号：{number}");
        text.ShouldContain("信访人：王五");
        text.ShouldContain(Requests.ValidIdNumber);
        text.ShouldContain("决定不予受理");
        text.ShouldContain("该事项已由人民法院受理，正在诉讼程序中");
        text.ShouldContain("可向测试县人民法院提出");
        text.ShouldContain("请向有权处理的机关、单位提出");
        text.ShouldContain("告知方式：短信");
    }

    [Fact]
    public async Task A_notice_the_case_has_not_is_409_naming_its_state()
    {
        var accepted = await AcceptedAsync();
        var refused = (await Api.Get(DocumentFiles.Path(accepted.Id, "not-acceptance-notice"))).ShouldBe(HttpStatusCode.Conflict);
        refused.Body["state"]!.GetValue<string>().ShouldBe("Accepted");
        refused.Body["detail"]!.GetValue<string>().ShouldContain("was accepted");

        var notAccepted = await NotAcceptedAsync();
        (await Api.Get(DocumentFiles.Path(notAccepted.Id, "acceptance-notice"))).ShouldBe(HttpStatusCode.Conflict)
            .Body["state"]!.GetValue<string>().ShouldBe("NotAccepted");

        var waiting = await PetitionAsync();
        (await Api.Get(DocumentFiles.Path(waiting.Id, "acceptance-notice"))).ShouldBe(HttpStatusCode.Conflict)
            .Body["state"]!.GetValue<string>().ShouldBe("Registered");

        var dispute = (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Get(DocumentFiles.Path(dispute, "acceptance-notice"))).ShouldBe(HttpStatusCode.Conflict)
            .Body["detail"]!.GetValue<string>().ShouldContain("only a petition");
    }

    [Fact]
    public async Task An_unknown_kind_is_400_listing_the_kinds()
    {
        var (id, _) = await AcceptedAsync();
        var refused = (await Api.Get(DocumentFiles.Path(id, "summons"))).ShouldBe(HttpStatusCode.BadRequest);
        var message = refused.Body["errors"]!["kind"]![0]!.GetValue<string>();
        foreach (var kind in new[] { "acceptance-notice", "not-acceptance-notice", "session-record", "agreement" }) message.ShouldContain(kind);
        (await Api.Get(DocumentFiles.Path(id, "acceptance-notice", version: 2))).ShouldBe(HttpStatusCode.BadRequest)
            .Body["errors"]!["version"].ShouldNotBeNull();
    }

    [Fact]
    public async Task An_accusers_notice_names_them_only_inside_the_handling_unit_and_the_log_names_the_kind()
    {
        var (id, _) = await AcceptedAsync("Accusation");
        var inside = await TestUsers.SignedInAsync(service.Host, "notice-supervisor-s1", [Roles.Supervisor], "S1");
        var above = await TestUsers.SignedInAsync(service.Host, "notice-supervisor-c1", [Roles.Supervisor], "C1");
        var auditor = await TestUsers.SignedInAsync(service.Host, "notice-auditor-c1", [Roles.Auditor], "C1");

        (await DocumentFiles.TextAsync(inside, DocumentFiles.Path(id, "acceptance-notice", reason: "送达检举人"))).ShouldContain("信访人：王五");
        foreach (var reader in new[] { above, auditor })
            foreach (var format in new[] { "docx", "pdf" })
            {
                var text = await DocumentFiles.TextAsync(reader, DocumentFiles.Path(id, "acceptance-notice", format, "上级督查"));
                text.ShouldNotContain("王五");
                text.ShouldNotContain(Requests.ValidIdNumber);
                text.ShouldNotContain("13812345678");
                text.ShouldContain("信访人：（依法不予显示）");
            }

        // The copy generated for no reader in particular (what a case file gathers) names no accuser either.
        var store = service.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using var session = store.QuerySession();
        var state = (await session.LoadAsync<Mediation.Cases.MediationCase>(id, TestContext.Current.CancellationToken))!;
        var tree = await service.Host.Services.GetRequiredService<Mediation.Organisation.OrgDirectory>().CurrentAsync(TestContext.Current.CancellationToken);
        var copy = (await CaseDocuments.TextAsync(CaseDocuments.Of(state).Single(), state, tree, store, session, TestContext.Current.CancellationToken))!;
        copy.Lines.Select(l => l.Text).ShouldContain("信访人：（依法不予显示）");
        copy.Lines.ShouldNotContain(l => l.Text.Contains("王五"));

        var log = (await Api.Get($"/api/audit/access-log?caseId={id}&user=notice-supervisor-s1")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        var entry = log.Single(e => e!["action"]!.GetValue<string>() == "GenerateDocument")!;
        entry["reason"]!.GetValue<string>().ShouldBe("送达检举人");
        entry["detail"]!.GetValue<string>().ShouldContain("acceptance-notice as docx");
        entry["detail"]!.GetValue<string>().ShouldNotContain("王五");
    }
}
