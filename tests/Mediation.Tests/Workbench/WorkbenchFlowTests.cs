using System.Net;
using Marten;
using Mediation.Tests.Hosting;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The workbench in a real browser: a case from intake to closing through the pages, each role
/// doing its part as the access table allows (a clerk files, assigns, follows up and closes; a
/// mediator escalates, mediates and resolves), then the supervisor's figures, supervision and report.
/// </summary>
public partial class WorkbenchFlowTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, $"{name}.png"), FullPage = false });

    static async Task SignInAsync(IPage page, string user, string? screenshot = null)
    {
        await page.GotoAsync("/workbench");
        await page.WaitForURLAsync("**/workbench/sign-in**");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", BrowserFixture.Password);
        if (screenshot is not null) await Shot(page, screenshot);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=user]");
    }

    static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync("**/workbench/sign-in**");
    }

    /// <summary>Opens an action's dialog, lets <paramref name="fill"/> fill it, submits it.</summary>
    static async Task ActAsync(IPage page, string action, Func<ILocator, Task> fill)
    {
        await page.ClickAsync($"[data-action={action}]");
        var dialog = page.Locator($"#dlg-{action}");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await fill(dialog);
        await dialog.Locator("button[type=submit]").ClickAsync();
    }

    static async Task ExpectDoneAsync(IPage page, string action)
    {
        await page.WaitForURLAsync($"**done={action}**");
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_case_goes_from_intake_to_closing_and_shows_in_the_supervisors_figures_and_report()
    {
        fixture.RequireChromium();
        // An old case, overdue, for the dashboard's supervise action.
        var clerkApi = await fixture.ApiAs("clerk");
        await FileAsync(clerkApi, "Dispute", "Phone", "Labour", "拖欠工资", "S2C1", "赵六", receivedAt: DateTimeOffset.UtcNow.AddDays(-40));
        // The applicant came before: a case of theirs, found at intake by the phone and listed on the new case's page.
        var earlier = (await clerkApi.Post("/api/cases", new
        {
            kind = "Dispute", channel = "Phone", category = "Neighbour", summary = "楼上漏水，前次来访", nodeCode = "S1C1",
            parties = new[] { new { role = "Applicant", name = "张三", phone = "13800138000" } },
        })).ShouldBe(HttpStatusCode.Created).Body["caseNumber"]!.GetValue<string>();

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "clerk", "01-sign-in");
        await Shot(page, "02-queue");

        // Intake: the API's validation, shown beside the fields.
        await page.GotoAsync("/workbench/intake");
        await page.ClickAsync("form[data-testid=intake] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-field=summary]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-field=kind]")).ToBeVisibleAsync();
        await Shot(page, "03-intake-invalid");
        await page.SelectOptionAsync("#kind", "Dispute");
        await page.SelectOptionAsync("#channel", "WalkIn");
        await page.SelectOptionAsync("#category", "Neighbour");
        await page.SelectOptionAsync("#nodeCode", "S1C1");
        await page.FillAsync("#summary", "楼上漏水，邻里协商不成");
        await page.FillAsync("[id='Applicant.name']", "张三");
        await page.FillAsync("[id='Applicant.phone']", "13800138000");
        await page.FillAsync("[id='Respondent.name']", "李四");
        await page.ClickAsync("[data-testid=check-related]");
        await Assertions.Expect(page.Locator("[data-testid=related]")).ToContainTextAsync(earlier);
        await Assertions.Expect(page.Locator("[data-testid=related]")).ToContainTextAsync("电话");
        // Nothing filed, nothing lost: the form comes back as it was typed.
        await Assertions.Expect(page.Locator("#summary")).ToHaveValueAsync("楼上漏水，邻里协商不成");
        await Assertions.Expect(page.Locator("[id='Applicant.phone']")).ToHaveValueAsync("13800138000");
        await Shot(page, "04-intake");
        await page.ClickAsync("form[data-testid=intake] button[type=submit]");
        await page.WaitForURLAsync("**/workbench/cases/**");
        var caseUrl = page.Url.Split('?')[0];
        var caseNumber = (await page.Locator("h1").InnerTextAsync()).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("已登记");
        await Assertions.Expect(page.Locator("[data-testid=related]")).ToContainTextAsync(earlier);
        // Parties are masked for a clerk.
        await Assertions.Expect(page.Locator("[data-testid=parties]")).Not.ToContainTextAsync("13800138000");

        await ActAsync(page, "assign", async d =>
        {
            await d.Locator("select[name='Act.GridCode']").SelectOptionAsync("S1C1G1");
            await d.Locator("input[name='Act.Assignee']").FillAsync("网格员王五");
        });
        await ExpectDoneAsync(page, "assign");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("办理中");
        await Assertions.Expect(page.Locator("[data-testid=level]")).ToHaveTextAsync("网格");
        // A clerk is not offered what only mediators may do.
        await Assertions.Expect(page.Locator("[data-action=escalate]")).ToHaveCountAsync(0);
        await Shot(page, "05-case-assigned");
        await SignOutAsync(page);

        await SignInAsync(page, "mediator");
        await page.GotoAsync(caseUrl);
        await ActAsync(page, "escalate", d => d.Locator("select[name='Act.Reason']").SelectOptionAsync("MediationFailed"));
        await ExpectDoneAsync(page, "escalate");
        await Assertions.Expect(page.Locator("[data-testid=level]")).ToHaveTextAsync("社区");
        await ActAsync(page, "sessions", async d =>
        {
            await d.Locator("select[name='Act.Mode']").SelectOptionAsync("InPerson");
            await d.Locator("input[name='Act.Mediators']").FillAsync("调解员甲，调解员乙");
            await d.Locator("textarea[name='Act.Note']").FillAsync("双方到场");
        });
        await ExpectDoneAsync(page, "sessions");

        // A refused command: its problem is shown in the dialog, beside the form.
        await ActAsync(page, "resolve", d => d.Locator("select[name='Act.Outcome']").SelectOptionAsync("AgreementReached"));
        var refusal = page.Locator("#dlg-resolve [data-testid=refusal]");
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await Assertions.Expect(refusal).ToContainTextAsync("提交的内容有误");
        await Assertions.Expect(page.Locator("#dlg-resolve .wb-error")).ToContainTextAsync("达成协议时必填");
        // The refused form comes back as it was sent.
        await Assertions.Expect(page.Locator("#dlg-resolve select[name='Act.Outcome']")).ToHaveValueAsync("AgreementReached");
        await Shot(page, "06-resolve-refused");
        await page.Locator("#dlg-resolve select[name='Act.AgreementForm']").SelectOptionAsync("Written");
        await page.Locator("#dlg-resolve input[name='Act.Amount']").FillAsync("1200");
        await page.Locator("#dlg-resolve button[type=submit]").ClickAsync();
        await ExpectDoneAsync(page, "resolve");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("已化解");
        await SignOutAsync(page);

        await SignInAsync(page, "clerk");
        await page.GotoAsync(caseUrl);
        await ActAsync(page, "follow-up", d => d.Locator("select[name='Act.Satisfaction']").SelectOptionAsync("Satisfied"));
        await ExpectDoneAsync(page, "follow-up");
        await ActAsync(page, "close", _ => Task.CompletedTask);
        await ExpectDoneAsync(page, "close");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("已办结");
        await Assertions.Expect(page.Locator("[data-testid=timeline] li")).ToHaveCountAsync(7);
        await Shot(page, "07-case-closed");
        await SignOutAsync(page);

        // The supervisor: the statistics read model has caught up with the events.
        await fixture.WaitForStatisticsAsync(await fixture.ApiAs("supervisor"), received: 2);
        await SignInAsync(page, "supervisor");
        await page.WaitForURLAsync("**/workbench/dashboard**");
        // Resolved over received, as GET /api/stats/settlement gives them for the dashboard's period (the
        // other tests of this class file cases of their own, so the counts are read, not fixed).
        var shown = System.Text.RegularExpressions.Regex.Match(await page.Locator("[data-testid=figures]").InnerTextAsync(), @"（(\d+) / (\d+)）");
        shown.Success.ShouldBeTrue();
        var period = Mediation.Workbench.Layout.ReportQuery.WithDefaultPeriod(new Microsoft.AspNetCore.Http.QueryCollection(), DateTimeOffset.UtcNow);
        var stats = await (await fixture.ApiAs("supervisor")).Get($"/api/stats/settlement?nodeCode=C1&from={period.From}&to={period.To}");
        shown.Groups[1].Value.ShouldBe(stats.Body["resolved"]!.ToString());
        shown.Groups[2].Value.ShouldBe(stats.Body["received"]!.ToString());
        stats.Body["resolved"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
        await Assertions.Expect(page.Locator("[data-testid=resolution-rate]"))
            .ToHaveTextAsync((stats.Body["resolutionRate"]!.GetValue<double>() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%");
        await Assertions.Expect(page.Locator("[data-testid=overdue-list]")).ToContainTextAsync("拖欠工资");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-chart] canvas').length === 4");
        await Shot(page, "08-dashboard");
        await page.ClickAsync("[data-testid=overdue-list] button[data-open]");
        await page.Locator("dialog[open] select[name='Act.Kind']").SelectOptionAsync("Reminder");
        await page.Locator("dialog[open] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**done=supervise**");

        await page.GotoAsync("/workbench/reports");
        await Assertions.Expect(page.Locator("[data-testid=report]")).ToContainTextAsync("城关街道");
        await Shot(page, "09-reports");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=download-xlsx]"));
        var file = Path.Combine(BrowserFixture.Artifacts, download.SuggestedFilename);
        await download.SaveAsAsync(file);
        var bytes = await File.ReadAllBytesAsync(file, Cancellation);
        bytes.Length.ShouldBeGreaterThan(1000);
        bytes[..2].ShouldBe("PK"u8.ToArray());

        await page.GotoAsync($"/workbench/audit?case={caseNumber}");
        await Assertions.Expect(page.Locator("[data-testid=verify]")).ToContainTextAsync("7");
        await Assertions.Expect(page.Locator("[data-testid=history] tbody tr")).ToHaveCountAsync(7);
        await Shot(page, "10-audit");

        // English, then back.
        await page.GotoAsync("/workbench/dashboard");
        await page.ClickAsync("[data-testid=lang]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Supervision dashboard");
        await Assertions.Expect(page.Locator("nav")).ToContainTextAsync("My cases");
        await Shot(page, "11-dashboard-en");
        await page.ClickAsync("[data-testid=lang]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("督办看板");
    }

    [Fact]
    public async Task A_command_the_case_does_not_allow_shows_the_rule_beside_the_form()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Contract", "货款纠纷", "S1C1", "周八");
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "supervisor");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await ActAsync(page, "extend-deadline", async d =>
        {
            await d.Locator("input[name='Act.Days']").FillAsync("40");
            await d.Locator("input[name='Act.Approver']").FillAsync("县矛调中心主任");
            await d.Locator("textarea[name='Act.Reason']").FillAsync("案情复杂");
        });
        var refusal = page.Locator("#dlg-extend-deadline [data-testid=refusal]");
        await Assertions.Expect(refusal).ToContainTextAsync("案件当前状态不允许此操作");
        await Assertions.Expect(refusal).ToContainTextAsync("延期累计不能超过 30 天");
        await Shot(page, "13-case-refused");
        (await clerk.Get($"/api/cases/{filed}")).Version.ShouldBe(1);

        // Unmasking asks for a reason and shows the parties in full.
        await page.GotoAsync($"/workbench/cases/{filed}");
        await page.ClickAsync("[data-open=dlg-unmask]");
        await page.FillAsync("#unmask-reason", "核实当事人身份");
        await page.Locator("#dlg-unmask button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=parties]")).ToContainTextAsync("周八");
        await Shot(page, "14-case-unmasked");
        var number = (await clerk.Get($"/api/cases/{filed}")).Body["caseNumber"]!.GetValue<string>();
        await SignOutAsync(page);

        // The auditor sees who unmasked it, and why.
        await SignInAsync(page, "auditor");
        await page.GotoAsync($"/workbench/audit?case={number}");
        var log = page.Locator("[data-testid=access-log]");
        await Assertions.Expect(log.Locator("[data-action=Unmask]")).ToHaveCountAsync(1);
        await Assertions.Expect(log).ToContainTextAsync("查看完整个人信息");
        await Assertions.Expect(log).ToContainTextAsync("核实当事人身份");
        await Assertions.Expect(page.Locator("[data-testid=verify]")).ToBeVisibleAsync();
        await Shot(page, "15-audit-access-log");
    }

    [Fact]
    public async Task The_workbench_works_by_keyboard_alone()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "HelpRequest", "Hotline12345", "Other", "独居老人求助", "S1C2", "吴九");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/workbench/cases/{filed}");
        await page.WaitForURLAsync("**/workbench/sign-in**");
        // The user name field has the focus; Tab to the password, Enter to sign in.
        await page.Keyboard.TypeAsync("clerk");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(BrowserFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/workbench/cases/{filed}");

        for (var i = 0; i < 40 && await page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.action") != "assign"; i++)
            await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.action")).ShouldBe("assign");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#dlg-assign")).ToBeVisibleAsync();
        // The dialog takes the focus, and Escape closes it.
        (await page.EvaluateAsync<bool>("() => document.getElementById('dlg-assign').contains(document.activeElement)")).ShouldBeTrue();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#dlg-assign")).Not.ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_stale_version_is_explained_and_nothing_is_written()
    {
        fixture.RequireChromium();
        var mediator = await fixture.ApiAs("mediator");
        var supervisor = await fixture.ApiAs("supervisor");
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Neighbour", "噪音扰民", "S1C2", "孙七");
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "mediator");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await page.ClickAsync("[data-action=escalate]");
        await page.Locator("#dlg-escalate select[name='Act.Reason']").SelectOptionAsync("HighRisk");

        // Meanwhile someone else acts on the case.
        (await supervisor.Post($"/api/cases/{filed}/supervise", new { kind = "Reminder", note = "抓紧" })).ShouldBe(HttpStatusCode.OK);

        await page.Locator("#dlg-escalate button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=stale]")).ToContainTextAsync("此案件已被他人修改，请刷新");
        await Shot(page, "12-case-stale");
        (await mediator.Get($"/api/cases/{filed}")).Body["level"]!.GetValue<string>().ShouldBe("Community");
    }

    /// <summary>Files a case through the API with one applicant; its id.</summary>
    static async Task<Guid> FileAsync(Api clerk, string kind, string channel, string category, string summary, string nodeCode, string applicant,
        DateTimeOffset? receivedAt = null) =>
        (await clerk.Post("/api/cases", new
        {
            kind, channel, category, summary, nodeCode, receivedAt,
            parties = new[] { new { role = "Applicant", name = applicant } },
        })).ShouldBe(HttpStatusCode.Created).Id;
}
