using System.Net;
using Alba;
using Marten.Events;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Leading;

/// <summary>领导包案: a leader answers for a hard case; the leader sees it wherever it is handled, and the report counts the leader's cases.</summary>
public class LeaderTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_leader_assigned_to_a_case_sees_it_lists_it_and_the_report_counts_its_resolution()
    {
        var id = (await service.Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        // The leader's own jurisdiction is another street: leading the case is what lets them see it.
        var leader = await TestUsers.SignedInAsync(service.Host, "leader-zhang", [Roles.Supervisor], "S2");
        (await leader.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.NotFound);

        var target = DateTimeOffset.UtcNow.AddDays(30);
        (await service.Api.Post($"/api/cases/{id}/assign-leader", new { leader = "leader-zhang", duties = "牵头协调人社、住建化解", targetAt = target }))
            .ShouldBe(HttpStatusCode.OK);
        var seen = (await leader.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;
        seen["leader"]!["leader"]!.GetValue<string>().ShouldBe("leader-zhang");
        seen["leader"]!["duties"]!.GetValue<string>().ShouldBe("牵头协调人社、住建化解");
        (await leader.Get("/api/cases?leader=leader-zhang")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe([id.ToString()]);

        // A target before the assignment, or no duties: refused, naming the field.
        (await service.Api.Post($"/api/cases/{id}/assign-leader", new { leader = "leader-zhang", duties = "牵头", targetAt = DateTimeOffset.UtcNow.AddDays(-1) }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["targetAt"].ShouldNotBeNull();
        (await service.Api.Post($"/api/cases/{id}/assign-leader", new { leader = "leader-zhang", targetAt = target }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["duties"].ShouldNotBeNull();

        (await service.Api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 1000 })).ShouldBe(HttpStatusCode.OK);
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        var report = (await service.Api.Get("/api/stats/settlement?nodeCode=C1")).ShouldBe(HttpStatusCode.OK).Body;
        report["leaderCases"]!.GetValue<long>().ShouldBe(1);
        report["leaderResolved"]!.GetValue<long>().ShouldBe(1);
        report["leaderResolutionRate"]!.GetValue<double>().ShouldBe(1.0);
    }
}
