using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Statistics;
using MiniExcelLibs;

namespace Mediation.Tests.Reports;

/// <summary>The report files: the figures of the statistics endpoints, in Chinese or English, masked case lists, logged.</summary>
public class ReportTests(StatisticsFixture service) : IClassFixture<StatisticsFixture>
{
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    const string Period = "from=2026-01-01&to=2026-07-01&nodeCode=C1";
    Api Api => service.Api;

    static DateTimeOffset Day(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, Cst);

    // Acts of a past month, entered now: late entries, with their reason.
    async Task Do(Guid id, string action, object body) =>
        (await Api.Post($"/api/cases/{id}/{action}", Requests.Late(body))).ShouldBe(HttpStatusCode.OK);

    /// <summary>A spread of cases over S1 and S2 and both levels, concluded or not, once per fixture.</summary>
    async Task SeedAsync()
    {
        if ((await Api.Get("/api/cases?q=2026&pageSize=1")).Body["total"]!.GetValue<long>() > 0 &&
            (await Api.Get("/api/cases?category=Labour&pageSize=1")).Body["total"]!.GetValue<long>() > 0) return;
        var nodes = new[] { "S1C1", "S1C2", "S2C1", "S1", "S1C1G1" };
        var categories = new[] { "Neighbour", "Labour", "Contract" };
        for (var i = 0; i < 15; i++)
        {
            var received = Day(1 + i % 6, 2 + i);
            var node = nodes[i % nodes.Length];
            var id = (await Api.Post("/api/cases", Requests.Dispute(node, received, categories[i % 3], i % 2 == 0 ? "WalkIn" : "Hotline12345")))
                .ShouldBe(HttpStatusCode.Created).Id;
            if (i % 5 == 4) continue; // still open
            var grid = node switch { "S2C1" => "S2C1G1", "S1C2" => "S1C2G1", _ => "S1C1G1" };
            await Do(id, "assign", new { gridCode = grid, assignee = "网格员", occurredAt = received.AddHours(1) });
            if (i % 3 == 0) await Do(id, "escalate", new { reason = "MediationFailed", occurredAt = received.AddDays(1) });
            var outcome = i % 4 == 1 ? "TerminatedUnresolved" : "AgreementReached";
            await Do(id, "resolve", outcome == "AgreementReached"
                ? new { outcome, agreementForm = "Written", amount = 1000m + i * 10.5m, occurredAt = received.AddDays(i % 2 == 0 ? 5 : 45) }
                : new { outcome, occurredAt = received.AddDays(10) });
            if (i % 2 == 0) await Do(id, "follow-up", new { satisfaction = i % 4 == 0 ? "Satisfied" : "BasicallySatisfied", occurredAt = received.AddDays(50) });
            if (i % 6 == 1) await Do(id, "regrade-risk", new { colour = "Orange", reason = "矛盾有激化苗头", occurredAt = received.AddHours(2) });
        }
        // Petitions at street S2: one accepted in time and answered, one accepted late and still open.
        var answered = (await Api.Post("/api/cases", Requests.Late(Requests.Petition(nodeCode: "S2", receivedAt: Day(2, 3))))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(answered, "accept", new { noticeMethod = "Written", occurredAt = Day(2, 3).AddDays(3) });
        await Do(answered, "resolve", new { opinion = "Support", occurredAt = Day(2, 3).AddDays(20) });
        await Do(answered, "follow-up", new { satisfaction = "Dissatisfied", occurredAt = Day(2, 3).AddDays(25) });
        var late = (await Api.Post("/api/cases", Requests.Late(Requests.Petition(nodeCode: "S2", receivedAt: Day(3, 3))))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(late, "accept", new { noticeMethod = "Written", occurredAt = Day(3, 3).AddDays(20) });
        await service.CatchUpAsync();
    }

    async Task<byte[]> FileAsync(string path)
    {
        var answer = await Api.Client.GetAsync(path, Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync(Cancellation));
        return await answer.Content.ReadAsByteArrayAsync(Cancellation);
    }

    static List<IDictionary<string, object?>> Sheet(byte[] file, string name) =>
        MiniExcel.Query(new MemoryStream(file), useHeaderRow: false, sheetName: name, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();

    static readonly string[] RateFields =
        ["resolutionRate", "completionRate", "mediationSuccessRate", "onTimeRate", "satisfactionRate", "strictSatisfactionRate", "followUpRate", "performanceRate"];

    /// <summary>A row of the file against figures of the endpoint: counts, rates (exact, or "—"), amount, level shares.</summary>
    static void ShouldCarry(IDictionary<string, object?> row, JsonNode figures, string where)
    {
        Convert.ToInt64(row["B"]).ShouldBe(figures["received"]!.GetValue<long>(), where);
        Convert.ToInt64(row["C"]).ShouldBe(figures["concluded"]!.GetValue<long>(), where);
        Convert.ToInt64(row["D"]).ShouldBe(figures["resolved"]!.GetValue<long>(), where);
        var columns = "EFGHIJKL";
        for (var i = 0; i < RateFields.Length; i++) Rate(row[columns[i].ToString()], figures[RateFields[i]], $"{where} {RateFields[i]}");
        Convert.ToDecimal(row["M"]).ShouldBe(figures["amountInvolved"]!.GetValue<decimal>(), where);
        var levels = new[] { "Grid", "Community", "Street", "County" };
        for (var i = 0; i < levels.Length; i++) Rate(row["NOPQ"[i].ToString()], figures["levelShare"]![levels[i]], $"{where} share {levels[i]}");
        Convert.ToInt64(row["R"]).ShouldBe(figures["confirmationApplications"]!.GetValue<long>(), where);
        Convert.ToInt64(row["S"]).ShouldBe(figures["confirmations"]!.GetValue<long>(), where);
        Rate(row["T"], figures["confirmationRate"], $"{where} confirmationRate");
    }

    static void Rate(object? cell, JsonNode? expected, string where)
    {
        if (expected is null) cell.ShouldBe("—", where);
        else Convert.ToDouble(cell).ShouldBe(expected.GetValue<double>(), 1e-12, where);
    }

    [Fact]
    public async Task The_xlsx_settlement_report_carries_exactly_the_figures_of_the_statistics_endpoint_cell_by_cell()
    {
        await SeedAsync();
        var file = await FileAsync($"/api/reports/settlement?{Period}&format=xlsx");

        var units = Sheet(file, "分单位");
        units[0]["A"]!.ToString()!.ShouldContain("测试县");
        units[1]["A"].ShouldBe("单位");
        units[1]["B"].ShouldBe("受理数");
        var byNode = (await Api.Get($"/api/stats/settlement?{Period}&groupBy=node")).ShouldBe(HttpStatusCode.OK).Body;
        foreach (var (code, name) in new[] { ("S1", "城关街道"), ("S2", "河西镇") })
        {
            var row = units.Single(r => r["A"]?.ToString() == name);
            var group = byNode["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == code)!;
            ShouldCarry(row, group, name);
            // Fewer cases than the ranking minimum: marked, not hidden.
            row["U"]!.ToString()!.ShouldContain("样本不足");
        }
        ShouldCarry(units.Single(r => r["A"]?.ToString() == "合计"), byNode, "total");

        var byCategory = (await Api.Get($"/api/stats/settlement?{Period}&groupBy=category")).Body;
        var categories = Sheet(file, "分类别");
        foreach (var (key, name) in new[] { ("Neighbour", "邻里"), ("Labour", "劳动争议"), ("Contract", "合同") })
            ShouldCarry(categories.Single(r => r["A"]?.ToString() == name),
                byCategory["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == key)!, name);

        var byChannel = (await Api.Get($"/api/stats/settlement?{Period}&groupBy=channel")).Body;
        var channels = Sheet(file, "分渠道");
        ShouldCarry(channels.Single(r => r["A"]?.ToString() == "12345热线"),
            byChannel["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == "Hotline12345")!, "hotline");

        var byRisk = (await Api.Get($"/api/stats/settlement?{Period}&groupBy=risk")).Body;
        var risks = Sheet(file, "分风险等级");
        foreach (var group in byRisk["groups"]!.AsArray())
            ShouldCarry(risks.Single(r => r["A"]?.ToString() == group!["key"]!.GetValue<string>() switch
            {
                "Blue" => "蓝色", "Yellow" => "黄色", "Orange" => "橙色", _ => "红色",
            }), group!, $"risk {group!["key"]}");
        ShouldCarry(risks.Single(r => r["A"]?.ToString() == "合计"), byRisk, "risk total");

        // The petition-work indicators, unit by unit and in total, as the endpoint gives them.
        var indicators = Sheet(file, "信访工作指标");
        indicators[1]["D"].ShouldBe("及时受理率");
        foreach (var (row, figures) in new[] { ("河西镇", byNode["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == "S2")!), ("合计", byNode) })
        {
            var cells = indicators.Single(r => r["A"]?.ToString() == row);
            Convert.ToInt64(cells["B"]).ShouldBe(figures["petitionsDecided"]!.GetValue<long>(), row);
            Convert.ToInt64(cells["C"]).ShouldBe(figures["timelyAccepted"]!.GetValue<long>(), row);
            Rate(cells["D"], figures["timelyAcceptanceRate"], $"{row} timelyAcceptanceRate");
            Rate(cells["G"], figures["onTimeReplyRate"], $"{row} onTimeReplyRate");
            Rate(cells["J"], figures["evaluationRate"], $"{row} evaluationRate");
            Rate(cells["L"], figures["evaluatedSatisfactionRate"], $"{row} evaluatedSatisfactionRate");
            Convert.ToInt64(cells["M"]).ShouldBe(figures["repeatPetitions"]!.GetValue<long>(), row);
            Rate(cells["P"], figures["leaderResolutionRate"], $"{row} leaderResolutionRate");
        }

        var backlog = (await Api.Get("/api/stats/backlog?nodeCode=C1")).Body;
        var backlogRows = Sheet(file, "积案");
        var total = backlogRows.Single(r => r["A"]?.ToString() == "合计");
        Convert.ToInt64(total["B"]).ShouldBe(backlog["open"]!.GetValue<long>());
        Convert.ToInt64(total["C"]).ShouldBe(backlog["overdue"]!.GetValue<long>());
        backlogRows.Where(r => r["A"]?.ToString() is "城关街道" or "河西镇").Sum(r => Convert.ToInt64(r["B"])).ShouldBeLessThanOrEqualTo(backlog["open"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_csv_report_is_UTF8_with_a_byte_order_mark_in_Chinese_or_English_with_rates_as_percentages()
    {
        await SeedAsync();
        var file = await FileAsync($"/api/reports/settlement?{Period}&format=csv");
        file.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = Encoding.UTF8.GetString(file, 3, file.Length - 3).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        lines[0].ShouldContain("测试县矛盾纠纷调处化解情况统计表");
        lines[1].ShouldStartWith("单位,受理数,办结数,化解数,化解率");
        var total = (await Api.Get($"/api/stats/settlement?{Period}&groupBy=node")).Body;
        var totalLine = lines.First(l => l.StartsWith("合计,")).Split(',');
        totalLine[1].ShouldBe(total["received"]!.GetValue<long>().ToString());
        totalLine[4].ShouldBe((total["resolutionRate"]!.GetValue<double>() * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%");

        var english = Encoding.UTF8.GetString(await FileAsync($"/api/reports/settlement?{Period}&format=csv&lang=en"));
        english.ShouldContain("Unit,Received,Concluded,Resolved,Resolution rate");
        english.ShouldContain("城关街道"); // unit names stay as the organisation names them
    }

    [Fact]
    public async Task An_empty_period_gives_a_valid_file_with_zeros_and_dashes()
    {
        var file = await FileAsync("/api/reports/settlement?from=2020-01-01&to=2020-02-01&nodeCode=C1&format=xlsx");
        var total = Sheet(file, "分单位").Single(r => r["A"]?.ToString() == "合计");
        Convert.ToInt64(total["B"]).ShouldBe(0);
        total["E"].ShouldBe("—");
        total["Q"].ShouldBe("—");
        total["T"].ShouldBe("—");
        var csv = Encoding.UTF8.GetString(await FileAsync("/api/reports/settlement?from=2020-01-01&to=2020-02-01&nodeCode=C1&format=csv"));
        csv.ShouldContain("合计,0,0,0,—,—");
    }

    [Fact]
    public async Task A_confirmed_ruling_counts_in_the_settlement_report()
    {
        // A community of its own, so nothing else lands in these figures.
        (await Api.Put("/api/org/nodes/RC", new { name = "确认社区", level = "Community", parentCode = "S1" })).ShouldBe(HttpStatusCode.Created);
        (await Api.Put("/api/org/nodes/RCG1", new { name = "确认网格", level = "Grid", parentCode = "RC" })).ShouldBe(HttpStatusCode.Created);
        var id = (await Api.Post("/api/cases", Requests.Dispute("RC", Day(9, 2)))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "RCG1", assignee = "网格员", occurredAt = Day(9, 2, 10) });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 800m, occurredAt = Day(9, 10) });
        var parties = (await Api.Get($"/api/cases/{id}")).Body["parties"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        (await Api.Put($"/api/cases/{id}/agreement", Requests.Late(new
        {
            form = "Oral", facts = "邻里噪音纠纷", mediators = new[] { "王调解" }, occurredAt = Day(9, 10, 11),
            terms = new[] { new { obligor = parties[1], obligee = parties[0], content = "赔偿 800 元", amount = 800m } },
        }))).ShouldBe(HttpStatusCode.OK);
        foreach (var party in parties) await Do(id, "agreement/signatures", new { signatory = party, confirmed = true, signedAt = Day(9, 10, 15) });
        await Do(id, "confirmation", new { @event = "Applied", court = "某区人民法院", at = Day(9, 15) });

        const string period = "from=2026-09-01&to=2026-10-01&nodeCode=RC";
        async Task<(JsonNode figures, IDictionary<string, object?> row, string csv)> Report()
        {
            await service.CatchUpAsync();
            var figures = (await Api.Get($"/api/stats/settlement?{period}")).ShouldBe(HttpStatusCode.OK).Body;
            var row = Sheet(await FileAsync($"/api/reports/settlement?{period}&format=xlsx"), "分单位").Single(r => r["A"]?.ToString() == "合计");
            var csv = Encoding.UTF8.GetString(await FileAsync($"/api/reports/settlement?{period}&format=csv&lang=en"));
            return (figures, row, csv);
        }

        var (applied, appliedRow, appliedCsv) = await Report();
        (applied["agreements"]!.GetValue<long>(), applied["confirmationApplications"]!.GetValue<long>(), applied["confirmations"]!.GetValue<long>())
            .ShouldBe((1L, 1L, 0L));
        applied["confirmationRate"]!.GetValue<double>().ShouldBe(0);
        ShouldCarry(appliedRow, applied, "applied");

        await Do(id, "confirmation", new { @event = "Confirmed", court = "某区人民法院", rulingNumber = "（2026）民特12号", at = Day(9, 25) });
        var (confirmed, confirmedRow, confirmedCsv) = await Report();
        (confirmed["confirmationApplications"]!.GetValue<long>(), confirmed["confirmations"]!.GetValue<long>()).ShouldBe((1L, 1L));
        confirmed["confirmationRate"]!.GetValue<double>().ShouldBe(1.0);
        ShouldCarry(confirmedRow, confirmed, "confirmed");
        Convert.ToInt64(confirmedRow["S"]).ShouldBe(1);
        appliedCsv.ShouldContain("Share resolved at county,Confirmation applications,Judicial confirmations,Confirmation rate,Note");
        // The last columns: applications, confirmations, their rate, and the empty note.
        confirmedCsv.Split('\n').First(l => l.StartsWith("Total,")).TrimEnd('\r').ShouldEndWith(",1,1,100.00%,");

        // As of a moment before the ruling, the report counts the application only.
        var before = (await Api.Get($"/api/stats/settlement?{period}&asOf={Uri.EscapeDataString(Day(9, 20).ToString("O"))}")).Body;
        (before["confirmationApplications"]!.GetValue<long>(), before["confirmations"]!.GetValue<long>()).ShouldBe((1L, 0L));
    }

    [Fact]
    public async Task The_case_list_masks_personal_data_keeps_Chinese_and_is_written_to_the_access_log()
    {
        await SeedAsync();
        var before = (await Api.Get("/api/audit/access-log?user=tester&pageSize=500")).Body["items"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "Export");
        var xlsx = await FileAsync("/api/reports/cases?nodeCode=S1&format=xlsx");
        var rows = Sheet(xlsx, "案件清单");
        rows[1]["A"].ShouldBe("案件编号");
        var data = rows.Skip(2).ToList();
        data.Count.ShouldBe((int)(await Api.Get("/api/cases?nodeCode=S1&pageSize=1")).Body["total"]!.GetValue<long>());
        var text = string.Join("\n", data.SelectMany(r => r.Values).Select(v => v?.ToString()));
        text.ShouldContain("张*");
        text.ShouldContain("138****5678");
        text.ShouldNotContain("13812345678");
        text.ShouldNotContain(Requests.ValidIdNumber);
        text.ShouldNotContain("张三");
        text.ShouldContain("邻里之间因楼上噪音发生纠纷");

        var csv = await FileAsync("/api/reports/cases?nodeCode=S1&format=csv&status=Assigned");
        var csvText = Encoding.UTF8.GetString(csv);
        csvText.ShouldContain("案件编号,类型");
        csvText.ShouldNotContain("13812345678");

        var log = (await Api.Get("/api/audit/access-log?user=tester&pageSize=500")).Body["items"]!.AsArray();
        log.Count(e => e!["action"]!.GetValue<string>() == "Export").ShouldBe(before + 2);
        log.ShouldContain(e => e!["action"]!.GetValue<string>() == "Export" && e["detail"]!.GetValue<string>().Contains("status=Assigned"));
    }

    [Fact]
    public async Task The_Chinese_case_list_names_every_coded_value_in_Chinese_and_units_by_their_names()
    {
        await SeedAsync();
        var rows = Sheet(await FileAsync("/api/reports/cases?nodeCode=S1&format=xlsx"), "案件清单").Skip(2).ToList();
        // Units by their names as the tree has them now (other tests of the class add units of their own).
        var names = new Dictionary<string, string>();
        void Collect(System.Text.Json.Nodes.JsonNode node)
        {
            names[node["code"]!.GetValue<string>()] = node["name"]!.GetValue<string>();
            foreach (var child in node["children"]!.AsArray()) Collect(child!);
        }
        foreach (var root in (await Api.Get("/api/org/tree")).ShouldBe(HttpStatusCode.OK).Body.AsArray()) Collect(root!);
        names.Values.ShouldContain("东门第一网格");
        rows.ShouldNotBeEmpty();
        foreach (var row in rows)
        {
            row["B"].ShouldBe("矛盾纠纷");
            row["C"].ShouldBeOneOf("来访", "12345热线");
            row["D"].ShouldBeOneOf("邻里", "劳动争议", "合同");
            row["E"].ShouldBeOneOf([.. names.Values]);
            row["F"].ShouldBeOneOf([.. names.Values]);
            row["G"].ShouldBeOneOf("网格", "社区", "街道", "县级");
            row["H"].ShouldBeOneOf("已登记", "办理中", "已化解");
            row["M"].ShouldBeOneOf(null, "达成协议", "终止调解");
        }
        rows.ShouldContain(r => Equals(r["M"], "达成协议"));

        var english = Encoding.UTF8.GetString(await FileAsync("/api/reports/cases?nodeCode=S1&format=csv&lang=en"));
        english.ShouldContain("Neighbours");
        english.ShouldContain("Agreement reached");
        english.ShouldContain("城关街道");
    }

    [Fact]
    public async Task Bad_parameters_are_refused_with_problem_details()
    {
        (await Api.Get("/api/reports/settlement?format=pdf")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["format"].ShouldNotBeNull();
        (await Api.Get("/api/reports/settlement?lang=fr")).ShouldBe(HttpStatusCode.BadRequest);
        (await Api.Get("/api/reports/settlement?from=2026-02-01&to=2026-01-01")).ShouldBe(HttpStatusCode.BadRequest);
        (await Api.Get("/api/reports/cases?status=Sleeping")).ShouldBe(HttpStatusCode.BadRequest);
    }
}
