using System.Net;
using Alba;
using Marten.Events;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Grading;

/// <summary>
/// The four-colour risk grading through the API and the pages: a red case goes to its county at once, wherever it
/// was filed or handled, and heads the supervisor's dashboard; a case is regraded with a reason at any time while open;
/// the queue filters by colour; the first API's three risk levels still file and read as before.
/// </summary>
public class RiskTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static object Dispute(string nodeCode, string summary, object? risk = null)
    {
        var filing = System.Text.Json.JsonSerializer.SerializeToNode(new
        {
            kind = "Dispute", channel = "WalkIn", category = "Labour", summary, nodeCode, parties = new[] { Requests.Party() },
        })!.AsObject();
        foreach (var (key, value) in System.Text.Json.JsonSerializer.SerializeToNode(risk ?? new { })!.AsObject()) filing[key] = value?.DeepClone();
        return filing;
    }

    async Task<System.Text.Json.Nodes.JsonNode> CaseAsync(Guid id) => (await service.Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;

    [Fact]
    public async Task A_red_case_filed_at_a_grid_lands_at_the_county_at_once_and_tops_the_dashboard()
    {
        var filed = (await service.Api.Post("/api/cases", Dispute("S1C1G1", "群体性欠薪，扬言堵路", new { riskColour = "Red", groupSize = 30 })))
            .ShouldBe(HttpStatusCode.Created);
        filed.Body["version"]!.GetValue<long>().ShouldBe(2);
        var red = await CaseAsync(filed.Id);
        (red["level"]!.GetValue<string>(), red["handlingNodeCode"]!.GetValue<string>(), red["nodeCode"]!.GetValue<string>())
            .ShouldBe(("County", "C1", "S1C1G1"));
        (red["riskColour"]!.GetValue<string>(), red["riskLevel"]!.GetValue<string>()).ShouldBe(("Red", "High"));
        var history = (await service.Api.Get($"/api/cases/{filed.Id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        history.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["CaseFiled", "CaseEscalated"]);
        history[1]!["data"]!["reason"]!.GetValue<string>().ShouldBe("HighRisk");
        history[1]!["data"]!["fromNodeCode"]!.GetValue<string>().ShouldBe("S1C1G1");

        // The supervisor's dashboard lists it above everything else.
        var supervisor = await TestUsers.SignedInAsync(service.Host, "supervisor-c1-risk", [Roles.Supervisor], "C1");
        var page = await supervisor.Client.GetAsync("/workbench/dashboard", Cancellation);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Cancellation));
        var redList = html.IndexOf("data-testid=\"red-cases\"", StringComparison.Ordinal);
        redList.ShouldBeGreaterThan(0);
        redList.ShouldBeLessThan(html.IndexOf("data-testid=\"figures\"", StringComparison.Ordinal));
        html.IndexOf(red["caseNumber"]!.GetValue<string>(), redList, StringComparison.Ordinal).ShouldBeGreaterThan(redList);

        // The queue's filter by colour, and the backlog by colour once the statistics have it.
        var listed = (await service.Api.Get("/api/cases?riskColour=Red&pageSize=200")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        listed.Select(i => i!["id"]!.GetValue<string>()).ShouldContain(filed.Id.ToString());
        listed.ShouldAllBe(i => i!["riskColour"]!.GetValue<string>() == "Red");
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        var backlog = (await service.Api.Get("/api/stats/backlog?nodeCode=C1")).ShouldBe(HttpStatusCode.OK).Body;
        backlog["byRisk"]!["Red"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_case_regraded_red_goes_to_the_county_and_a_regrading_says_why()
    {
        var id = (await service.Api.Post("/api/cases", Dispute("S2C1", "物业纠纷", new { riskColour = "Yellow" }))).ShouldBe(HttpStatusCode.Created).Id;
        (await CaseAsync(id))["level"]!.GetValue<string>().ShouldBe("Community");

        var orange = await service.Api.Post($"/api/cases/{id}/regrade-risk", new { colour = "Orange", reason = "双方冲突升级" });
        orange.ShouldBe(HttpStatusCode.OK);
        var state = await CaseAsync(id);
        (state["riskColour"]!.GetValue<string>(), state["riskLevel"]!.GetValue<string>(), state["level"]!.GetValue<string>())
            .ShouldBe(("Orange", "High", "Community"));

        (await service.Api.Post($"/api/cases/{id}/regrade-risk", new { colour = "Red", reason = "有人扬言过激行为" })).ShouldBe(HttpStatusCode.OK);
        state = await CaseAsync(id);
        (state["riskColour"]!.GetValue<string>(), state["level"]!.GetValue<string>(), state["handlingNodeCode"]!.GetValue<string>())
            .ShouldBe(("Red", "County", "C1"));
        // Sent back down, it returns to the community it came from, still red.
        (await service.Api.Post($"/api/cases/{id}/send-back", new { note = "由社区继续调处，县级跟踪" })).ShouldBe(HttpStatusCode.OK);
        (await CaseAsync(id))["handlingNodeCode"]!.GetValue<string>().ShouldBe("S2C1");

        // The same colour again, or no reason: refused, naming the command and the state, or the field.
        var same = await service.Api.Post($"/api/cases/{id}/regrade-risk", new { colour = "Red", reason = "仍然高风险" });
        same.ShouldBe(HttpStatusCode.Conflict);
        same.Body["command"]!.GetValue<string>().ShouldBe("regrade-risk");
        same.Body["state"]!.GetValue<string>().ShouldNotBeNull();
        var noReason = await service.Api.Post($"/api/cases/{id}/regrade-risk", new { colour = "Blue" });
        noReason.ShouldBe(HttpStatusCode.BadRequest);
        noReason.Body["errors"]!["reason"].ShouldNotBeNull();
        var notAColour = await service.Api.Post($"/api/cases/{id}/regrade-risk", new { colour = "Purple", reason = "测试" });
        notAColour.ShouldBe(HttpStatusCode.BadRequest);
        notAColour.Body["errors"]!["colour"]![0]!.GetValue<string>().ShouldContain("Blue, Yellow, Orange, Red");
        (await CaseAsync(id))["version"]!.GetValue<long>().ShouldBe(5);
    }

    [Fact]
    public async Task The_three_risk_levels_of_the_first_api_file_as_before_and_a_colour_must_agree_with_the_level_given()
    {
        var high = (await service.Api.Post("/api/cases", Dispute("S1C1G2", "老接口高风险", new { riskLevel = "High" }))).ShouldBe(HttpStatusCode.Created).Id;
        var state = await CaseAsync(high);
        (state["riskLevel"]!.GetValue<string>(), state["riskColour"]!.GetValue<string>(), state["level"]!.GetValue<string>())
            .ShouldBe(("High", "Orange", "Grid"));
        var plain = (await service.Api.Post("/api/cases", Dispute("S1C1G2", "未定级"))).ShouldBe(HttpStatusCode.Created).Id;
        ((await CaseAsync(plain))["riskColour"]!.GetValue<string>()).ShouldBe("Blue");

        var disagreeing = await service.Api.Post("/api/cases", Dispute("S1C1G2", "矛盾的定级", new { riskLevel = "Low", riskColour = "Red" }));
        disagreeing.ShouldBe(HttpStatusCode.BadRequest);
        disagreeing.Body["errors"]!["riskColour"].ShouldNotBeNull();
        (await service.Api.Get("/api/cases?riskColour=Purple")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["riskColour"].ShouldNotBeNull();
    }
}
