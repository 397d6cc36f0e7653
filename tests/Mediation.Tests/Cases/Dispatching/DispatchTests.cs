using System.Net;
using Alba;
using Marten.Events;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Dispatching;

/// <summary>
/// A case routed to the departments that can settle it: a lead unit and co-units, each with a task and a due date;
/// the departments' own users follow the case and report on their task, the centre recalls and dispatches again, and
/// the department breakdown counts each case for every unit it went to, with the tasks' on-time flags.
/// </summary>
public class DispatchTests(CaseFixture service) : IClassFixture<CaseFixture>, IAsyncLifetime
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public async ValueTask InitializeAsync()
    {
        // The county's labour bureau and housing bureau, and the police station of street S1.
        foreach (var (code, name, parent) in new[] { ("C1-HRSS", "县人力资源和社会保障局", "C1"), ("C1-HOUSING", "县住房和城乡建设局", "C1"), ("S1-POLICE", "城关派出所", "S1") })
        {
            var put = await service.Api.Put($"/api/org/nodes/{code}", new { name, level = "Department", parentCode = parent });
            put.Code.ShouldBeOneOf(200, 201);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    async Task<Guid> WageDisputeAsync(DateTimeOffset? receivedAt = null)
    {
        var filing = System.Text.Json.JsonSerializer.SerializeToNode(new
        {
            kind = "Dispute", channel = "WalkIn", category = "Labour", summary = "农民工讨要工资，与包工头发生冲突", nodeCode = "S1C1G1",
            parties = new[] { Requests.Party(), Requests.Party("Respondent", "李四", "110105194912310038", "13987654321") },
        })!.AsObject();
        if (receivedAt is { } at) { filing["receivedAt"] = at; filing["lateReason"] = "据纸质台账补录"; }
        return (await service.Api.Post("/api/cases", filing)).ShouldBe(HttpStatusCode.Created).Id;
    }

    [Fact]
    public async Task A_wage_dispute_goes_to_the_labour_bureau_with_the_police_station_and_both_count_with_their_on_time_flags()
    {
        // Received on a day of its own, which the breakdown below covers alone.
        var received = DateTimeOffset.UtcNow.AddDays(-200);
        var id = await WageDisputeAsync(received);
        var dispatchedAt = received.AddDays(1);
        (await service.Api.Post($"/api/cases/{id}/dispatch", new
        {
            tasks = new object[]
            {
                new { unitCode = "C1-HRSS", role = "Lead", task = "核实欠薪数额，责令用工单位限期支付", dueAt = DateTimeOffset.UtcNow.AddDays(5) },
                new { unitCode = "S1-POLICE", role = "Co", task = "现场维护秩序，防止冲突升级", dueAt = received.AddDays(3) },
            },
            note = "中心牵头，部门解决实体问题", occurredAt = dispatchedAt, lateReason = "据纸质台账补录",
        })).ShouldBe(HttpStatusCode.OK);

        var labour = await TestUsers.SignedInAsync(service.Host, "hrss-wang", [Roles.Mediator], "C1-HRSS");
        var police = await TestUsers.SignedInAsync(service.Host, "police-li", [Roles.Mediator], "S1-POLICE");
        var otherGrid = await TestUsers.SignedInAsync(service.Host, "clerk-s2c1g1-dispatch", [Roles.Clerk], "S2C1G1");

        // Each department's user sees the case and finds it in their list; a grid elsewhere does not.
        (await labour.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK);
        (await police.Get("/api/cases?pageSize=200")).Body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldContain(id.ToString());
        (await otherGrid.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.NotFound);

        // On the case page the bureau's user sees the tasks and is offered its feedback, nothing else.
        var page = System.Net.WebUtility.HtmlDecode(await (await labour.Client.GetAsync($"/workbench/cases/{id}", Cancellation)).Content.ReadAsStringAsync(Cancellation));
        page.ShouldContain("data-testid=\"tasks\"");
        page.ShouldContain("县人力资源和社会保障局");
        page.ShouldContain("data-action=\"department-feedback\"");
        page.ShouldNotContain("data-action=\"resolve\"");

        // The police station reports late (after its due date), for its own task only; the bureau reports, then completes in time.
        (await police.Post($"/api/cases/{id}/department-feedback", new { unitCode = "C1-HRSS", feedback = "代为反馈" })).ShouldBe(HttpStatusCode.Forbidden);
        (await police.Post($"/api/cases/{id}/department-feedback", new
        {
            feedback = "已出警，双方情绪稳定", completed = true, occurredAt = received.AddDays(6), lateReason = "据出警记录补录",
        })).ShouldBe(HttpStatusCode.OK);
        (await labour.Post($"/api/cases/{id}/department-feedback", new { feedback = "已约谈用工单位" })).ShouldBe(HttpStatusCode.OK);
        (await labour.Post($"/api/cases/{id}/department-feedback", new { feedback = "用工单位已支付工资 56000 元", completed = true }))
            .ShouldBe(HttpStatusCode.OK);
        // Neither may act on the case itself.
        (await labour.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 56000 }))
            .ShouldBe(HttpStatusCode.Forbidden);

        (await service.Api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 56000 }))
            .ShouldBe(HttpStatusCode.OK);
        var tasks = (await service.Api.Get($"/api/cases/{id}")).Body["tasks"]!.AsArray();
        tasks.Select(t => (t!["unitCode"]!.GetValue<string>(), t["role"]!.GetValue<string>(), t["completedOnTime"]!.GetValue<bool>(), t["feedbacks"]!.GetValue<int>()))
            .ShouldBe([("C1-HRSS", "Lead", true, 2), ("S1-POLICE", "Co", false, 1)]);

        var from = ReportDate(received);
        var to = ReportDate(received.AddDays(1));
        var breakdown = (await service.Api.Get($"/api/stats/departments?nodeCode=C1&from={from}&to={to}")).ShouldBe(HttpStatusCode.OK).Body["departments"]!.AsArray();
        var hrss = breakdown.Single(d => d!["nodeCode"]!.GetValue<string>() == "C1-HRSS")!;
        var station = breakdown.Single(d => d!["nodeCode"]!.GetValue<string>() == "S1-POLICE")!;
        (hrss["cases"]!.GetValue<long>(), hrss["asLead"]!.GetValue<long>(), hrss["completedOnTime"]!.GetValue<long>(), hrss["resolved"]!.GetValue<long>())
            .ShouldBe((1, 1, 1, 1));
        (station["cases"]!.GetValue<long>(), station["asLead"]!.GetValue<long>(), station["completed"]!.GetValue<long>(), station["completedOnTime"]!.GetValue<long>(),
            station["resolved"]!.GetValue<long>()).ShouldBe((1, 0, 1, 0, 1));
        hrss["resolutionRate"]!.GetValue<double>().ShouldBe(1.0);
        station["onTimeRate"]!.GetValue<double>().ShouldBe(0.0);
        breakdown.Single(d => d!["nodeCode"]!.GetValue<string>() == "C1-HOUSING")!["cases"]!.GetValue<long>().ShouldBe(0);
    }

    static string ReportDate(DateTimeOffset at) => at.ToOffset(Cst).ToString("yyyy-MM-dd");

    [Fact]
    public async Task The_centre_recalls_and_dispatches_again_one_unit_leads_and_a_joint_session_names_the_units_taking_part()
    {
        var id = await WageDisputeAsync();
        var due = DateTimeOffset.UtcNow.AddDays(10);
        (await service.Api.Post($"/api/cases/{id}/dispatch", new
        {
            tasks = new[] { new { unitCode = "C1-HOUSING", role = "Lead", task = "核查物业欠费", dueAt = due } },
        })).ShouldBe(HttpStatusCode.OK);

        // Two leads, a unit that is not a department, a unit dispatched already, a due date before the dispatch: each refused, naming it.
        var second = await service.Api.Post($"/api/cases/{id}/dispatch", new { tasks = new[] { new { unitCode = "C1-HRSS", role = "Lead", task = "核实欠薪", dueAt = due } } });
        second.ShouldBe(HttpStatusCode.BadRequest);
        second.Body["errors"]!["tasks"].ShouldNotBeNull();
        var notADepartment = await service.Api.Post($"/api/cases/{id}/dispatch", new { tasks = new[] { new { unitCode = "S1C1", role = "Co", task = "协助", dueAt = due } } });
        notADepartment.ShouldBe(HttpStatusCode.BadRequest);
        notADepartment.Body["errors"]!["tasks[0].unitCode"].ShouldNotBeNull();
        (await service.Api.Post($"/api/cases/{id}/dispatch", new { tasks = new[] { new { unitCode = "C1-HOUSING", role = "Co", task = "再次交办", dueAt = due } } }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["tasks[0].unitCode"].ShouldNotBeNull();
        (await service.Api.Post($"/api/cases/{id}/dispatch", new { tasks = new[] { new { unitCode = "S1-POLICE", role = "Co", task = "协助", dueAt = DateTimeOffset.UtcNow.AddDays(-1) } } }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["tasks[0].dueAt"].ShouldNotBeNull();
        (await service.Api.Post($"/api/cases/{id}/dispatch", new { tasks = Array.Empty<object>() }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["tasks"].ShouldNotBeNull();

        // The housing bureau was the wrong unit: recalled, and the labour bureau leads instead, the police station helping.
        (await service.Api.Post($"/api/cases/{id}/recall-dispatch", new { unitCode = "C1-HOUSING", reason = "系欠薪纠纷，非物业纠纷" })).ShouldBe(HttpStatusCode.OK);
        var recalledAgain = await service.Api.Post($"/api/cases/{id}/recall-dispatch", new { unitCode = "C1-HOUSING", reason = "重复撤回" });
        recalledAgain.ShouldBe(HttpStatusCode.Conflict);
        recalledAgain.Body["command"]!.GetValue<string>().ShouldBe("recall-dispatch");
        (await service.Api.Post($"/api/cases/{id}/dispatch", new
        {
            tasks = new object[]
            {
                new { unitCode = "C1-HRSS", role = "Lead", task = "核实欠薪", dueAt = due },
                new { unitCode = "S1-POLICE", role = "Co", task = "维护秩序", dueAt = due },
            },
        })).ShouldBe(HttpStatusCode.OK);

        var housing = await TestUsers.SignedInAsync(service.Host, "housing-zhao", [Roles.Mediator], "C1-HOUSING");
        (await housing.Post($"/api/cases/{id}/department-feedback", new { feedback = "已撤回仍反馈" })).ShouldBe(HttpStatusCode.Conflict);

        // The joint session names the departments that sat in; one the case never went to is refused.
        (await service.Api.Post($"/api/cases/{id}/sessions", new { mode = "InPerson", mediators = new[] { "王调解" }, units = new[] { "C1-HRSS", "S1-POLICE" } }))
            .ShouldBe(HttpStatusCode.OK);
        var history = (await service.Api.Get($"/api/cases/{id}/history")).Body.AsArray();
        history.Last()!["data"]!["units"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe(["C1-HRSS", "S1-POLICE"]);
        (await service.Api.Post($"/api/cases/{id}/sessions", new { mode = "InPerson", mediators = new[] { "王调解" }, units = new[] { "S1C1" } }))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["units[0]"].ShouldNotBeNull();

        var tasks = (await service.Api.Get($"/api/cases/{id}")).Body["tasks"]!.AsArray();
        tasks.Select(t => (t!["unitCode"]!.GetValue<string>(), t["recalledAt"] is not null)).ShouldBe([("C1-HOUSING", true), ("C1-HRSS", false), ("S1-POLICE", false)]);
        (await service.Api.Get("/api/cases?department=S1-POLICE&pageSize=200")).Body["items"]!.AsArray()
            .Select(i => i!["id"]!.GetValue<string>()).ShouldContain(id.ToString());
    }

    [Fact]
    public async Task A_task_still_open_at_its_due_date_is_recorded_overdue_by_the_service()
    {
        var received = DateTimeOffset.UtcNow.AddDays(-10);
        var id = await WageDisputeAsync(received);
        (await service.Api.Post($"/api/cases/{id}/dispatch", new
        {
            tasks = new[] { new { unitCode = "C1-HRSS", role = "Lead", task = "核实欠薪", dueAt = received.AddDays(2) } },
            occurredAt = received.AddDays(1), lateReason = "据纸质台账补录",
        })).ShouldBe(HttpStatusCode.OK);
        // The scheduled check is due already: it runs at once.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var history = (await service.Api.Get($"/api/cases/{id}/history")).Body.AsArray();
            if (history.Any(e => e!["type"]!.GetValue<string>() == "DepartmentTaskOverdue")) break;
            await Task.Delay(200, Cancellation);
        }
        var overdue = (await service.Api.Get($"/api/cases/{id}/history")).Body.AsArray().Where(e => e!["type"]!.GetValue<string>() == "DepartmentTaskOverdue").ToList();
        overdue.Count.ShouldBe(1);
        overdue[0]!["data"]!["unitCode"]!.GetValue<string>().ShouldBe("C1-HRSS");
        (await service.Api.Get($"/api/cases/{id}")).Body["tasks"]![0]!["overdue"]!.GetValue<bool>().ShouldBeTrue();
    }
}
