using System.Net;
using Mediation.Auditing;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Security;

/// <summary>
/// Jurisdiction beyond the role table: acting on a case needs the node handling it now; nothing
/// outside the jurisdiction, not even whether it exists, is told before the jurisdiction is checked;
/// the access log is read within the reader's jurisdiction.
/// </summary>
public class JurisdictionTests(SecurityFixture service) : IClassFixture<SecurityFixture>
{
    static string Detail(Api.Answer answer) => answer.Body["detail"]!.GetValue<string>();

    /// <summary>A case filed at grid S1C1G1 and escalated to the county: grid → S1C1 → S1 → C1.</summary>
    async Task<Guid> EscalatedToTheCountyFromTheGridAsync()
    {
        var id = (await service.Api.Post("/api/cases", Requests.Dispute("S1C1G1"))).ShouldBe(HttpStatusCode.Created).Id;
        for (var i = 0; i < 3; i++) (await service.Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed" })).ShouldBe(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task A_case_escalated_to_the_county_is_read_but_not_acted_on_by_the_grid_it_was_filed_at()
    {
        var id = await EscalatedToTheCountyFromTheGridAsync();
        var grid = await TestUsers.SignedInAsync(service.Host, "mediator-filing-grid", [Roles.Mediator], "S1C1G1");

        (await grid.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["handlingNodeCode"]!.GetValue<string>().ShouldBe("C1");
        (await grid.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK);
        foreach (var (command, body) in new (string, object)[]
                 {
                     ("resolve", new { outcome = "Withdrawn", note = "撤回" }),
                     ("transfer-out", new { target = "Court" }),
                     ("sessions", new { heldAt = DateTimeOffset.UtcNow, mode = "InPerson", mediators = new[] { "调解员甲" } }),
                 })
        {
            var refused = (await grid.Post($"/api/cases/{id}/{command}", body)).ShouldBe(HttpStatusCode.Forbidden);
            refused.Body["handlingNodeCode"]!.GetValue<string>().ShouldBe("C1");
            refused.Body["level"]!.GetValue<string>().ShouldBe("County");
            Detail(refused).ShouldContain("County C1");
        }
        (await grid.Get($"/api/cases/{id}")).Version.ShouldBe(4);

        var county = await TestUsers.SignedInAsync(service.Host, "mediator-county", [Roles.Mediator], "C1");
        (await county.Post($"/api/cases/{id}/resolve", new { outcome = "Withdrawn", note = "撤回" })).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Erasing_a_party_needs_the_node_handling_the_case()
    {
        var id = await EscalatedToTheCountyFromTheGridAsync();
        var party = Guid.Parse((await service.Api.Get($"/api/cases/{id}")).Body["parties"]![0]!["id"]!.GetValue<string>());
        const string reason = "当事人申请删除个人信息，卷宗保存期限已满";

        var street = (await service.ByRole[Roles.Admin].Post($"/api/parties/{party}/erase", new { reason })).ShouldBe(HttpStatusCode.Forbidden);
        street.Body["handlingNodeCode"]!.GetValue<string>().ShouldBe("C1");
        (await service.Api.Get($"/api/cases/{id}")).Body["parties"]![0]!["erased"]!.GetValue<bool>().ShouldBeFalse();

        var county = await TestUsers.SignedInAsync(service.Host, "admin-county", [Roles.Admin], "C1");
        (await county.Post($"/api/parties/{party}/erase", new { reason })).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Outside_the_jurisdiction_a_past_version_or_time_answers_as_an_unknown_case()
    {
        var clerk = service.ByRole[Roles.Clerk];
        var unknown = $"There is no case {service.Outside}.";
        foreach (var query in new[] { "version=1", "version=99", $"asOf={Uri.EscapeDataString("2001-01-01T00:00:00+08:00")}" })
            Detail((await clerk.Get($"/api/cases/{service.Outside}?{query}")).ShouldBe(HttpStatusCode.NotFound)).ShouldBe(unknown, query);
        // Inside, the reader may learn how far the case has come.
        Detail((await clerk.Get($"/api/cases/{service.Inside}?version=99")).ShouldBe(HttpStatusCode.NotFound)).ShouldContain("has no version 99");

        // By number: neither the case's id nor anything else about it.
        var byNumber = (await clerk.Get($"/api/cases/by-number/{service.OutsideNumber}")).ShouldBe(HttpStatusCode.NotFound);
        Detail(byNumber).ShouldBe($"There is no case numbered {service.OutsideNumber}.");
        byNumber.Body.ToJsonString().ShouldNotContain(service.Outside.ToString());
    }

    [Fact]
    public async Task A_node_that_does_not_exist_and_a_node_outside_the_jurisdiction_get_the_same_404()
    {
        var supervisor = service.ByRole[Roles.Supervisor];
        var admin = service.ByRole[Roles.Admin];
        var requests = new (string name, Func<string, Task<Api.Answer>> send)[]
        {
            ("file a case", code => supervisor.Post("/api/cases", Requests.Dispute(code))),
            ("statistics", code => supervisor.Get($"/api/stats/settlement?nodeCode={code}")),
            ("backlog", code => supervisor.Get($"/api/stats/backlog?nodeCode={code}")),
            ("case list export", code => supervisor.Get($"/api/reports/cases?nodeCode={code}")),
            ("read a node", code => supervisor.Get($"/api/org/nodes/{code}")),
            ("create a user", code => admin.Post("/api/users",
                new { username = $"u-{Guid.NewGuid():N}"[..16], password = "a-long-password", displayName = "新用户", roles = new[] { "Clerk" }, nodeCode = code })),
            ("create a node", code => admin.Put($"/api/org/nodes/X{Guid.NewGuid():N}"[..20], new { name = "新社区", level = "Community", parentCode = code })),
        };
        foreach (var (name, send) in requests)
        {
            var missing = await send("NOPE");
            var outside = await send("S2");
            (missing.Code, Detail(missing).Replace("NOPE", "{node}")).ShouldBe((404, "There is no node {node} in your jurisdiction."), $"{name}: {missing}");
            (outside.Code, Detail(outside).Replace("S2", "{node}")).ShouldBe((404, "There is no node {node} in your jurisdiction."), $"{name}: {outside}");
        }

        // A grid to assign to is judged within the case's community or street: elsewhere, existing or not, is one answer.
        var id = (await service.Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        var clerk = service.ByRole[Roles.Clerk];
        var nowhere = (await clerk.Post($"/api/cases/{id}/assign", new { gridCode = "NOPE", assignee = "甲" })).ShouldBe(HttpStatusCode.BadRequest);
        var elsewhere = (await clerk.Post($"/api/cases/{id}/assign", new { gridCode = "S2C1G1", assignee = "甲" })).ShouldBe(HttpStatusCode.BadRequest);
        nowhere.Body["errors"]!.ToJsonString().ShouldBe(elsewhere.Body["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task The_access_log_shows_a_reader_the_entries_about_their_jurisdiction_only()
    {
        var otherStreet = await TestUsers.SignedInAsync(service.Host, "supervisor-s2", [Roles.Supervisor], "S2");
        (await otherStreet.Get($"/api/cases/{service.Outside}")).ShouldBe(HttpStatusCode.OK);
        (await service.ByRole[Roles.Clerk].Get($"/api/cases/{service.Inside}")).ShouldBe(HttpStatusCode.OK);
        // Entries written before they carried nodes are for readers of the whole tree only.
        await using (var session = service.Store.LightweightSession())
        {
            session.Insert(new AccessLogEntry { Id = Guid.CreateVersion7(), At = DateTimeOffset.UtcNow, UserName = "before-nodes", Action = AccessAction.ViewCase });
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        static async Task<List<(string user, string action, string? caseId)>> LogAsync(Api reader, string query = "") =>
            (await reader.Get($"/api/audit/access-log?pageSize=500{query}")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray()
            .Select(e => (e!["userName"]!.GetValue<string>(), e["action"]!.GetValue<string>(), e["caseId"]?.GetValue<string>())).ToList();

        var street = await LogAsync(service.ByRole[Roles.Auditor]);
        street.ShouldContain(("clerk-s1", "ViewCase", service.Inside.ToString()));
        street.ShouldContain(("clerk-s1", "SignIn", null));
        street.ShouldNotContain(e => e.user == "supervisor-s2" || e.caseId == service.Outside.ToString() || e.user == "before-nodes");
        (await LogAsync(service.ByRole[Roles.Auditor], $"&caseId={service.Outside}")).ShouldBeEmpty();
        (await LogAsync(service.ByRole[Roles.Auditor], "&user=supervisor-s2")).ShouldBeEmpty();

        var wholeTree = await LogAsync(service.Api);
        wholeTree.ShouldContain(("supervisor-s2", "ViewCase", service.Outside.ToString()));
        wholeTree.ShouldContain(("supervisor-s2", "SignIn", null));
        wholeTree.ShouldContain(e => e.user == "before-nodes");
    }
}
