using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases;

/// <summary>The full life of each kind of case, over HTTP against PostgreSQL.</summary>
public class LifecycleTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    async Task<Api.Answer> Do(Guid id, string action, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await Api.Post($"/api/cases/{id}/{action}", body)).ShouldBe(expected);

    async Task<JsonNode> Case(Guid id) => (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;

    [Fact]
    public async Task A_dispute_climbs_from_grid_to_county_and_is_settled_there()
    {
        var filed = (await Api.Post("/api/cases", Requests.Dispute("S1C1G1"))).ShouldBe(HttpStatusCode.Created);
        var id = filed.Id;
        filed.Response.Headers.Location!.ToString().ShouldBe($"/api/cases/{id}");
        filed.Body["caseNumber"]!.GetValue<string>().ShouldMatch(@"^\d{4}-\d{6}$");
        filed.ETag.ShouldBe("\"1\"");

        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["level"]!.GetValue<string>(), c["handlingNodeCode"]!.GetValue<string>())
            .ShouldBe(("Registered", "Grid", "S1C1G1"));

        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李" });
        await Do(id, "sessions", new { mode = "InPerson", mediators = new[] { "小李" }, note = "首次调解未果" });
        await Do(id, "escalate", new { reason = "MediationFailed", note = "双方分歧较大" });
        await Do(id, "escalate", new { reason = "HighRisk" });
        var last = await Do(id, "escalate", new { reason = "GroupCase" });
        last.Version.ShouldBe(6);

        c = await Case(id);
        (c["status"]!.GetValue<string>(), c["level"]!.GetValue<string>(), c["handlingNodeCode"]!.GetValue<string>(), c["nodeCode"]!.GetValue<string>())
            .ShouldBe(("Assigned", "County", "C1", "S1C1G1"));
        (await Do(id, "escalate", new { reason = "GroupCase" }, HttpStatusCode.Conflict)).Body["state"]!.GetValue<string>().ShouldBe("Assigned");

        await Do(id, "sessions", new { mode = "Video", mediators = new[] { "县矛调中心老张", "律师小王" } });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 56000.00m, performanceDueAt = DateTimeOffset.UtcNow.AddDays(30) });
        await Do(id, "performance", new { result = "Partial" });
        await Do(id, "performance", new { result = "Full" });
        await Do(id, "follow-up", new { satisfaction = "BasicallySatisfied", note = "基本满意" });
        var closed = await Do(id, "close", new { });
        closed.Version.ShouldBe(12);

        c = await Case(id);
        c["status"]!.GetValue<string>().ShouldBe("Closed");
        c["outcome"]!.GetValue<string>().ShouldBe("AgreementReached");
        c["resolvedLevel"]!.GetValue<string>().ShouldBe("County");
        c["satisfaction"]!.GetValue<string>().ShouldBe("BasicallySatisfied");
        c["performance"]!.GetValue<string>().ShouldBe("Full");
        c["amount"]!.GetValue<decimal>().ShouldBe(56000m);
        c["version"]!.GetValue<long>().ShouldBe(12);

        var history = (await Api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        history.Select(e => e!["type"]!.GetValue<string>()).ShouldBe([
            "CaseFiled", "CaseAssigned", "MediationSessionHeld", "CaseEscalated", "CaseEscalated", "CaseEscalated",
            "MediationSessionHeld", "CaseResolved", "PerformanceRecorded", "PerformanceRecorded", "FollowUpRecorded", "CaseClosed"]);
        history.Select(e => e!["version"]!.GetValue<long>()).ShouldBe(Enumerable.Range(1, 12).Select(v => (long)v));
        history.ShouldAllBe(e => e!["recordedBy"]!.GetValue<string>().Length > 0 && e["recordedAt"] != null && e["occurredAt"] != null);
    }

    [Fact]
    public async Task A_dispute_sent_back_returns_to_where_it_was_escalated_from()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "S1C1G2", assignee = "网格员小陈" });
        await Do(id, "escalate", new { reason = "PartyRefused" });
        (await Case(id))["handlingNodeCode"]!.GetValue<string>().ShouldBe("S1C1");
        await Do(id, "send-back", new { note = "请网格继续跟进" });
        var c = await Case(id);
        (c["handlingNodeCode"]!.GetValue<string>(), c["level"]!.GetValue<string>(), c["assignee"]!.GetValue<string>()).ShouldBe(("S1C1G2", "Grid", "网格员小陈"));
        (await Do(id, "send-back", new { }, HttpStatusCode.Conflict)).Body["command"]!.GetValue<string>().ShouldBe("send back");
    }

    [Fact]
    public async Task A_petition_is_accepted_answered_with_an_opinion_reviewed_and_then_final()
    {
        var id = (await Api.Post("/api/cases", Requests.Petition())).ShouldBe(HttpStatusCode.Created).Id;
        var c = await Case(id);
        var registeredDue = c["dueAt"]!.GetValue<DateTimeOffset>();
        (registeredDue - c["receivedAt"]!.GetValue<DateTimeOffset>()).ShouldBe(TimeSpan.FromDays(15));

        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "甲" }, HttpStatusCode.Conflict);
        await Do(id, "accept", new { noticeMethod = "Written" });
        c = await Case(id);
        c["status"]!.GetValue<string>().ShouldBe("Accepted");
        (c["dueAt"]!.GetValue<DateTimeOffset>() - c["acceptedAt"]!.GetValue<DateTimeOffset>()).ShouldBe(TimeSpan.FromDays(60));

        await Do(id, "extend-deadline", new { days = 30, approver = "信访局局长", reason = "情况复杂" });
        await Do(id, "extend-deadline", new { days = 1, approver = "信访局局长", reason = "再延" }, HttpStatusCode.Conflict);
        await Do(id, "resolve", new { opinion = "Explain", note = "做好解释工作" });
        c = await Case(id);
        (c["status"]!.GetValue<string>(), c["outcome"]!.GetValue<string>(), c["opinion"]!.GetValue<string>()).ShouldBe(("Resolved", "OpinionIssued", "Explain"));

        await Do(id, "review", new { reason = "对答复意见不服，申请复查" });
        c = await Case(id);
        (c["status"]!.GetValue<string>(), c["reviewStage"]!.GetValue<string>(), c["handlingNodeCode"]!.GetValue<string>()).ShouldBe(("Assigned", "Review", "C1"));
        await Do(id, "resolve", new { outcome = "OpinionIssued", opinion = "NotSupport" });
        await Do(id, "review", new { reason = "申请复核" });
        await Do(id, "resolve", new { opinion = "NotSupport" });
        await Do(id, "close", new { });
        var refused = await Do(id, "review", new { reason = "再次申请" }, HttpStatusCode.Conflict);
        refused.Body["detail"]!.GetValue<string>().ShouldContain("final");
        await Do(id, "reopen", new { reason = "again" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_petition_not_accepted_is_finished_with_its_reason()
    {
        var id = (await Api.Post("/api/cases", Requests.Petition("Suggestion"))).ShouldBe(HttpStatusCode.Created).Id;
        (await Do(id, "not-accept", new { noticeMethod = "Written" }, HttpStatusCode.BadRequest)).Body["errors"]!["reason"].ShouldNotBeNull();
        await Do(id, "not-accept", new { noticeMethod = "Written", reason = "已经或者依法应当通过诉讼途径解决" });
        (await Case(id))["status"]!.GetValue<string>().ShouldBe("NotAccepted");
        await Do(id, "supervise", new { kind = "Reminder" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_help_request_is_done_at_its_grid_and_followed_up()
    {
        var id = (await Api.Post("/api/cases", Requests.HelpRequest())).ShouldBe(HttpStatusCode.Created).Id;
        var c = await Case(id);
        (c["dueAt"]!.GetValue<DateTimeOffset>() - c["receivedAt"]!.GetValue<DateTimeOffset>()).ShouldBe(TimeSpan.FromDays(7));
        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李" });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Oral" }, HttpStatusCode.BadRequest);
        await Do(id, "resolve", new { outcome = "Done", note = "已陪同就医" });
        await Do(id, "follow-up", new { satisfaction = "Satisfied" });
        await Do(id, "close", new { });
        c = await Case(id);
        (c["status"]!.GetValue<string>(), c["outcome"]!.GetValue<string>(), c["resolvedLevel"]!.GetValue<string>()).ShouldBe(("Closed", "Done", "Grid"));
    }

    [Fact]
    public async Task A_closed_case_is_reopened_where_it_was_resolved_and_concluded_again()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "甲" });
        await Do(id, "escalate", new { reason = "MediationFailed" });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 3000 });
        await Do(id, "reopen", new { reason = "尚未结案" }, HttpStatusCode.Conflict);
        await Do(id, "close", new { });
        await Do(id, "reopen", new { reason = "对方未履行协议" });

        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["level"]!.GetValue<string>(), c["handlingNodeCode"]!.GetValue<string>()).ShouldBe(("Assigned", "Community", "S1C1"));
        c["outcome"].ShouldBeNull();
        await Do(id, "resolve", new { outcome = "TerminatedUnresolved", note = "告知当事人可向法院起诉" });
        await Do(id, "close", new { });
        (await Case(id))["outcome"]!.GetValue<string>().ShouldBe("TerminatedUnresolved");
    }

    [Fact]
    public async Task A_party_refusing_mediation_stops_sessions_until_the_case_moves_on()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "甲" });
        await Do(id, "refusal", new { partyRole = "Respondent", note = "被申请人明确拒绝调解" });
        (await Do(id, "sessions", new { mode = "InPerson", mediators = new[] { "甲" } }, HttpStatusCode.Conflict))
            .Body["detail"]!.GetValue<string>().ShouldContain("refused");
        await Do(id, "escalate", new { reason = "PartyRefused" });
        await Do(id, "sessions", new { mode = "InPerson", mediators = new[] { "社区调委会" } });
    }

    [Fact]
    public async Task A_case_transferred_out_is_concluded_and_takes_no_further_commands()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "transfer-out", new { target = "Court", note = "当事人已起诉" });
        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["outcome"]!.GetValue<string>()).ShouldBe(("TransferredOut", "TransferredOut"));
        await Do(id, "resolve", new { outcome = "Withdrawn" }, HttpStatusCode.Conflict);
        await Do(id, "close", new { }, HttpStatusCode.Conflict);
    }
}
