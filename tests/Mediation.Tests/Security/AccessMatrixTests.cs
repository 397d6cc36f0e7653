using System.Net;
using Mediation.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Security;

/// <summary>
/// Every endpoint the service maps × every role × inside and outside the caller's jurisdiction gives
/// the answer the access table says: 403 for a role it does not name, 404 outside the jurisdiction,
/// and otherwise whatever the endpoint answers (but never 401, 403, 404 or 5xx). A case filed inside
/// but handled outside now (escalated to the county) is read like one inside, and every command on
/// it is refused with 403 naming where it is handled.
/// </summary>
public class AccessMatrixTests(SecurityFixture service) : IClassFixture<SecurityFixture>
{
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>A valid body per command, so that what is tested is access, not validation.</summary>
    static readonly Dictionary<string, Func<string, object?>> Bodies = new()
    {
        ["POST /api/users"] = node => new { username = $"made-{Guid.NewGuid():N}"[..20], password = "a-long-password", displayName = "新用户", roles = new[] { "Clerk" }, nodeCode = node },
        ["PATCH /api/users/{username}"] = _ => new { displayName = "改名用户" },
        ["POST /api/users/{username}/password"] = _ => new { password = "a-new-long-password" },
        // The current password given as the new one: refused as invalid (400) after access was granted, so the users' sessions stay.
        ["POST /api/auth/password"] = _ => new { currentPassword = TestUsers.Password, newPassword = TestUsers.Password },
        ["PUT /api/org/nodes/{code}"] = _ => null, // set per node below
        ["POST /api/cases"] = node => Cases.Requests.Dispute(node),
        ["POST /api/cases/{id}/accept"] = _ => new { noticeMethod = "Written" },
        ["POST /api/cases/{id}/not-accept"] = _ => new { noticeMethod = "Written", reason = "不属于受理范围" },
        ["POST /api/cases/{id}/assign"] = _ => new { gridCode = "S1C1G1", assignee = "网格员甲" },
        ["POST /api/cases/{id}/sessions"] = _ => new { heldAt = Now, mode = "InPerson", mediators = new[] { "调解员甲" }, note = "第一次调解" },
        ["POST /api/cases/{id}/refusal"] = _ => new { partyRole = "Respondent", note = "拒绝调解" },
        ["POST /api/cases/{id}/escalate"] = _ => new { reason = "MediationFailed", note = "调解未果" },
        ["POST /api/cases/{id}/regrade-risk"] = _ => new { colour = "Orange", reason = "矛盾有激化苗头" },
        ["POST /api/cases/{id}/assign-leader"] = _ => new { leader = "县领导", duties = "牵头协调化解", targetAt = DateTimeOffset.UtcNow.AddDays(30) },
        ["POST /api/cases/{id}/dispatch"] = _ => new { tasks = new[] { new { unitCode = "NO-SUCH-DEPT", role = "Lead", task = "核查", dueAt = DateTimeOffset.UtcNow.AddDays(10) } } },
        ["POST /api/cases/{id}/department-feedback"] = _ => new { unitCode = "NO-SUCH-DEPT", feedback = "已核查" },
        ["POST /api/cases/{id}/recall-dispatch"] = _ => new { unitCode = "NO-SUCH-DEPT", reason = "交办有误" },
        ["POST /api/cases/{id}/send-back"] = _ => new { note = "退回" },
        ["POST /api/cases/{id}/extend-deadline"] = _ => new { days = 10, approver = "主任", reason = "案情复杂" },
        ["POST /api/cases/{id}/supervise"] = _ => new { kind = "Reminder", note = "督办" },
        ["POST /api/cases/{id}/transfer-out"] = _ => new { target = "Court", note = "转诉讼" },
        ["POST /api/cases/{id}/resolve"] = _ => new { outcome = "Withdrawn", note = "撤回" },
        ["POST /api/cases/{id}/performance"] = _ => new { result = "Full" },
        ["PUT /api/cases/{id}/agreement"] = _ => new
        {
            form = "Written", facts = "事实", mediators = new[] { "王调解" },
            terms = new[] { new { obligor = Guid.NewGuid(), obligee = Guid.NewGuid(), content = "赔偿" } },
        },
        ["POST /api/cases/{id}/agreement/signatures"] = _ => new { seal = true },
        ["POST /api/cases/{id}/confirmation"] = _ => new { @event = "Applied", court = "某区人民法院" },
        ["POST /api/cases/{id}/follow-up"] = _ => new { satisfaction = "Satisfied", note = "回访" },
        ["POST /api/cases/{id}/close"] = _ => new { },
        ["POST /api/cases/{id}/reopen"] = _ => new { reason = "当事人反悔" },
        // A month long before any case here: the lock changes nothing the other requests rely on.
        ["POST /api/periods/locks"] = node => new { nodeCode = node, month = "2020-01" },
        ["POST /api/cases/{id}/corrections"] = _ => new { correctsVersion = 1, changes = new { channel = "Letter" }, reason = "登记时误选来源" },
        ["POST /api/cases/{id}/review"] = _ => new { reason = "不服处理意见" },
        ["POST /api/cases/{id}/archive"] = _ => new { retention = "Long" },
        ["POST /api/cases/{id}/attachments"] = _ => Cases.Attachments.Files.Form(Cases.Attachments.Files.Png, "现场照片.png", "现场"),
        ["POST /api/parties/{id}/erase"] = _ => new { reason = "当事人申请删除，保存期限已满" },
        ["POST /api/persons/related"] = _ => new { idNumber = "11010519491231002X" },
    };

    IReadOnlyList<(string key, string method, string pattern)> MappedApiEndpoints() =>
        service.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/") == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (AccessTable.KeyOf(m, e.RoutePattern.RawText!), m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct().OrderBy(e => e.Item1).ToList();

    [Fact]
    public void Every_mapped_endpoint_is_in_the_access_table_and_the_table_names_no_other()
    {
        var mapped = MappedApiEndpoints().Select(e => e.key).ToList();
        mapped.ShouldNotBeEmpty();
        mapped.Where(k => !AccessTable.Endpoints.ContainsKey(k)).ShouldBeEmpty("endpoints the access table does not name");
        AccessTable.Endpoints.Keys.Where(k => !mapped.Contains(k)).ShouldBeEmpty("access table rows for endpoints that do not exist");
    }

    [Fact]
    public void Every_workbench_page_is_in_the_access_table_and_the_table_names_no_other()
    {
        var pages = service.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p == "/workbench" || p.StartsWith("/workbench/", StringComparison.Ordinal)).Distinct().ToList();
        pages.ShouldNotBeEmpty();
        pages.Where(p => !AccessTable.Pages.ContainsKey(p)).ShouldBeEmpty("workbench pages the access table does not name");
        AccessTable.Pages.Keys.Where(p => !pages.Contains(p)).ShouldBeEmpty("access table rows for pages that do not exist");
    }

    [Fact]
    public async Task Every_workbench_page_for_every_role_answers_as_the_table_says()
    {
        var failures = new List<string>();
        foreach (var (pattern, access) in AccessTable.Pages)
        {
            var path = pattern.Replace("{Id:guid}", service.Inside.ToString());
            foreach (var role in Roles.All)
            {
                // The same middleware judges a page whatever signed the caller in; a token is simplest here.
                var answer = await service.ByRole[role].Get(path);
                var code = answer.Code;
                var allowed = access.Anonymous || access.Roles.Contains(role);
                if (allowed ? code is 403 or >= 500 : code != 403) failures.Add($"{pattern} as {role}: {code} (expected {(allowed ? "not 403/5xx" : "403")})");
            }
        }
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_browser_refused_a_page_gets_a_page_saying_so()
    {
        var answer = await service.ByRole[Roles.Clerk].Send(HttpMethod.Get, "/workbench/dashboard", null,
            r => r.Headers.Accept.ParseAdd("text/html"));
        answer.Code.ShouldBe(403);
        (await answer.Response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("无权访问");
    }

    [Fact]
    public async Task A_workbench_page_without_a_session_goes_to_sign_in()
    {
        var answer = await service.Host.Scenario(s =>
        {
            s.Get.Url("/workbench/queue?status=Assigned");
            s.StatusCodeShouldBe(302);
        });
        answer.Context.Response.Headers.Location.ToString().ShouldBe("/workbench/sign-in?returnUrl=%2Fworkbench%2Fqueue%3Fstatus%3DAssigned");
    }

    [Fact]
    public async Task Anonymous_writes_to_the_api_are_judged_by_token_only()
    {
        // A cookie counts for reading /api (report downloads), never for writing: no cross-site form can act.
        var answer = await service.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/cases/{service.Inside}/close");
            s.WithRequestHeader("Cookie", $"{SecuritySetup.WorkbenchCookie}=forged");
            s.StatusCodeShouldBe(401);
        });
        answer.Context.Response.Headers.WWWAuthenticate.ToString().ShouldBe("Bearer");
    }

    /// <summary>Where the case, node or party a request names lies for the callers at S1.</summary>
    enum Place { Inside, Outside, HandledOutside }

    [Fact]
    public async Task Every_endpoint_for_every_role_inside_and_outside_the_jurisdiction_answers_as_the_table_says()
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (key, method, pattern) in MappedApiEndpoints())
        {
            var access = AccessTable.Endpoints[key];
            if (access.Anonymous) continue;
            var aboutACase = pattern.Contains("{id}") || pattern.Contains("{caseNumber}");
            foreach (var role in Roles.All)
            foreach (var place in !access.InJurisdiction ? [Place.Inside] : aboutACase ? Enum.GetValues<Place>() : [Place.Inside, Place.Outside])
            {
                var (path, body) = Request(key, pattern, place);
                var answer = await service.ByRole[role].Send(new HttpMethod(method), path, body);
                checkedCount++;
                // The callers here are of street S1: a row for the whole tree refuses them whatever their role.
                var allowed = access.Roles.Contains(role) && !access.WholeTree;
                var (ok, expected) = !allowed ? (answer.Code == 403, "403")
                    : place == Place.Outside ? (answer.Code == 404, "404")
                    : place == Place.HandledOutside && method != "GET"
                        ? (answer.Code == 403 && answer.Json?["handlingNodeCode"]?.GetValue<string>() == "C1", "403 naming the handling node C1")
                    : (answer.Code is not (401 or 403 or 404) and < 500, "no 401/403/404/5xx");
                if (!ok) failures.Add($"{key} as {role} {place}: {answer} (expected {expected})");
            }
        }
        checkedCount.ShouldBeGreaterThan(400);
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_endpoint_for_the_whole_tree_answers_its_roles_of_the_whole_tree_and_refuses_them_below_it()
    {
        var rows = AccessTable.Endpoints.Where(e => e.Value.WholeTree).ToList();
        rows.ShouldNotBeEmpty();
        foreach (var (key, access) in rows)
        {
            var path = key[(key.IndexOf(' ') + 1)..];
            // The tests' own user holds every role over the whole tree.
            (await service.Api.Get(path)).Code.ShouldBe(200, key);
            var below = (await service.ByRole[access.Roles.First()].Get(path)).ShouldBe(System.Net.HttpStatusCode.Forbidden);
            below.Body["detail"]!.GetValue<string>().ShouldContain("whole tree");
        }
    }

    (string path, object? body) Request(string key, string pattern, Place place)
    {
        var inside = place != Place.Outside;
        var node = inside ? "S1C1" : "S2C1";
        var (caseId, number, party) = place switch
        {
            Place.Inside => (service.Inside, service.InsideNumber, service.InsideParty),
            Place.Outside => (service.Outside, service.OutsideNumber, service.OutsideParty),
            _ => (service.Escalated, service.EscalatedNumber, service.EscalatedParty),
        };
        var path = pattern
            .Replace("{caseNumber}", number)
            .Replace("{code}", node)
            .Replace("{username}", inside ? SecurityFixture.InsideUser : SecurityFixture.OutsideUser)
            .Replace("{attachmentId}", service.AttachmentOf[caseId].ToString())
            .Replace("{kind}", "agreement")
            .Replace("{id}", key.StartsWith("POST /api/parties") ? party.ToString() : caseId.ToString());
        if (pattern.Contains("{attachmentId}") || pattern.Contains("{kind}") || pattern.EndsWith("/case-file", StringComparison.Ordinal)) path += "?reason=核对协议内容";
        if (key.StartsWith("GET /api/stats/") || key.StartsWith("GET /api/reports/") || key.StartsWith("GET /api/periods/"))
            path += $"?nodeCode={(inside ? "S1" : "S2")}";
        object? body = key switch
        {
            "PUT /api/org/nodes/{code}" => new { name = inside ? "东门社区" : "河西村", level = "Community", parentCode = inside ? "S1" : "S2" },
            _ when key.StartsWith("GET ") => null,
            _ => Bodies.TryGetValue(key, out var make) ? make(node) : throw new InvalidOperationException($"No body for {key}: add one"),
        };
        return (path, body);
    }
}
