using System.Globalization;
using System.Net;
using Mediation.Cases.Attachments;
using Mediation.Common;
using Mediation.Tests.Cases.Attachments;
using Mediation.Tests.Hosting;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The end of a mediation in the browser: the agreement written in the editor, its signatures and seal ticked
/// until it takes effect and a court applied to; files added to the case (and one refused for what it is);
/// the agreement's document for those who may generate it.
/// </summary>
public partial class WorkbenchFlowTests
{
    [Fact]
    public async Task A_clerk_records_a_two_term_agreement_in_the_editor_then_signatures_and_the_seal_put_it_in_effect()
    {
        fixture.RequireChromium();
        var (filed, _) = await ResolvedWithAgreementAsync("相邻通行纠纷", "钱十二");
        var due = DateTimeOffset.UtcNow.AddDays(30).ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "clerk");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await Assertions.Expect(page.Locator("[data-testid=agreement]")).ToContainTextAsync("尚未登记调解协议");
        await page.ClickAsync("[data-testid=edit-agreement]");
        var editor = page.Locator("#dlg-agreement");
        await Assertions.Expect(editor).ToBeVisibleAsync();
        await Assertions.Expect(editor.Locator("select[name='Agreement.Form']")).ToHaveValueAsync("Written");
        await editor.Locator("textarea[name='Agreement.Facts']").FillAsync("双方因院内通道使用发生争执");
        await FillTermAsync(editor, 0, "Respondent", "Applicant", "拆除堆放在通道上的杂物", null, due);
        // A second term: the form comes back with a row more and what was typed kept.
        await editor.Locator("[data-testid=add-term]").ClickAsync();
        await Assertions.Expect(editor).ToBeVisibleAsync();
        await Assertions.Expect(editor.Locator("fieldset[data-term]")).ToHaveCountAsync(2);
        await Assertions.Expect(editor.Locator("textarea[name='Agreement.Terms[0].Content']")).ToHaveValueAsync("拆除堆放在通道上的杂物");
        await FillTermAsync(editor, 1, "Applicant", "Respondent", null, "500", due);
        await editor.Locator("input[name='Agreement.Mediators']").FillAsync("调解员甲，调解员乙");
        await Shot(page, "19-agreement-editor");
        await editor.Locator(".wb-dialog-foot button[type=submit]").ClickAsync();
        // Refused beside the field: the second term says nothing.
        await Assertions.Expect(editor.Locator("[data-testid=refusal]")).ToContainTextAsync("提交的内容有误");
        await Assertions.Expect(editor.Locator("fieldset[data-term='1'] [data-field=content] .wb-error")).ToHaveTextAsync("必填");
        await editor.Locator("textarea[name='Agreement.Terms[1].Content']").FillAsync("支付通道修缮费用");
        await editor.Locator(".wb-dialog-foot button[type=submit]").ClickAsync();
        await ExpectDoneAsync(page, "agreement");

        var terms = page.Locator("[data-testid=terms] tbody tr");
        await Assertions.Expect(terms).ToHaveCountAsync(2);
        await Assertions.Expect(terms.Nth(0)).ToContainTextAsync("被申请人");
        await Assertions.Expect(terms.Nth(0)).ToContainTextAsync("拆除堆放在通道上的杂物");
        await Assertions.Expect(terms.Nth(1)).ToContainTextAsync("500");
        await Assertions.Expect(terms.Nth(1)).ToContainTextAsync(due);
        // Two parties, two mediators and the seal, none given yet.
        var rows = page.Locator("[data-testid=signatures] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("[data-testid=signatures] tr[data-signed='1']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=effect]")).ToHaveTextAsync("未生效");
        await page.Locator("[data-testid=signatures]").ScrollIntoViewIfNeededAsync();
        await Shot(page, "20-agreement-recorded");

        for (var signed = 1; signed <= 4; signed++)
        {
            await page.Locator("[data-testid=sign]").First.ClickAsync();
            var dialog = page.Locator("dialog[open]");
            await Assertions.Expect(dialog.Locator("[data-field=at] .wb-hint")).ToHaveTextAsync("留空即为当前时间");
            await dialog.Locator("button[type=submit]").ClickAsync();
            await page.WaitForURLAsync("**done=agreement%2Fsignatures**");
            await Assertions.Expect(page.Locator("[data-testid=signatures] tr[data-signed='1']")).ToHaveCountAsync(signed);
            // Once anyone has signed, the text is no longer offered for change.
            await Assertions.Expect(page.Locator("[data-testid=edit-agreement]")).ToHaveCountAsync(0);
        }
        await Assertions.Expect(page.Locator("[data-testid=effect]")).ToHaveTextAsync("未生效");
        await page.ClickAsync("[data-testid=do-seal]");
        await page.Locator("#dlg-seal button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**done=agreement%2Fsignatures**");
        await Assertions.Expect(page.Locator("[data-testid=seal]")).ToContainTextAsync("已盖章");
        await Assertions.Expect(page.Locator("[data-testid=effect]")).ToContainTextAsync("已生效");
        await Assertions.Expect(page.Locator("[data-testid=sign]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=effect]").ScrollIntoViewIfNeededAsync();
        await Shot(page, "21-agreement-in-effect");
        (await (await fixture.ApiAs("clerk")).Get($"/api/cases/{filed}")).Body["agreement"]!["effective"]!.GetValue<bool>().ShouldBeTrue();

        // In effect, the agreement may go to a court: only the application is open, the court asked for.
        await ActAsync(page, "confirmation", async d =>
        {
            await Assertions.Expect(d.Locator("select[name='Act.Event'] option")).ToHaveTextAsync(["", "共同申请"]);
            await d.Locator("select[name='Act.Event']").SelectOptionAsync("Applied");
            await d.Locator("input[name='Act.Court']").FillAsync("城关区人民法院");
        });
        await ExpectDoneAsync(page, "confirmation");
        await Assertions.Expect(page.Locator("[data-testid=confirmation]")).ToContainTextAsync("向城关区人民法院共同申请");
        await page.ClickAsync("[data-action=confirmation]");
        await Assertions.Expect(page.Locator("#dlg-confirmation select[name='Act.Event'] option")).ToHaveTextAsync(["", "裁定确认有效", "裁定驳回申请"]);
        await Assertions.Expect(page.Locator("#dlg-confirmation input[name='Act.Court']")).ToHaveValueAsync("城关区人民法院");
    }

    [Fact]
    public async Task A_file_is_uploaded_to_the_case_and_listed_and_a_file_that_is_no_allowed_kind_or_too_large_is_refused_with_the_reason()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = await FileAsync(clerk, "Dispute", "WalkIn", "Contract", "物业费纠纷", "S1C2", "孙十三");
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "clerk");
        await page.GotoAsync($"/workbench/cases/{filed}");

        await page.ClickAsync("[data-action=upload]");
        var dialog = page.Locator("#dlg-upload");
        await dialog.Locator("input[name=file]").SetInputFilesAsync(new FilePayload { Name = "现场照片.png", MimeType = "image/png", Buffer = Files.Png });
        await dialog.Locator("textarea[name=description]").FillAsync("通道堆物现场");
        await dialog.Locator("select[name=category]").SelectOptionAsync("Evidence");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await ExpectDoneAsync(page, "attachments");
        var list = page.Locator("[data-testid=attachments]");
        await Assertions.Expect(list.Locator("[data-attachment]")).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator("[data-testid=file-name]")).ToHaveTextAsync("现场照片.png");
        await Assertions.Expect(list).ToContainTextAsync("通道堆物现场");
        await Assertions.Expect(list.Locator("[data-testid=attachment-category]")).ToContainTextAsync("证据材料");

        // A text named .pdf: judged by its content, refused, the reason beside the file and the description kept.
        await page.ClickAsync("[data-action=upload]");
        await dialog.Locator("input[name=file]").SetInputFilesAsync(new FilePayload { Name = "协议书.pdf", MimeType = "application/pdf", Buffer = "不是PDF"u8.ToArray() });
        await dialog.Locator("textarea[name=description]").FillAsync("签字协议扫描件");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("[data-testid=refusal]")).ToContainTextAsync("提交的内容有误");
        await Assertions.Expect(dialog.Locator("[data-field=file] .wb-error")).ToHaveTextAsync("文件类型须为以下之一（按内容判断）：PDF, JPEG, PNG, DOCX");
        await Assertions.Expect(dialog.Locator("textarea[name=description]")).ToHaveValueAsync("签字协议扫描件");
        await Shot(page, "22-upload-refused");

        // Over 20 MB: the browser holds it back; and sent all the same, the service refuses it (413), said beside the file.
        var large = new byte[AttachmentKinds.MaxBytes + 1];
        Files.Pdf.CopyTo(large, 0);
        var input = dialog.Locator("input[name=file]");
        await input.SetInputFilesAsync(new FilePayload { Name = "扫描件.pdf", MimeType = "application/pdf", Buffer = large });
        (await input.EvaluateAsync<string>("e => e.validationMessage")).ShouldBe("文件不能超过 20 MB");
        await input.EvaluateAsync("e => { e.removeAttribute('data-max-bytes'); e.setCustomValidity(''); }");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(dialog.Locator("[data-field=file] .wb-error")).ToHaveTextAsync("文件不能超过 20 MB");
        await Assertions.Expect(dialog.Locator("[data-testid=refusal]")).ToContainTextAsync("操作未完成");

        (await clerk.Get($"/api/cases/{filed}/attachments")).Body.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_supervisor_gets_the_agreement_as_word_or_pdf_with_a_reason_and_a_clerk_is_not_offered_it()
    {
        fixture.RequireChromium();
        var (filed, parties) = await ResolvedWithAgreementAsync("借款纠纷", "李十四");
        (await (await fixture.ApiAs("clerk")).Put($"/api/cases/{filed}/agreement", new
        {
            form = "Written", facts = "借款到期未还",
            terms = new[] { new { obligor = parties.Respondent, obligee = parties.Applicant, content = "归还借款", amount = 3000m } },
            mediators = new[] { "调解员甲" },
        })).ShouldBe(HttpStatusCode.OK);

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "clerk");
        await page.GotoAsync($"/workbench/cases/{filed}");
        await Assertions.Expect(page.Locator("[data-testid=terms]")).ToContainTextAsync("归还借款");
        await Assertions.Expect(page.Locator("[data-testid=documents]")).ToHaveCountAsync(0);
        await SignOutAsync(page);

        await SignInAsync(page, "supervisor");
        await page.GotoAsync($"/workbench/cases/{filed}");
        var document = page.Locator("[data-testid=documents] [data-document=agreement]");
        await Assertions.Expect(document).ToContainTextAsync("人民调解协议书");
        await Assertions.Expect(document.Locator("button[data-format]")).ToHaveTextAsync(["Word", "PDF"]);
        await Shot(page, "23-documents");
        var form = document.Locator("form");
        (await form.GetAttributeAsync("action")).ShouldBe($"/api/cases/{filed}/documents/agreement");
        (await form.GetAttributeAsync("method")).ShouldBe("get");

        await form.Locator("input[name=reason]").FillAsync("打印协议书交当事人");
        // The form opens a new tab, which closes as the file comes; the download is the page's that opened it.
        var download = await page.RunAndWaitForDownloadAsync(() => form.Locator("button[data-format=docx]").ClickAsync());
        download.SuggestedFilename.ShouldEndWith("-调解协议书.docx");
        var file = Path.Combine(BrowserFixture.Artifacts, "agreement.docx");
        await download.SaveAsAsync(file);
        (await File.ReadAllBytesAsync(file, Cancellation))[..2].ShouldBe("PK"u8.ToArray());
    }

    /// <summary>A dispute with an applicant and a respondent, resolved by the mediator with a written agreement whose text is not recorded yet.</summary>
    async Task<(Guid id, (string Applicant, string Respondent) parties)> ResolvedWithAgreementAsync(string summary, string applicant)
    {
        var clerk = await fixture.ApiAs("clerk");
        var filed = (await clerk.Post("/api/cases", new
        {
            kind = "Dispute", channel = "WalkIn", category = "Neighbour", summary, nodeCode = "S1C1",
            parties = new[] { new { role = "Applicant", name = applicant }, new { role = "Respondent", name = "被申请人" + applicant } },
        })).ShouldBe(HttpStatusCode.Created).Id;
        (await (await fixture.ApiAs("mediator")).Post($"/api/cases/{filed}/resolve", new { outcome = "AgreementReached", agreementForm = "Written" }))
            .ShouldBe(HttpStatusCode.OK);
        var parties = (await clerk.Get($"/api/cases/{filed}")).Body["parties"]!.AsArray();
        string Of(string role) => parties.First(p => p!["role"]!.GetValue<string>() == role)!["id"]!.GetValue<string>();
        return (filed, (Of("Applicant"), Of("Respondent")));
    }

    /// <summary>Fills term <paramref name="index"/> of the editor: the parties chosen by their role's label, the rest typed.</summary>
    static async Task FillTermAsync(ILocator editor, int index, string obligor, string obligee, string? content, string? amount, string dueAt)
    {
        var term = editor.Locator($"fieldset[data-term='{index}']");
        string Label(string role) => role == "Applicant" ? "申请人" : "被申请人";
        async Task Choose(string field, string role)
        {
            var select = term.Locator($"select[name='Agreement.Terms[{index}].{field}']");
            var value = await select.Locator("option").Filter(new LocatorFilterOptions { HasTextRegex = new($"^{Label(role)} ") }).GetAttributeAsync("value");
            await select.SelectOptionAsync(value!);
        }
        await Choose("Obligor", obligor);
        await Choose("Obligee", obligee);
        if (content is not null) await term.Locator($"textarea[name='Agreement.Terms[{index}].Content']").FillAsync(content);
        if (amount is not null) await term.Locator($"input[name='Agreement.Terms[{index}].Amount']").FillAsync(amount);
        await term.Locator($"input[name='Agreement.Terms[{index}].DueAt']").FillAsync(dueAt);
    }
}
