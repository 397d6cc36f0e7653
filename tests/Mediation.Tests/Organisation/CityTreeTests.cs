using System.Net;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Organisation;

/// <summary>
/// A city is a root of the tree and its children are counties; a county goes under a city by a user of the
/// city, and a new root needs an administrator of the whole tree. (A fixture of its own: it adds a county and a case.)
/// </summary>
public class CityTreeTests(CityFixture city) : IClassFixture<CityFixture>
{
    static string Detail(Api.Answer answer) => answer.Body["detail"]!.GetValue<string>();

    [Fact]
    public async Task The_tree_takes_a_city_at_its_root_only_and_counties_under_it_from_the_city()
    {
        var admin = city.Users["admin-city"];
        (await admin.Put("/api/org/nodes/KC", new { name = "丙县", level = "County", parentCode = "CITY" })).ShouldBe(HttpStatusCode.Created);
        (await admin.Put("/api/org/nodes/KD", new { name = "丁县", level = "County" })).ShouldBe(HttpStatusCode.Forbidden);
        (await city.Api.Put("/api/org/nodes/CITY2", new { name = "另一市", level = "City", parentCode = "CITY" }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["parentCode"]!.ToJsonString().ShouldContain("empty for a city");
        (await admin.Put("/api/org/nodes/KS", new { name = "市直街道", level = "Street", parentCode = "CITY" }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["level"]!.ToJsonString().ShouldContain("County");

        var tree = (await city.Users["supervisor-city"].Get("/api/org/tree")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        tree.Single()!["code"]!.GetValue<string>().ShouldBe("CITY");
        tree.Single()!["level"]!.GetValue<string>().ShouldBe("City");
        tree.Single()!["children"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ShouldBe(["KA", "KB", "KC"]);
        (await city.Users["supervisor-kb"].Get("/api/org/tree")).Body.AsArray().Single()!["code"]!.GetValue<string>().ShouldBe("KB");
    }

    [Fact]
    public async Task A_case_is_filed_at_a_county_or_below_and_climbs_no_higher_than_its_county()
    {
        var atCity = (await city.Api.Post("/api/cases", Requests.Dispute("CITY"))).ShouldBe(HttpStatusCode.BadRequest);
        atCity.Body["errors"]!["nodeCode"]!.ToJsonString().ShouldContain("city");

        var id = (await city.Api.Post("/api/cases", Requests.Dispute("KB1CG"))).ShouldBe(HttpStatusCode.Created).Id;
        foreach (var (handledAt, level) in new[] { ("KB1C", "Community"), ("KB1", "Street"), ("KB", "County") })
        {
            (await city.Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed" })).ShouldBe(HttpStatusCode.OK);
            var read = (await city.Api.Get($"/api/cases/{id}")).Body;
            (read["handlingNodeCode"]!.GetValue<string>(), read["level"]!.GetValue<string>()).ShouldBe((handledAt, level));
        }
        var refused = (await city.Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed" })).ShouldBe(HttpStatusCode.Conflict);
        refused.Body["state"]!.GetValue<string>().ShouldBe("Registered");
        Detail(refused).ShouldContain("no level above");
    }
}
