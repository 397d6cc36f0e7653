using System.Net;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Reading;

/// <summary>
/// A past state of a case (<c>?version=</c>, <c>?asOf=</c>) shows its old fields, but who may see the
/// case, and which parties, is judged on the case as it is now: the past never reopens what the present closed.
/// </summary>
public class ReadingThePastTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    /// <summary>Three days ago, so that every step can be dated between then and now.</summary>
    static readonly DateTimeOffset Received = DateTimeOffset.UtcNow.AddDays(-3);

    static string At(DateTimeOffset moment) => Uri.EscapeDataString(moment.ToString("O"));

    [Fact]
    public async Task A_grid_the_case_has_left_cannot_read_it_at_a_version_or_time_when_the_grid_handled_it()
    {
        // Filed at street S1, sent down to grid S1C1G1 (version 2), then escalated to community S1C1 (version 3).
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1", receivedAt: Received))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "网格员甲", occurredAt = Received.AddHours(1) }))
            .ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed", occurredAt = Received.AddDays(1) })).ShouldBe(HttpStatusCode.OK);
        var grid = await TestUsers.SignedInAsync(service.Host, "mediator-left-grid", [Roles.Mediator], "S1C1G1");

        // While the grid handled it, the case was the grid's; now it is not.
        var then = (await Api.Get($"/api/cases/{id}?version=2")).ShouldBe(HttpStatusCode.OK);
        then.Body["handlingNodeCode"]!.GetValue<string>().ShouldBe("S1C1G1");
        var unknown = $"There is no case {id}.";
        foreach (var path in new[] { $"/api/cases/{id}", $"/api/cases/{id}?version=2", $"/api/cases/{id}?asOf={At(Received.AddHours(2))}", $"/api/cases/{id}/history" })
        {
            var answer = (await grid.Get(path)).ShouldBe(HttpStatusCode.NotFound);
            answer.Body["detail"]!.GetValue<string>().ShouldBe(unknown, path);
        }
    }

    [Fact]
    public async Task An_accuser_hidden_since_the_escalation_stays_hidden_at_a_version_or_time_when_the_grid_handled_it()
    {
        // An accusation filed at grid S1C1G1 (the filing node: the grid keeps reading the case), accepted
        // there (version 2), then escalated to community S1C1 (version 3): the accuser is now the community's to know.
        var id = (await Api.Post("/api/cases", Requests.Petition("Accusation", nodeCode: "S1C1G1", receivedAt: Received)))
            .ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/accept", new { noticeMethod = "Written", occurredAt = Received.AddHours(1) })).ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed", occurredAt = Received.AddDays(1) })).ShouldBe(HttpStatusCode.OK);
        var grid = await TestUsers.SignedInAsync(service.Host, "supervisor-left-grid", [Roles.Supervisor], "S1C1G1");
        var community = await TestUsers.SignedInAsync(service.Host, "supervisor-community", [Roles.Supervisor], "S1C1");
        const string unmask = "unmask=true&reason=核实举报内容";

        foreach (var query in new[] { "", "version=2&", $"asOf={At(Received.AddHours(2))}&" })
        {
            var atGrid = (await grid.Get($"/api/cases/{id}?{query}{unmask}")).ShouldBe(HttpStatusCode.OK);
            atGrid.Body["parties"]![0]!["hidden"]!.GetValue<bool>().ShouldBeTrue(query);
            atGrid.Body.ToJsonString().ShouldNotContain("王五", customMessage: query);

            // And the unit handling it now knows the accuser in every past state it is shown.
            var atCommunity = (await community.Get($"/api/cases/{id}?{query}{unmask}")).ShouldBe(HttpStatusCode.OK);
            atCommunity.Body["parties"]![0]!["name"]!.GetValue<string>().ShouldBe("王五", query);
        }
        (await grid.Get($"/api/cases/{id}?version=2")).Body["handlingNodeCode"]!.GetValue<string>().ShouldBe("S1C1G1");
    }
}
