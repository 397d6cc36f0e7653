using System.Net;
using System.Text;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Organisation;

/// <summary>
/// A city above its counties: its users see every county's cases, lists, statistics, reports and dashboard,
/// broken down by county; a county's users see their own county and nothing of the other; cases are filed
/// and handled at a county or below, never at the city.
/// </summary>
public class CityTests(CityFixture city) : IClassFixture<CityFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static string Detail(Api.Answer answer) => answer.Body["detail"]!.GetValue<string>();

    async Task<string> TextAsync(string user, string path)
    {
        var answer = await city.Users[user].Client.GetAsync(path, Cancellation);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, $"{user} {path}");
        // Pages escape their Chinese as character references: read as the browser shows them.
        return WebUtility.HtmlDecode(Encoding.UTF8.GetString(await answer.Content.ReadAsByteArrayAsync(Cancellation)));
    }

    async Task<List<string>> ListedAsync(string user, string query = "")
    {
        var list = (await city.Users[user].Get($"/api/cases?pageSize=100{query}")).ShouldBe(HttpStatusCode.OK).Body;
        return list["items"]!.AsArray().Select(i => i!["caseNumber"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Each_county_numbers_its_own_cases_and_the_number_carries_it()
    {
        // Each the first of its county's year (the fixture files the overdue ones first).
        city.OverdueInA.Number.ShouldMatch(@"^KA-\d{4}-000001$");
        city.OverdueInB.Number.ShouldMatch(@"^KB-\d{4}-000001$");
        city.AtTheGridInA.Number.ShouldMatch(@"^KA-\d{4}-00000[12]$");
        (await city.Users["supervisor-city"].Get($"/api/cases/by-number/{city.OverdueInB.Number}")).ShouldBe(HttpStatusCode.OK).Id.ShouldBe(city.OverdueInB.Id);
    }

    [Fact]
    public async Task A_county_sees_its_own_cases_and_lists_only_and_the_city_sees_both_counties()
    {
        var inA = new[] { city.OverdueInA, city.AtTheGridInA };
        var inB = new[] { city.OverdueInB };
        foreach (var (user, sees, doesNot) in new[]
                 {
                     ("supervisor-ka", inA, inB), ("clerk-ka", inA, inB), ("supervisor-kb", inB, inA),
                     ("supervisor-city", inA.Concat(inB).ToArray(), []), ("auditor-city", inA.Concat(inB).ToArray(), []),
                 })
        {
            foreach (var (id, _) in sees) (await city.Users[user].Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK);
            foreach (var (id, _) in doesNot)
                Detail((await city.Users[user].Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.NotFound)).ShouldBe($"There is no case {id}.");
            if (user.StartsWith("auditor", StringComparison.Ordinal)) continue; // an auditor reads cases one by one, and lists none

            var listed = await ListedAsync(user);
            listed.ShouldBe(sees.Select(c => c.Number), ignoreOrder: true, user);
            (await ListedAsync(user, "&overdue=true")).ShouldBe(sees.Where(c => c != city.AtTheGridInA).Select(c => c.Number), ignoreOrder: true, user);
        }

        // The city's list narrows to a county as any unit's does; a county's filter never reaches past its own county.
        (await ListedAsync("supervisor-city", "&nodeCode=KB")).ShouldBe([city.OverdueInB.Number]);
        (await ListedAsync("supervisor-ka", "&nodeCode=KB")).ShouldBeEmpty();
        (await ListedAsync("supervisor-ka", "&nodeCode=CITY")).ShouldBe(inA.Select(c => c.Number), ignoreOrder: true);
    }

    [Fact]
    public async Task The_city_statistics_and_backlog_break_down_by_county_and_a_county_cannot_ask_for_the_city()
    {
        var settlement = (await city.Users["supervisor-city"].Get($"/api/stats/settlement?{CityFixture.Period}&groupBy=node")).ShouldBe(HttpStatusCode.OK).Body;
        settlement["received"]!.GetValue<long>().ShouldBe(3);
        var groups = settlement["groups"]!.AsArray().ToDictionary(g => g!["key"]!.GetValue<string>(), g => g!);
        groups.Keys.ShouldBe(["KA", "KB"], ignoreOrder: true);
        (groups["KA"]["received"]!.GetValue<long>(), groups["KA"]["label"]!.GetValue<string>()).ShouldBe((2, "甲县"));
        (groups["KB"]["received"]!.GetValue<long>(), groups["KB"]["label"]!.GetValue<string>()).ShouldBe((1, "乙县"));

        var backlog = (await city.Users["auditor-city"].Get("/api/stats/backlog")).ShouldBe(HttpStatusCode.OK).Body;
        (backlog["nodeCode"]!.GetValue<string>(), backlog["open"]!.GetValue<long>(), backlog["overdue"]!.GetValue<long>()).ShouldBe(("CITY", 3, 2));
        backlog["byLevel"]!.AsObject().Select(l => l.Key).ShouldBe(["Grid", "Community", "Street", "County"]);
        backlog["byUnit"]!.AsArray().Select(u => (u!["nodeCode"]!.GetValue<string>(), u["nodeName"]!.GetValue<string>(), u["open"]!.GetValue<long>(), u["overdue"]!.GetValue<long>()))
            .ShouldBe([("KA", "甲县", 2L, 1L), ("KB", "乙县", 1L, 1L)]);

        // A county's own figures by default; the city and the other county are not in its jurisdiction.
        var county = (await city.Users["supervisor-ka"].Get("/api/stats/backlog")).ShouldBe(HttpStatusCode.OK).Body;
        (county["nodeCode"]!.GetValue<string>(), county["open"]!.GetValue<long>()).ShouldBe(("KA", 2));
        county["byUnit"]!.AsArray().Select(u => u!["nodeCode"]!.GetValue<string>()).ShouldBe(["KA1", "KA"]);
        foreach (var path in new[] { "/api/stats/settlement?nodeCode={0}", "/api/stats/backlog?nodeCode={0}", "/api/reports/settlement?nodeCode={0}&format=csv" })
        foreach (var node in new[] { "CITY", "KB" })
            (await city.Users["supervisor-ka"].Get(string.Format(path, node))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_city_reports_list_each_county_and_a_county_report_holds_its_own_cases_only()
    {
        var report = await TextAsync("auditor-city", $"/api/reports/settlement?{CityFixture.Period}&format=csv");
        report.ShouldContain("测试市矛盾纠纷调处化解情况统计表");
        var lines = report.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        lines.ShouldContain(l => l.StartsWith("甲县,2,", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("乙县,1,", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("合计,3,", StringComparison.Ordinal));

        var cityList = await TextAsync("supervisor-city", "/api/reports/cases?format=csv");
        foreach (var (_, number) in new[] { city.OverdueInA, city.AtTheGridInA, city.OverdueInB }) cityList.ShouldContain(number);
        var countyList = await TextAsync("supervisor-ka", "/api/reports/cases?format=csv");
        countyList.ShouldContain(city.OverdueInA.Number);
        countyList.ShouldNotContain(city.OverdueInB.Number);
    }

    [Fact]
    public async Task The_dashboard_and_reports_pages_work_at_the_city_with_its_counties_and_at_a_county_with_nothing_of_the_other()
    {
        var cityPage = await TextAsync("supervisor-city", "/workbench/dashboard");
        cityPage.ShouldContain("测试市");
        cityPage.ShouldContain("data-testid=\"by-unit\"");
        var ranking = cityPage[cityPage.IndexOf("data-testid=\"ranking\"", StringComparison.Ordinal)..];
        ranking.ShouldContain("甲县");
        ranking.ShouldContain("乙县");
        var overdue = cityPage[cityPage.IndexOf("data-testid=\"overdue-list\"", StringComparison.Ordinal)..];
        overdue.ShouldContain(city.OverdueInA.Number);
        overdue.ShouldContain(city.OverdueInB.Number);

        var cityReports = await TextAsync("auditor-city", $"/workbench/reports?{CityFixture.Period}");
        cityReports.ShouldContain("<option value=\"KB\"");
        var table = cityReports[cityReports.IndexOf("<table", StringComparison.Ordinal)..];
        table.ShouldContain("甲县");
        table.ShouldContain("乙县");

        var countyPage = await TextAsync("supervisor-ka", "/workbench/dashboard");
        countyPage.ShouldContain("甲县城关街道");
        countyPage.ShouldContain(city.OverdueInA.Number);
        countyPage.ShouldNotContain(city.OverdueInB.Number);
        countyPage.ShouldNotContain("乙县");
        countyPage.ShouldNotContain("测试市");
    }
}
