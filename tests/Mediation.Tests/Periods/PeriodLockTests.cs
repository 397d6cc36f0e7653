using System.Net;
using Alba;
using Marten.Events;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using MiniExcelLibs;

namespace Mediation.Tests.Periods;

/// <summary>
/// A month locked once its report was sent: acts dated into it need a supervisor and a reason, and the
/// settlement report says what changed since, unit by unit, with the acts that changed it.
/// </summary>
public class PeriodLockTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static readonly DateTimeOffset March = new(2026, 3, 10, 9, 0, 0, Cst);
    const string Period = "from=2026-03-01&to=2026-04-01&nodeCode=LS";
    Api Api => service.Api;

    async Task TreeAsync()
    {
        foreach (var (code, name, level, parent) in new[] { ("LS", "锁定街道", "Street", "C1"), ("LSC", "锁定社区", "Community", "LS"), ("LSCG", "锁定网格", "Grid", "LSC") })
            (await Api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).Code.ShouldBeOneOf(200, 201);
    }

    async Task<Guid> FileAsync(DateTimeOffset received, Api? by = null) =>
        (await (by ?? Api).Post("/api/cases", Requests.Dispute("LSC", received))).ShouldBe(HttpStatusCode.Created).Id;

    [Fact]
    public async Task A_locked_month_takes_acts_only_from_a_supervisor_with_a_reason_and_the_report_lists_what_changed_since()
    {
        await TreeAsync();
        var clerk = await TestUsers.SignedInAsync(service.Host, "lockclerk", [Roles.Clerk, Roles.Mediator], "LS");
        var settled = await FileAsync(March);
        var open = await FileAsync(March.AddDays(2));
        (await Api.Post($"/api/cases/{settled}/resolve", Requests.Late(new { outcome = "Withdrawn", occurredAt = March.AddDays(1) }))).ShouldBe(HttpStatusCode.OK);
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        var sent = (await Api.Get($"/api/stats/settlement?{Period}")).ShouldBe(HttpStatusCode.OK).Body;
        (sent["received"]!.GetValue<long>(), sent["resolved"]!.GetValue<long>()).ShouldBe((2L, 0L));
        sent["locks"]!.AsArray().ShouldBeEmpty();

        // Only a supervisor locks, only a month that is over, and only once.
        (await clerk.Post("/api/periods/locks", new { nodeCode = "LS", month = "2026-03" })).ShouldBe(HttpStatusCode.Forbidden);
        (await Api.Post("/api/periods/locks", new { nodeCode = "LS", month = "2099-01" })).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["month"].ShouldNotBeNull();
        (await Api.Post("/api/periods/locks", new { nodeCode = "LS", month = "March" })).ShouldBe(HttpStatusCode.BadRequest);
        var locked = (await Api.Post("/api/periods/locks", new { nodeCode = "LS", month = "2026-03", note = "3月报表已报送" })).ShouldBe(HttpStatusCode.Created).Body;
        (await Api.Post("/api/periods/locks", new { nodeCode = "LS", month = "2026-03" })).ShouldBe(HttpStatusCode.Conflict);
        var lockedAt = locked["lockedAt"]!.GetValue<DateTimeOffset>();
        (await clerk.Get("/api/periods/locks?nodeCode=LSC")).ShouldBe(HttpStatusCode.OK).Body.AsArray().Single()!["month"]!.GetValue<string>().ShouldBe("2026-03");

        // Dated into March: refused to a clerk, and to a supervisor without a reason; nothing is written.
        var version = (await Api.Get($"/api/cases/{open}")).Version;
        (await clerk.Post($"/api/cases/{open}/resolve", Requests.Late(new { outcome = "Withdrawn", occurredAt = March.AddDays(5) }))).ShouldBe(HttpStatusCode.Forbidden)
            .Body["detail"]!.GetValue<string>().ShouldContain("2026-03");
        (await clerk.Post("/api/cases", Requests.Dispute("LSC", March.AddDays(20)))).ShouldBe(HttpStatusCode.Forbidden);
        (await Api.Post($"/api/cases/{open}/resolve", new { outcome = "AgreementReached", agreementForm = "Written", occurredAt = March.AddDays(5) }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["lateReason"].ShouldNotBeNull();
        (await Api.Get($"/api/cases/{open}")).Version.ShouldBe(version);
        // Dated after March, the month's lock does not apply.
        (await clerk.Post($"/api/cases/{settled}/follow-up", Requests.Late(new { satisfaction = "Satisfied", occurredAt = new DateTimeOffset(2026, 4, 2, 9, 0, 0, Cst) })))
            .ShouldBe(HttpStatusCode.OK);

        // A supervisor enters the March agreement late, with a reason.
        (await Api.Post($"/api/cases/{open}/resolve", Requests.Late(new { outcome = "AgreementReached", agreementForm = "Written", amount = 800m, occurredAt = March.AddDays(5) },
            "调解员纸质协议未及时交回"))).ShouldBe(HttpStatusCode.OK);
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);

        var now = (await Api.Get($"/api/stats/settlement?{Period}")).ShouldBe(HttpStatusCode.OK).Body;
        now["resolved"]!.GetValue<long>().ShouldBe(1L);
        var month = now["locks"]!.AsArray().ShouldHaveSingleItem()!;
        (month["month"]!.GetValue<string>(), month["nodeCode"]!.GetValue<string>(), month["changed"]!.GetValue<bool>()).ShouldBe(("2026-03", "LS", true));
        var unit = month["units"]!.AsArray().Single(u => u!["key"]!.GetValue<string>() == "LSC")!;
        (unit["asLocked"]!["resolved"]!.GetValue<long>(), unit["now"]!["resolved"]!.GetValue<long>(), unit["changed"]!.GetValue<bool>()).ShouldBe((0L, 1L, true));
        var act = month["acts"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "CaseResolved")!;
        (act["caseId"]!.GetValue<Guid>(), act["lateReason"]!.GetValue<string>()).ShouldBe((open, "调解员纸质协议未及时交回"));
        act["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(March.AddDays(5));

        // The report as sent is reproduced by the lock's moment.
        var asSent = (await Api.Get($"/api/stats/settlement?{Period}&knownAt={Uri.EscapeDataString(lockedAt.ToString("O"))}")).ShouldBe(HttpStatusCode.OK).Body;
        (asSent["received"]!.GetValue<long>(), asSent["resolved"]!.GetValue<long>()).ShouldBe((2L, 0L));

        // The file carries the same, on sheets of their own.
        var file = await Api.Client.GetAsync($"/api/reports/settlement?{Period}&format=xlsx", Cancellation);
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        var sheet = MiniExcel.Query(new MemoryStream(await file.Content.ReadAsByteArrayAsync(Cancellation)), useHeaderRow: false, sheetName: "锁定后变更",
            excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        sheet[1]["A"].ShouldBe("月份");
        var row = sheet.Single(r => r["B"]?.ToString() == "锁定社区");
        (row["G"]?.ToString(), row["H"]?.ToString(), row["K"]?.ToString()).ShouldBe(("0", "1", "是"));
    }
}
