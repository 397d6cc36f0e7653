using System.Globalization;
using System.Net;
using Mediation.Common;
using Mediation.Security;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// A case dispatched to a department through the case page's dialog, and the department's own user reporting its
/// task done from the same page, where nothing else is offered to them.
/// </summary>
public partial class WorkbenchFlowTests
{
    [Fact]
    public async Task A_clerk_dispatches_a_case_to_a_department_whose_user_reports_the_task_done()
    {
        fixture.RequireChromium();
        var put = await fixture.Admin.Put("/api/org/nodes/C1-HRSS", new { name = "县人力资源和社会保障局", level = "Department", parentCode = "C1" });
        put.Code.ShouldBeOneOf(200, 201);
        var created = await fixture.Admin.Post("/api/users", new
        {
            username = "hrss", password = BrowserFixture.Password, displayName = "人社局王科长", roles = new[] { Roles.Mediator }, nodeCode = "C1-HRSS",
        });
        created.Code.ShouldBeOneOf(201, 409);
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Labour", "工地拖欠农民工工资", "S1C1", "钱十二");
        var due = DateTimeOffset.UtcNow.AddDays(10).ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "clerk");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await ActAsync(page, "dispatch", async d =>
        {
            await d.Locator("select[name='Act.LeadUnit']").SelectOptionAsync("C1-HRSS");
            await d.Locator("textarea[name='Act.LeadTask']").FillAsync("核实欠薪数额，责令限期支付");
            await d.Locator("input[name='Act.LeadDueAt']").FillAsync(due);
        });
        await ExpectDoneAsync(page, "dispatch");
        var task = page.Locator("[data-testid=tasks] tbody tr");
        await Assertions.Expect(task).ToHaveCountAsync(1);
        await Assertions.Expect(task).ToContainTextAsync("县人力资源和社会保障局");
        await Assertions.Expect(task).ToContainTextAsync("牵头单位");
        await Assertions.Expect(task).ToContainTextAsync("办理中");
        await Shot(page, "30-dispatched");
        await SignOutAsync(page);

        await SignInAsync(page, "hrss");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await Assertions.Expect(page.Locator("[data-action=resolve]")).ToHaveCountAsync(0);
        await ActAsync(page, "department-feedback", async d =>
        {
            // The department's own, and only it, to choose.
            await Assertions.Expect(d.Locator("select[name='Act.UnitCode'] option[value='C1-HRSS']")).ToHaveCountAsync(1);
            await Assertions.Expect(d.Locator("select[name='Act.UnitCode'] option:not([value=''])")).ToHaveCountAsync(1);
            await d.Locator("select[name='Act.UnitCode']").SelectOptionAsync("C1-HRSS");
            await d.Locator("textarea[name='Act.Feedback']").FillAsync("用工单位已支付工资");
            await d.Locator("input[name='Act.Completed']").CheckAsync();
        });
        await ExpectDoneAsync(page, "department-feedback");
        await Assertions.Expect(task).ToContainTextAsync("已办结");
        await Assertions.Expect(task).ToContainTextAsync("用工单位已支付工资");
        await Shot(page, "31-department-feedback");
        (await clerk.Get($"/api/cases/{filed}")).ShouldBe(HttpStatusCode.OK).Body["tasks"]![0]!["completedOnTime"]!.GetValue<bool>().ShouldBeTrue();
    }
}
