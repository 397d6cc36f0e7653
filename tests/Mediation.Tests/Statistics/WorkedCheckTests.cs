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
