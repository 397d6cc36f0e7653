using System.Net;
using Mediation.Cases.Reading;
using Mediation.Tests.Auditing;
using Mediation.Tests.Cases.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mediation.Tests.Cases.Reading;

/// <summary>A case snapshot stored before snapshots kept the case's acts is rebuilt at start, so a late act folds over the whole history.</summary>
public class SnapshotUpgradeTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    [Fact]
    public async Task A_snapshot_without_its_acts_is_rebuilt_at_start_and_a_late_act_then_lands_in_the_whole_history()
    {
        var api = service.Api;
        var id = (await api.Post("/api/cases", Requests.Dispute("S1C2", LateEntryTests.Monday(9)))).ShouldBe(HttpStatusCode.Created).Id;
        (await api.Post($"/api/cases/{id}/assign", Requests.Late(new { gridCode = "S1C2G1", assignee = "网格员", occurredAt = LateEntryTests.Monday(11) })))
            .ShouldBe(HttpStatusCode.OK);
        // As an earlier version stored it: the same case, without its acts.
        (await ChainTests.SqlAsync(service.ConnectionString,
            "update mediation.mt_doc_mediationcase set data = data - 'acts' - 'recorded' where id = $1", id)).ShouldBe(1);

        await service.Host.Services.GetServices<IHostedService>().OfType<SnapshotUpgrade>().Single().StartAsync(TestContext.Current.CancellationToken);

        // A session dated before the assignment is placed before it, and the case keeps everything else.
        (await api.Post($"/api/cases/{id}/sessions", Requests.Late(new { mode = "InPerson", mediators = new[] { "调解员" }, heldAt = LateEntryTests.Monday(10) })))
            .ShouldBe(HttpStatusCode.OK);
        var now = (await api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;
        (now["status"]!.GetValue<string>(), now["handlingNodeCode"]!.GetValue<string>(), now["sessions"]!.GetValue<int>(), now["version"]!.GetValue<long>())
            .ShouldBe(("Assigned", "S1C2G1", 1, 3L));
        var halfPastTen = Uri.EscapeDataString(LateEntryTests.Monday(10, 30).ToString("O"));
        var then = (await api.Get($"/api/cases/{id}?asOf={halfPastTen}")).ShouldBe(HttpStatusCode.OK).Body;
        (then["status"]!.GetValue<string>(), then["handlingNodeCode"]!.GetValue<string>(), then["sessions"]!.GetValue<int>()).ShouldBe(("Registered", "S1C2", 1));
        (await api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
    }
}
