using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Statistics;

/// <summary>docs/domain.md's worked check, figure by figure, through HTTP and the async daemon.</summary>
public class WorkedCheckTests(StatisticsFixture service) : IClassFixture<StatisticsFixture>
{
    Api Api => service.Api;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static DateTimeOffset March(int day, int hour = 9) => new(2026, 3, day, hour, 0, 0, Cst);

    async Task<Guid> DisputeAt(string node, DateTimeOffset received) =>
        (await Api.Post("/api/cases", Requests.Dispute(node, received))).ShouldBe(HttpStatusCode.Created).Id;

    // Acts of a past month, entered now: late entries, with their reason.
    async Task Do(Guid id, string action, object body) =>
        (await Api.Post($"/api/cases/{id}/{action}", Requests.Late(body))).ShouldBe(HttpStatusCode.OK);

    /// <summary>Records the agreement's text (one term between the case's two parties) at <paramref name="at"/>; returns the parties' ids.</summary>
    async Task<IReadOnlyList<string>> AgreementAsync(Guid id, string form, DateTimeOffset at)
    {
        var parties = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        (await Api.Put($"/api/cases/{id}/agreement", Requests.Late(new
        {
            form, facts = "邻里噪音纠纷", mediators = new[] { "王调解" }, occurredAt = at,
            terms = new[] { new { obligor = parties[1], obligee = parties[0], content = "赔偿损失" } },
        }))).ShouldBe(HttpStatusCode.OK);
        return parties;
    }

    [Fact]
    public async Task Three_disputes_received_in_March_at_one_community()
    {
        // A community of its own, so nothing else lands in these figures.
        (await Api.Put("/api/org/nodes/WC", new { name = "核对社区", level = "Community", parentCode = "S2" })).ShouldBe(HttpStatusCode.Created);
        (await Api.Put("/api/org/nodes/WCG1", new { name = "核对网格", level = "Grid", parentCode = "WC" })).ShouldBe(HttpStatusCode.Created);

        var a = await DisputeAt("WC", March(2));
        await Do(a, "assign", new { gridCode = "WCG1", assignee = "网格员", occurredAt = March(2, 10) });
        await Do(a, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 1000m, occurredAt = March(10) });
        var parties = await AgreementAsync(a, "Written", March(10, 10));
        foreach (var signatory in parties.Append("王调解")) await Do(a, "agreement/signatures", new { signatory, signedAt = March(10, 11) });
        await Do(a, "agreement/signatures", new { seal = true, sealedAt = March(10, 11) });
        await Do(a, "confirmation", new { @event = "Applied", court = "某区人民法院", at = March(11) });
        await Do(a, "confirmation", new { @event = "Confirmed", court = "某区人民法院", rulingNumber = "（2026）民特1号", at = March(16) });
        await Do(a, "follow-up", new { satisfaction = "Satisfied", occurredAt = March(15) });

        var b = await DisputeAt("WC", March(5));
        await Do(b, "assign", new { gridCode = "WCG1", assignee = "网格员", occurredAt = March(5, 10) });
        await Do(b, "escalate", new { reason = "MediationFailed", occurredAt = March(8) });
        await Do(b, "resolve", new { outcome = "AgreementReached", agreementForm = "Oral", occurredAt = March(20) });
        foreach (var party in await AgreementAsync(b, "Oral", March(20, 10)))
            await Do(b, "agreement/signatures", new { signatory = party, confirmed = true, signedAt = March(21) });
        await Do(b, "follow-up", new { satisfaction = "BasicallySatisfied", occurredAt = March(25) });
        await Do(b, "confirmation", new { @event = "Applied", court = "某区人民法院", at = March(26) });
        await Do(b, "confirmation", new { @event = "Rejected", court = "某区人民法院", rulingNumber = "（2026）民特2号", at = March(30) });

        var c = await DisputeAt("WC", March(9));
        await Do(c, "assign", new { gridCode = "WCG1", assignee = "网格员", occurredAt = March(9, 10) });

        await service.CatchUpAsync();
        var s = (await Api.Get("/api/stats/settlement?from=2026-03-01&to=2026-04-01&nodeCode=WC")).ShouldBe(HttpStatusCode.OK).Body;

        s["received"]!.GetValue<long>().ShouldBe(3);
        s["concluded"]!.GetValue<long>().ShouldBe(2);
        s["resolved"]!.GetValue<long>().ShouldBe(2);
        Math.Round(s["resolutionRate"]!.GetValue<double>(), 3).ShouldBe(0.667);
        Math.Round(s["completionRate"]!.GetValue<double>(), 3).ShouldBe(0.667);
        s["satisfactionRate"]!.GetValue<double>().ShouldBe(1.0);
        s["strictSatisfactionRate"]!.GetValue<double>().ShouldBe(0.5);
        s["levelShare"]!["Grid"]!.GetValue<double>().ShouldBe(0.5);
        s["levelShare"]!["Community"]!.GetValue<double>().ShouldBe(0.5);
        s["levelShare"]!["Street"]!.GetValue<double>().ShouldBe(0);
        s["mediationSuccessRate"]!.GetValue<double>().ShouldBe(1.0);
        s["amountInvolved"]!.GetValue<decimal>().ShouldBe(1000m);
        s["performanceRate"]!.GetValue<double>().ShouldBe(0);
        s["followUpRate"].ShouldBeNull(); // nothing closed yet: a zero denominator
        (s["confirmationApplications"]!.GetValue<long>(), s["confirmations"]!.GetValue<long>()).ShouldBe((2L, 1L));
        s["confirmationRate"]!.GetValue<double>().ShouldBe(0.5);
        s["flow"]!["filed"]!.GetValue<long>().ShouldBe(3);
        s["flow"]!["escalated"]!.GetValue<long>().ShouldBe(1);

        var backlog = (await Api.Get("/api/stats/backlog?nodeCode=WC")).ShouldBe(HttpStatusCode.OK).Body;
        backlog["open"]!.GetValue<long>().ShouldBe(1);
        backlog["overdue"]!.GetValue<long>().ShouldBe(1);
        backlog["byLevel"]!["Grid"]!.GetValue<long>().ShouldBe(1);
        backlog["byAge"]![">90"]!.GetValue<long>().ShouldBe(DateTimeOffset.UtcNow - March(9) > TimeSpan.FromDays(91) ? 1 : 0);

        // As of 12 March only A was concluded, at grid level, and nobody had been visited.
        var early = (await Api.Get($"/api/stats/settlement?from=2026-03-01&to=2026-04-01&nodeCode=WC&asOf={Uri.EscapeDataString(March(12).ToString("O"))}")).Body;
        (early["received"]!.GetValue<long>(), early["concluded"]!.GetValue<long>(), early["resolved"]!.GetValue<long>()).ShouldBe((3L, 1L, 1L));
        early["levelShare"]!["Grid"]!.GetValue<double>().ShouldBe(1.0);
        early["satisfactionRate"].ShouldBeNull();
        // A's parties had applied for judicial confirmation; the court had not ruled yet.
        (early["confirmationApplications"]!.GetValue<long>(), early["confirmations"]!.GetValue<long>()).ShouldBe((1L, 0L));
        early["confirmationRate"]!.GetValue<double>().ShouldBe(0);
        var earlyBacklog = (await Api.Get($"/api/stats/backlog?nodeCode=WC&asOf={Uri.EscapeDataString(March(12).ToString("O"))}")).Body;
        (earlyBacklog["open"]!.GetValue<long>(), earlyBacklog["overdue"]!.GetValue<long>()).ShouldBe((2L, 0L));
        earlyBacklog["byLevel"]!["Community"]!.GetValue<long>().ShouldBe(1);
    }

    static DateTimeOffset April(int day, int hour = 9) => new(2026, 4, day, hour, 0, 0, Cst);

    /// <summary>A petition received at <paramref name="node"/> from a petitioner of its own (a person no other test files for).</summary>
    async Task<Guid> PetitionAt(string node, DateTimeOffset received, string idNumber) =>
        (await Api.Post("/api/cases", Requests.Late(new
        {
            kind = "Petition", petitionType = "Claim", channel = "Letter", category = "Requisition", summary = "反映征地补偿款未按时发放",
            nodeCode = node, receivedAt = received, parties = new[] { Requests.Party(name: "王五", idNumber: idNumber, phone: null) },
        }))).ShouldBe(HttpStatusCode.Created).Id;

    static string IdNumber(int n)
    {
        var first17 = $"11010519700101{n % 1000:D3}";
        return first17 + Mediation.Parties.PersonalData.IdCheckCharacter(first17);
    }

    [Fact]
    public async Task The_petition_work_indicators_of_an_April_at_one_street()
    {
        (await Api.Put("/api/org/nodes/WP", new { name = "核对街道", level = "Street", parentCode = "C1" })).ShouldBe(HttpStatusCode.Created);
        var x = IdNumber(101);

        var p = await PetitionAt("WP", April(1), IdNumber(103));
        await Do(p, "accept", new { noticeMethod = "Written", occurredAt = April(10) });
        await Do(p, "assign-leader", new { leader = "县信访局局长", duties = "包案化解", targetAt = April(30), occurredAt = April(11) });
        await Do(p, "resolve", new { opinion = "Support", occurredAt = April(20) });
        await Do(p, "follow-up", new { satisfaction = "Satisfied", occurredAt = April(25) });

        var q = await PetitionAt("WP", April(2), IdNumber(104));
        await Do(q, "accept", new { noticeMethod = "Written", occurredAt = April(20) });
        await Do(q, "resolve", new { opinion = "Explain", occurredAt = April(30) });
        await Do(q, "follow-up", new { satisfaction = "Dissatisfied", occurredAt = new DateTimeOffset(2026, 5, 5, 9, 0, 0, Cst) });

        var r = await PetitionAt("WP", April(3), IdNumber(105));
        await Do(r, "not-accept", new { noticeMethod = "Written", reason = "不属于信访事项", occurredAt = April(8) });

        var s = await PetitionAt("WP", April(6), IdNumber(106));
        await Do(s, "accept", new { noticeMethod = "Written", occurredAt = April(7) });

        // T's request becomes final after its review and re-review; U, the same petitioner raising it again, is a repeat petition.
        var t = await PetitionAt("WP", April(1, 8), x);
        await Do(t, "accept", new { noticeMethod = "Written", occurredAt = April(2) });
        await Do(t, "resolve", new { opinion = "NotSupport", occurredAt = April(5) });
        await Do(t, "review", new { reason = "不服处理意见", occurredAt = April(6) });
        await Do(t, "resolve", new { opinion = "NotSupport", occurredAt = April(10) });
        await Do(t, "review", new { reason = "不服复查意见", occurredAt = April(11) });
        await Do(t, "resolve", new { opinion = "NotSupport", occurredAt = April(15) });
        var u = await PetitionAt("WP", April(20), x);
        await Do(u, "not-accept", new { noticeMethod = "Written", reason = "信访人对复核意见不服，仍然以同一事实和理由提出投诉请求，不再受理", occurredAt = April(21) });
        (await Api.Get($"/api/cases/{u}")).Body["repeatPetition"]!.GetValue<bool>().ShouldBeTrue();
        (await Api.Get($"/api/cases/{t}")).Body["repeatPetition"]!.GetValue<bool>().ShouldBeFalse();

        var d = await DisputeAt("WP", April(4));
        await Do(d, "resolve", new { outcome = "AgreementReached", agreementForm = "Oral", occurredAt = April(10) });

        await service.CatchUpAsync();
        var figures = (await Api.Get("/api/stats/settlement?from=2026-04-01&to=2026-05-01&nodeCode=WP")).ShouldBe(HttpStatusCode.OK).Body;
        (figures["petitionsDecided"]!.GetValue<long>(), figures["timelyAccepted"]!.GetValue<long>()).ShouldBe((6L, 5L));
        Math.Round(figures["timelyAcceptanceRate"]!.GetValue<double>(), 3).ShouldBe(0.833);
        (figures["concludedPetitions"]!.GetValue<long>(), figures["repliedOnTime"]!.GetValue<long>()).ShouldBe((3L, 3L));
        figures["onTimeReplyRate"]!.GetValue<double>().ShouldBe(1.0);
        (figures["concluded"]!.GetValue<long>(), figures["evaluated"]!.GetValue<long>(), figures["evaluatedSatisfied"]!.GetValue<long>()).ShouldBe((4L, 2L, 1L));
        figures["evaluationRate"]!.GetValue<double>().ShouldBe(0.5);
        figures["evaluatedSatisfactionRate"]!.GetValue<double>().ShouldBe(0.5);
        figures["repeatPetitions"]!.GetValue<long>().ShouldBe(1);
        (figures["leaderCases"]!.GetValue<long>(), figures["leaderResolved"]!.GetValue<long>()).ShouldBe((1L, 1L));
        figures["leaderResolutionRate"]!.GetValue<double>().ShouldBe(1.0);

        // As of 15 April Q was not yet accepted, so only the five decided by then count, all in time.
        var early = (await Api.Get($"/api/stats/settlement?from=2026-04-01&to=2026-05-01&nodeCode=WP&asOf={Uri.EscapeDataString(April(15, 12).ToString("O"))}")).Body;
        (early["petitionsDecided"]!.GetValue<long>(), early["timelyAccepted"]!.GetValue<long>()).ShouldBe((4L, 4L));
        early["repeatPetitions"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task An_empty_scope_has_zeros_and_null_rates()
    {
        var s = (await Api.Get("/api/stats/settlement?from=2001-01-01&to=2001-02-01")).ShouldBe(HttpStatusCode.OK).Body;
        s["received"]!.GetValue<long>().ShouldBe(0);
        foreach (var rate in new[] { "resolutionRate", "completionRate", "mediationSuccessRate", "onTimeRate", "satisfactionRate",
                     "strictSatisfactionRate", "followUpRate", "performanceRate", "confirmationRate" })
            s[rate].ShouldBeNull(rate);
        s["levelShare"]!.AsObject().ShouldAllBe(l => l.Value == null);
        s["groups"]!.AsArray().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=2026-03-01&to=2026-02-01", "to")]
    [InlineData("groupBy=weather", "groupBy")]
    [InlineData("asOf=yesterday", "asOf")]
    public async Task Bad_queries_name_the_parameter(string query, string field)
    {
        var answer = (await Api.Get($"/api/stats/settlement?{query}")).ShouldBe(HttpStatusCode.BadRequest);
        answer.Body["errors"]![field].ShouldNotBeNull(answer.ToString());
    }

    [Fact]
    public async Task A_node_that_does_not_exist_is_answered_as_one_outside_the_jurisdiction()
    {
        var answer = (await Api.Get("/api/stats/settlement?nodeCode=NOPE")).ShouldBe(HttpStatusCode.NotFound);
        answer.Body["detail"]!.GetValue<string>().ShouldBe("There is no node NOPE in your jurisdiction.");
    }
}
