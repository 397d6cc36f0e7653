using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Marten.Events;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Statistics;

/// <summary>
/// The report a county sent upward is reproduced exactly later, whatever was entered late or corrected
/// since: the file asked again with the known-at moment its title states is the same file, byte for
/// byte, from the endpoint and from the export command.
/// </summary>
public class ReproducibilityTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static readonly DateTimeOffset April = new(2026, 4, 6, 9, 0, 0, Cst);
    const string Period = "from=2026-04-01&to=2026-05-01&nodeCode=RP";

    async Task<byte[]> FileAsync(string query)
    {
        var answer = await service.Api.Client.GetAsync($"/api/reports/settlement?{Period}&format=csv{query}", Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync(Cancellation));
        return await answer.Content.ReadAsByteArrayAsync(Cancellation);
    }

    [Fact]
    public async Task A_report_file_is_reproduced_byte_for_byte_by_its_known_at_moment_after_late_entries_and_corrections()
    {
        var api = service.Api;
        foreach (var (code, name, level, parent) in new[] { ("RP", "复现街道", "Street", "C1"), ("RPC", "复现社区", "Community", "RP"), ("RPCG", "复现网格", "Grid", "RPC") })
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).Code.ShouldBeOneOf(200, 201);
        var settled = (await api.Post("/api/cases", Requests.Dispute("RPC", April))).ShouldBe(HttpStatusCode.Created).Id;
        var open = (await api.Post("/api/cases", Requests.Dispute("RPC", April.AddDays(3), category: "Labour"))).ShouldBe(HttpStatusCode.Created).Id;
        (await api.Post($"/api/cases/{settled}/resolve", Requests.Late(new { outcome = "AgreementReached", agreementForm = "Written", amount = 500m, occurredAt = April.AddDays(2) })))
            .ShouldBe(HttpStatusCode.OK);
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);

        // The report as sent, and the moment it states it is known at.
        var sent = await FileAsync("");
        var knownAt = Regex.Match(Encoding.UTF8.GetString(sent), @"数据登记截至([0-9T:.+\-]+)）").Groups[1].Value;
        knownAt.ShouldNotBeEmpty();

        // Since: a resolution entered late into April, the open case's category corrected, the settled one's amount and receipt.
        (await api.Post($"/api/cases/{open}/resolve", Requests.Late(new { outcome = "Withdrawn", occurredAt = April.AddDays(4) }))).ShouldBe(HttpStatusCode.OK);
        (await api.Post($"/api/cases/{open}/corrections", new { correctsVersion = 1, changes = new { category = "Neighbour" }, reason = "类别登记有误" }))
            .ShouldBe(HttpStatusCode.OK);
        var history = (await api.Get($"/api/cases/{settled}/history")).Body.AsArray();
        var resolution = history.Single(h => h!["type"]!.GetValue<string>() == "CaseResolved")!["version"]!.GetValue<long>();
        (await api.Post($"/api/cases/{settled}/corrections", new { correctsVersion = resolution, changes = new { amount = 800m }, reason = "金额登记有误" }))
            .ShouldBe(HttpStatusCode.OK);
        (await api.Post($"/api/cases/{settled}/corrections",
            new { correctsVersion = 1, changes = new { occurredAt = April.AddHours(-3) }, reason = "受理时间登记有误" })).ShouldBe(HttpStatusCode.OK);
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);

        // The figures as known now moved (titles aside, which state their own moments)…
        static string Figures(byte[] file) => string.Join("\n", Encoding.UTF8.GetString(file).Split('\n').Where(l => !l.Contains("数据登记截至")));
        Figures(await FileAsync("")).ShouldNotBe(Figures(sent));
        // …and the report as sent is the same file again, its as-of moment (to the minute in the title) that of then, not of now.
        (await FileAsync($"&knownAt={Uri.EscapeDataString(knownAt)}")).ShouldBe(sent);
        var asKnown = (await api.Get($"/api/stats/settlement?from=2026-04-01&to=2026-05-01&nodeCode=RP&knownAt={Uri.EscapeDataString(knownAt)}")).Body;
        asKnown["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(DateTimeOffset.Parse(knownAt, System.Globalization.CultureInfo.InvariantCulture));

        // The export command writes the same file.
        var file = Path.Combine(Path.GetTempPath(), $"mediation-reproduced-{Guid.NewGuid():N}.csv");
        try
        {
            await using var export = ServiceProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__Marten"] = service.ConnectionString },
                "export", "settlement", "--out", file, "--format", "csv", "--from", "2026-04-01", "--to", "2026-05-01", "--node", "RP", "--known-at", knownAt);
            (await export.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, export.Output);
            (await File.ReadAllBytesAsync(file, Cancellation)).ShouldBe(sent);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
