using System.Globalization;
using Mediation.Common;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The case's history in the browser: an act entered days after it happened (补录) through its dialog,
/// and a supervisor's correction (更正) started from the history.
/// </summary>
public partial class WorkbenchFlowTests
{
    [Fact]
    public async Task A_late_session_needs_its_reason_in_the_dialog_and_shows_both_times_and_the_late_mark()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Neighbour", "院墙越界", "S1C1", "郑十", receivedAt: DateTimeOffset.UtcNow.AddDays(-10));
        var heldAt = DateTimeOffset.UtcNow.AddDays(-5).ToOffset(ChinaStandardTime.Offset);
        var typed = heldAt.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "mediator");
        await page.GotoAsync($"/workbench/cases/{filed}");
        // Only a supervisor corrects acts.
        await Assertions.Expect(page.Locator("[data-testid=timeline] li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=timeline] [data-correct]")).ToHaveCountAsync(0);

        await ActAsync(page, "sessions", async d =>
        {
            await Assertions.Expect(d.Locator("[data-field=heldAt] .wb-hint")).ToHaveTextAsync("留空即为当前时间");
            await Assertions.Expect(d.Locator("[data-field=lateReason] .wb-hint")).ToContainTextAsync("选填");
            await d.Locator("select[name='Act.Mode']").SelectOptionAsync("InPerson");
            await d.Locator("input[name='Act.Mediators']").FillAsync("调解员甲");
            await d.Locator("input[name='Act.HeldAt']").FillAsync(typed);
        });
        var dialog = page.Locator("#dlg-sessions");
        await Assertions.Expect(dialog.Locator("[data-testid=refusal]")).ToContainTextAsync("提交的内容有误");
        await Assertions.Expect(dialog.Locator("[data-field=lateReason] .wb-error")).ToHaveTextAsync("补录（办理 3 天后才登记）须说明原因");
        await Assertions.Expect(dialog.Locator("input[name='Act.HeldAt']")).ToHaveValueAsync(typed);
        await Shot(page, "16-late-session-refused");
        await dialog.Locator("textarea[name='Act.LateReason']").FillAsync("调解笔录今日才交回");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await ExpectDoneAsync(page, "sessions");

        var session = page.Locator("[data-testid=timeline] li[data-type=MediationSessionHeld]");
        await Assertions.Expect(session.Locator("[data-testid=late]")).ToHaveTextAsync("补录");
        await Assertions.Expect(session.Locator("[data-testid=late-reason]")).ToHaveTextAsync("补录原因：调解笔录今日才交回");
        await Assertions.Expect(session.Locator("[data-testid=occurred-at]")).ToHaveTextAsync($"发生时间 {typed.Replace('T', ' ')}");
        var today = DateTimeOffset.UtcNow.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Assertions.Expect(session.Locator("[data-testid=recorded-at]")).ToContainTextAsync($"录入时间 {today}");
        await Shot(page, "17-late-session");
    }

    [Fact]
    public async Task A_supervisor_corrects_an_act_from_the_history_and_both_stay_in_it()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Contract", "装修款纠纷", "S1C2", "冯十一");
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "supervisor");
        await page.GotoAsync($"/workbench/cases/{filed}");
        // Correction starts from the act, not from the actions.
        await Assertions.Expect(page.Locator("[data-action=corrections]")).ToHaveCountAsync(0);

        await page.ClickAsync("[data-testid=timeline] li[data-version='1'] [data-correct]");
        var dialog = page.Locator("#dlg-correct-1");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("label")).ToHaveTextAsync(["发生时间", "纠纷类别", "来源渠道", "理由"]);
        await Assertions.Expect(dialog.Locator("[data-field=channel] .wb-hint")).ToHaveTextAsync("原记录：来访；留空则不更正");
        // What the act already says is no correction: said beside the field.
        await dialog.Locator("select[name='Act.Channel']").SelectOptionAsync("WalkIn");
        await dialog.Locator("textarea[name='Act.Reason']").FillAsync("登记时选错渠道");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(dialog.Locator("[data-field=channel] .wb-error")).ToHaveTextAsync("与原记录相同，无需更正");
        await dialog.Locator("select[name='Act.Channel']").SelectOptionAsync("Phone");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await ExpectDoneAsync(page, "corrections");

        await Assertions.Expect(page.Locator("[data-testid=case]")).ToContainTextAsync("来电");
        var corrected = page.Locator("[data-testid=timeline] li[data-version='1']");
        await Assertions.Expect(corrected).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("wb-corrected"));
        await Assertions.Expect(corrected.Locator("del")).ToHaveTextAsync("登记受理");
        (await corrected.Locator("del").EvaluateAsync<string>("e => getComputedStyle(e).textDecorationLine")).ShouldBe("line-through");
        await Assertions.Expect(corrected.Locator("[data-testid=corrected]")).ToHaveTextAsync("已更正（第 2 版）");
        var correction = page.Locator("[data-testid=timeline] li[data-type=ActCorrected] [data-testid=correction]");
        await Assertions.Expect(correction).ToContainTextAsync("更正第 1 版记录（登记受理）");
        await Assertions.Expect(correction.Locator("[data-field=channel]")).ToHaveTextAsync("来源渠道：来访 → 来电");
        await Assertions.Expect(correction).ToContainTextAsync("更正原因：登记时选错渠道");
        await Shot(page, "18-corrected");
    }
}
