using System.Net;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The workbench's pages show what the API would let the user do, by the same rules: no actions on a
/// case handled outside the user's jurisdiction, no case list for a role that may not list cases.
/// Rendered over HTTP (the page middleware takes a token as it takes the cookie).
/// </summary>
public class WorkbenchJurisdictionTests(SecurityFixture service) : IClassFixture<SecurityFixture>
{
    static async Task<string> PageAsync(Api user, string path)
    {
        var answer = (await user.Get(path)).ShouldBe(HttpStatusCode.OK);
        return await answer.Response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_case_handled_outside_the_jurisdiction_offers_no_actions_and_says_where_it_is_handled()
    {
        // Escalated from S1C1 to the county: the S1 supervisor reads it but may not act on it.
        var page = await PageAsync(service.ByRole[Roles.Supervisor], $"/workbench/cases/{service.Escalated}");
        page.ShouldContain("data-testid=\"handled-elsewhere\"");
        page.ShouldNotContain("data-action=");

        // A case handled inside still offers them.
        (await PageAsync(service.ByRole[Roles.Supervisor], $"/workbench/cases/{service.Inside}")).ShouldContain("data-action=\"supervise\"");
    }

    [Fact]
    public async Task The_dashboard_lists_overdue_cases_only_to_roles_that_may_list_cases()
    {
        (await service.Api.Post("/api/cases", Requests.Dispute("S1C1", receivedAt: DateTimeOffset.UtcNow.AddDays(-40)))).ShouldBe(HttpStatusCode.Created);

        var supervisor = await PageAsync(service.ByRole[Roles.Supervisor], "/workbench/dashboard");
        supervisor.ShouldContain("data-testid=\"overdue-list\"");
        supervisor.ShouldContain("/workbench/cases/");

        AccessTable.Allows(new CurrentUser("admin-s1", "S1", new HashSet<string> { Roles.Admin }), "GET /api/cases").ShouldBeFalse();
        var admin = await PageAsync(service.ByRole[Roles.Admin], "/workbench/dashboard");
        admin.ShouldContain("data-testid=\"ranking\"");
        admin.ShouldNotContain("data-testid=\"overdue-list\"");
        admin.ShouldNotContain("/workbench/cases/");
    }
}
