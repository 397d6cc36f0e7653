using Marten.Events;
using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Recording;

/// <summary>
/// Acts entered after the fact (补录), over HTTP against PostgreSQL: each placed at its business time,
/// decided on the case as it stood then, and refused where an act recorded for a later time would no
/// longer be allowed.
/// </summary>
public class LateEntryTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    const string Reason = "据纸质台账补录";

    /// <summary>A Monday at least five days ago in China Standard Time, so that its acts recorded now are late entries.</summary>
    public static DateTimeOffset Monday(int hour, int minute = 0)
    {
        var cst = TimeSpan.FromHours(8);
        var day = DateTimeOffset.UtcNow.ToOffset(cst).Date.AddDays(-5);
        while (day.DayOfWeek != DayOfWeek.Monday) day = day.AddDays(-1);
        return new DateTimeOffset(day.Year, day.Month, day.Day, hour, minute, 0, cst);
    }

    static string At(DateTimeOffset moment) => Uri.EscapeDataString(moment.ToString("O"));

    async Task<Api.Answer> Do(Guid id, string action, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await Api.Post($"/api/cases/{id}/{action}", body)).ShouldBe(expected);

    async Task<JsonNode> Case(Guid id, string query = "") => (await Api.Get($"/api/cases/{id}{query}")).ShouldBe(HttpStatusCode.OK).Body;

    async Task<JsonArray> History(Guid id) => (await Api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();

    static JsonNode Entry(JsonArray history, string type) => history.Single(e => e!["type"]!.GetValue<string>() == type)!;

    [Fact]
    public async Task Mondays_acts_entered_days_later_show_Mondays_times_and_are_marked_late_with_their_reason()
    {
        // At a community of its own in this class, so that Monday's figures there are this case's alone.
        var id = (await Api.Post("/api/cases", Requests.Dispute("S2C1", receivedAt: Monday(9)))).ShouldBe(HttpStatusCode.Created).Id;
        var filed = DateTimeOffset.UtcNow;

        var assign = new { gridCode = "S2C1G1", assignee = "网格员小李", occurredAt = Monday(9, 30) };
        (await Do(id, "assign", assign, HttpStatusCode.BadRequest)).Body["errors"]!["lateReason"].ShouldNotBeNull();
        (await Case(id))["version"]!.GetValue<long>().ShouldBe(1);
        (await Do(id, "assign", Requests.Late(assign))).Version.ShouldBe(2);

        await Do(id, "sessions", Requests.Late(new { mode = "InPerson", mediators = new[] { "网格员小李" }, heldAt = Monday(10) }));
        await Do(id, "resolve", Requests.Late(new { outcome = "AgreementReached", agreementForm = "Written", amount = 8000, occurredAt = Monday(15) }));
        var beforeClose = DateTimeOffset.UtcNow;
        (await Do(id, "close", new { })).Version.ShouldBe(5);

        var c = await Case(id);
        c["status"]!.GetValue<string>().ShouldBe("Closed");
        c["receivedAt"]!.GetValue<DateTimeOffset>().ShouldBe(Monday(9));
        c["resolvedAt"]!.GetValue<DateTimeOffset>().ShouldBe(Monday(15));
        c["closedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThanOrEqualTo(beforeClose.AddSeconds(-1));
        (c["outcome"]!.GetValue<string>(), c["agreementForm"]!.GetValue<string>(), c["amount"]!.GetValue<decimal>(), c["sessions"]!.GetValue<int>())
            .ShouldBe(("AgreementReached", "Written", 8000m, 1));

        var history = await History(id);
        history.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["CaseFiled", "CaseAssigned", "MediationSessionHeld", "CaseResolved", "CaseClosed"]);
        Entry(history, "CaseFiled")["late"]!.GetValue<bool>().ShouldBeTrue();
        foreach (var (type, at) in new[] { ("CaseAssigned", Monday(9, 30)), ("MediationSessionHeld", Monday(10)), ("CaseResolved", Monday(15)) })
        {
            var entry = Entry(history, type);
            entry["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(at, type);
            entry["late"]!.GetValue<bool>().ShouldBeTrue(type);
            entry["lateReason"]!.GetValue<string>().ShouldBe(Reason, type);
        }
        var close = Entry(history, "CaseClosed");
        close["late"]!.GetValue<bool>().ShouldBeFalse();
        close["lateReason"].ShouldBeNull();

        // The resolution counts in Monday's period, at the grid, as of Monday afternoon already…
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(TestContext.Current.CancellationToken);
        var period = $"from={Monday(0):yyyy-MM-dd}&to={Monday(0).AddDays(1):yyyy-MM-dd}&nodeCode=S2C1";
        var stats = (await Api.Get($"/api/stats/settlement?{period}")).ShouldBe(HttpStatusCode.OK).Body;
        (stats["received"]!.GetValue<long>(), stats["resolved"]!.GetValue<long>(), stats["amountInvolved"]!.GetValue<decimal>(),
            stats["flow"]!["concluded"]!.GetValue<long>()).ShouldBe((1L, 1L, 8000m, 1L));
        var afternoon = (await Api.Get($"/api/stats/settlement?{period}&asOf={At(Monday(16))}")).ShouldBe(HttpStatusCode.OK).Body;
        (afternoon["resolved"]!.GetValue<long>(), afternoon["levelShare"]!["Grid"]!.GetValue<double>()).ShouldBe((1L, 1.0));
        // …while as known before the late entries were recorded, Monday's case was still open.
        var known = (await Api.Get($"/api/stats/settlement?{period}&knownAt={At(filed)}")).ShouldBe(HttpStatusCode.OK).Body;
        (known["received"]!.GetValue<long>(), known["resolved"]!.GetValue<long>(), known["flow"]!["concluded"]!.GetValue<long>()).ShouldBe((1L, 0L, 0L));
    }

    [Fact]
    public async Task An_act_dated_before_a_recorded_one_is_placed_where_it_happened_and_refused_where_a_later_act_would_no_longer_be_allowed()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1", receivedAt: Monday(9)))).ShouldBe(HttpStatusCode.Created).Id;
        (await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李" })).Version.ShouldBe(2);

        // Monday's session was held at the community, before the case went to the grid today.
        (await Do(id, "sessions", Requests.Late(new { mode = "InPerson", mediators = new[] { "社区调委会" }, heldAt = Monday(10) }))).Version.ShouldBe(3);
        var monday = await Case(id, $"?asOf={At(Monday(11))}");
        (monday["status"]!.GetValue<string>(), monday["level"]!.GetValue<string>(), monday["handlingNodeCode"]!.GetValue<string>(), monday["sessions"]!.GetValue<int>())
            .ShouldBe(("Registered", "Community", "S1C1", 1));
        var now = await Case(id);
        (now["status"]!.GetValue<string>(), now["level"]!.GetValue<string>(), now["sessions"]!.GetValue<int>()).ShouldBe(("Assigned", "Grid", 1));
        var history = await History(id);
        Entry(history, "MediationSessionHeld")["version"]!.GetValue<long>().ShouldBe(3);
        Entry(history, "MediationSessionHeld")["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(Monday(10));

        // Resolved on Monday afternoon, the case could not have been assigned today.
        var refused = (await Do(id, "resolve", Requests.Late(new { outcome = "Withdrawn", occurredAt = Monday(15) }), HttpStatusCode.Conflict)).Body;
        refused["contradicts"]!["version"]!.GetValue<long>().ShouldBe(2);
        refused["contradicts"]!["type"]!.GetValue<string>().ShouldBe("CaseAssigned");
        (refused["command"]!.GetValue<string>(), refused["state"]!.GetValue<string>()).ShouldBe(("resolve", "Assigned"));
        (await Case(id))["version"]!.GetValue<long>().ShouldBe(3);

        // Resolved now, the case was not yet resolved on Monday afternoon (not even assigned): no closing nor return visit then.
        (await Do(id, "resolve", new { outcome = "Withdrawn" })).Version.ShouldBe(4);
        foreach (var (action, command) in new[] { ("close", "close"), ("follow-up", "follow up") })
        {
            var body = action == "close" ? Requests.Late(new { occurredAt = Monday(16) }) : Requests.Late(new { satisfaction = "Satisfied", occurredAt = Monday(16) });
            var early = (await Do(id, action, body, HttpStatusCode.Conflict)).Body;
            (early["command"]!.GetValue<string>(), early["state"]!.GetValue<string>()).ShouldBe((command, "Registered"), action);
        }
        (await Case(id))["version"]!.GetValue<long>().ShouldBe(4);
        (await History(id)).Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_follow_up_after_closing_keeps_the_case_closed_and_a_dissatisfied_one_raises_a_supervision_order()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李" });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 3000 });
        (await Do(id, "close", new { })).Version.ShouldBe(4);

        await Do(id, "performance", new { result = "Full" });
        await Do(id, "follow-up", new { satisfaction = "Satisfied" });
        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["performance"]!.GetValue<string>(), c["satisfaction"]!.GetValue<string>(), c["supervisionOrders"]!.GetValue<int>())
            .ShouldBe(("Closed", "Full", "Satisfied", 0));

        (await Do(id, "follow-up", new { satisfaction = "Dissatisfied", note = "当事人对履行情况不满意" })).Version.ShouldBe(8);
        c = await Case(id);
        (c["status"]!.GetValue<string>(), c["satisfaction"]!.GetValue<string>(), c["followUps"]!.GetValue<int>(), c["supervisionOrders"]!.GetValue<int>())
            .ShouldBe(("Closed", "Dissatisfied", 2, 1));

        var history = await History(id);
        history.Select(e => e!["type"]!.GetValue<string>()).TakeLast(2).ShouldBe(["FollowUpRecorded", "SupervisionOrderIssued"]);
        var order = Entry(history, "SupervisionOrderIssued");
        (order["version"]!.GetValue<long>(), order["data"]!["cause"]!.GetValue<string>()).ShouldBe((8, "DissatisfiedFollowUp"));
    }
}
