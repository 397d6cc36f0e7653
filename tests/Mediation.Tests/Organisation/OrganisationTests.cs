using System.Net;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Organisation;

public class OrganisationTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    [Fact]
    public async Task The_tree_nests_streets_communities_and_grids_under_the_county()
    {
        var tree = (await Api.Get("/api/org/tree")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        var county = tree.ShouldHaveSingleItem()!;
        county["code"]!.GetValue<string>().ShouldBe("C1");
        var streets = county["children"]!.AsArray();
        streets.Select(s => s!["code"]!.GetValue<string>()).ShouldBe(["S1", "S2"]);
        var s1 = streets[0]!["children"]!.AsArray();
        s1.Select(c => c!["code"]!.GetValue<string>()).ShouldBe(["S1C1", "S1C2"]);
        s1[0]!["children"]!.AsArray().Select(g => g!["level"]!.GetValue<string>()).ShouldAllBe(l => l == "Grid");
    }

    [Fact]
    public async Task A_node_is_renamed_in_place_but_never_moved()
    {
        (await Api.Put("/api/org/nodes/S2C1", new { name = "河西社区", level = "Community", parentCode = "S2" })).ShouldBe(HttpStatusCode.OK)
            .Body["name"]!.GetValue<string>().ShouldBe("河西社区");
        (await Api.Get("/api/org/nodes/S2C1")).Body["name"]!.GetValue<string>().ShouldBe("河西社区");
        (await Api.Put("/api/org/nodes/S2C1", new { name = "河西社区", level = "Community", parentCode = "S1" })).ShouldBe(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("G9", """{"name":"网格","level":"Grid","parentCode":"S1"}""", "level")]
    [InlineData("G9", """{"name":"网格","level":"Grid"}""", "parentCode")]
    [InlineData("C9", """{"name":"县","level":"County","parentCode":"C1"}""", "level")]
    [InlineData("M9", """{"name":"市","level":"City","parentCode":"C1"}""", "parentCode")]
    [InlineData("G9", """{"name":"","level":"Grid","parentCode":"S1C1"}""", "name")]
    [InlineData("bad code!", """{"name":"网格","level":"Grid","parentCode":"S1C1"}""", "code")]
    [InlineData("G9", """{"name":"网格","level":"Village","parentCode":"S1C1"}""", "level")]
    public async Task Bad_nodes_are_refused_naming_the_field(string code, string body, string field)
    {
        var answer = (await Api.Put($"/api/org/nodes/{Uri.EscapeDataString(code)}", body)).ShouldBe(HttpStatusCode.BadRequest);
        var errors = answer.Body["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        (errors.Contains(field) || answer.Body["detail"]!.GetValue<string>().Contains(field)).ShouldBeTrue(answer.ToString());
        (await Api.Get($"/api/org/nodes/{Uri.EscapeDataString(code)}")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_renames_and_creates_nodes_only_within_their_jurisdiction()
    {
        var street = await TestUsers.SignedInAsync(service.Host, "admin-of-s1", [Roles.Admin], "S1");

        (await street.Put("/api/org/nodes/S1C2", new { name = "西门社区", level = "Community", parentCode = "S1" })).ShouldBe(HttpStatusCode.OK);
        (await street.Put("/api/org/nodes/S1C2G9", new { name = "西门第九网格", level = "Grid", parentCode = "S1C2" })).ShouldBe(HttpStatusCode.Created);

        // Outside: answered as a node that does not exist, and nothing changes.
        var rename = (await street.Put("/api/org/nodes/S2", new { name = "改名镇", level = "Street", parentCode = "C1" })).ShouldBe(HttpStatusCode.NotFound);
        rename.Body["detail"]!.GetValue<string>().ShouldBe("There is no node S2 in your jurisdiction.");
        (await Api.Get("/api/org/nodes/S2")).Body["name"]!.GetValue<string>().ShouldBe("河西镇");
        var create = (await street.Put("/api/org/nodes/S2C9", new { name = "河东村", level = "Community", parentCode = "S2" })).ShouldBe(HttpStatusCode.NotFound);
        create.Body["detail"]!.GetValue<string>().ShouldBe("There is no node S2 in your jurisdiction.");
        var missingParent = (await street.Put("/api/org/nodes/S9C9", new { name = "河东村", level = "Community", parentCode = "NOPE" }))
            .ShouldBe(HttpStatusCode.NotFound);
        missingParent.Body["detail"]!.GetValue<string>().ShouldBe("There is no node NOPE in your jurisdiction.");
        (await Api.Put("/api/org/nodes/G9", new { name = "网格", level = "Grid", parentCode = "NOPE" })).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get("/api/org/nodes/S2C9")).ShouldBe(HttpStatusCode.NotFound);

        // A county is a root: for an administrator of the whole tree only, whether or not the code is taken.
        (await street.Put("/api/org/nodes/C9", new { name = "另一县", level = "County" })).ShouldBe(HttpStatusCode.Forbidden);
        (await street.Put("/api/org/nodes/C1", new { name = "改名县", level = "County" })).ShouldBe(HttpStatusCode.Forbidden);
        (await Api.Get("/api/org/nodes/C9")).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get("/api/org/tree")).Body.AsArray().ShouldHaveSingleItem()!["name"]!.GetValue<string>().ShouldBe("测试县");
    }

    [Fact]
    public async Task Categories_are_a_code_table_with_Chinese_names()
    {
        var categories = (await Api.Get("/api/categories")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        categories.Count.ShouldBe(15);
        categories.Single(c => c!["id"]!.GetValue<string>() == "Neighbour")!["nameZh"]!.GetValue<string>().ShouldBe("邻里");
    }
}
