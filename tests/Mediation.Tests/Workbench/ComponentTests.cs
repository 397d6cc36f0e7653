using Bunit;
using Mediation.Cases;
using Mediation.Cases.Reading;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Language;
using Mediation.Organisation;
using Mediation.Workbench.CaseFile;
using Mediation.Workbench.Layout;
using Microsoft.AspNetCore.Http;

namespace Mediation.Tests.Workbench;

/// <summary>The components with logic of their own, rendered with bUnit (no browser, no server).</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class ComponentTests : IDisposable
{
    readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void An_action_dialog_shows_each_field_with_its_message_beside_it_and_what_was_typed()
    {
        var resolve = CaseCommands.Find("resolve")!;
        var fields = _context.Render<ActionFields>(p => p
            .AddCascadingValue(Texts.Zh)
            .Add(f => f.Action, resolve)
            .Add(f => f.Errors, new Dictionary<string, FieldMessage[]> { ["agreementForm"] = [FieldMessage.Refused(new CaseRefusal.InvalidField("agreementForm", RefusalCode.RequiredForAgreement, "is required for an agreement"))] })
            .Add(f => f.Values, new ActionForm { Outcome = "AgreementReached", Amount = "1200" }));

        fields.FindAll("label").Select(l => l.TextContent).ShouldBe(["化解结果", "协议形式", "涉及金额（元）", "履行期限", "处理意见", "说明", "发生时间", "补录原因"]);
        fields.Find("select[name='Act.Outcome'] option[selected]").GetAttribute("value").ShouldBe("AgreementReached");
        fields.FindAll("select[name='Act.Outcome'] option").Select(o => o.GetAttribute("value")).ShouldNotContain("TransferredOut");
        fields.Find("input[name='Act.Amount']").GetAttribute("value").ShouldBe("1200");
        var error = fields.Find(".wb-has-error .wb-error");
        error.TextContent.ShouldBe("达成协议时必填");
        error.ParentElement!.QuerySelector("select")!.GetAttribute("name").ShouldBe("Act.AgreementForm");
    }

    [Fact]
    public void An_acts_business_time_defaults_to_now_and_its_late_reason_says_when_it_is_needed()
    {
        var sessions = _context.Render<ActionFields>(p => p
            .AddCascadingValue(Texts.Zh)
            .Add(f => f.Action, CaseCommands.Find("sessions")!)
            .Add(f => f.LateAfter, TimeSpan.FromDays(5))
            .Add(f => f.Errors, new Dictionary<string, FieldMessage[]>
            {
                ["lateReason"] = [FieldMessage.Refused(new CaseRefusal.InvalidField("lateReason", RefusalCode.LateEntryNeedsReason, "is required", 5))],
            })
            .Add(f => f.Values, new ActionForm { HeldAt = "2026-03-02T09:30" }));

        sessions.Find("[data-field=heldAt] .wb-hint").TextContent.ShouldBe("留空即为当前时间");
        sessions.Find("input[name='Act.HeldAt']").GetAttribute("aria-describedby").ShouldBe("sessions-heldAt-hint");
        sessions.Find("input[name='Act.HeldAt']").GetAttribute("value").ShouldBe("2026-03-02T09:30");
        sessions.Find("[data-field=lateReason] label").TextContent.ShouldBe("补录原因");
        sessions.Find("[data-field=lateReason] .wb-hint").TextContent.ShouldBe("选填；发生时间在 5 天以前的（补录）必填");
        sessions.Find("[data-field=lateReason] .wb-error").TextContent.ShouldBe("补录（办理 5 天后才登记）须说明原因");
    }

    [Fact]
    public void A_correction_dialog_shows_the_acts_correctable_fields_with_what_it_says_now()
    {
        var correct = CaseCommands.Find("corrections")!;
        var categories = new[] { new Category("Neighbour", "邻里纠纷", "Neighbour", 1), new Category("Labour", "劳动争议", "Labour", 2) };
        var fields = _context.Render<ActionFields>(p => p
            .AddCascadingValue(Texts.Zh)
            .Add(f => f.Action, correct)
            .Add(f => f.IdPrefix, "correct-1")
            .Add(f => f.Only, ["occurredAt", "category", "channel", "reason"])
            .Add(f => f.Recorded, new Dictionary<string, string> { ["occurredAt"] = "2026-03-02 09:30", ["category"] = "邻里纠纷", ["channel"] = "来访" })
            .Add(f => f.Categories, categories)
            .Add(f => f.Errors, new Dictionary<string, FieldMessage[]>
            {
                ["changes.channel"] = [FieldMessage.Refused(new CaseRefusal.InvalidField("changes.channel", RefusalCode.UnchangedByCorrection, "is what the act already says"))],
            }));

        fields.FindAll("label").Select(l => l.TextContent).ShouldBe(["发生时间", "纠纷类别", "来源渠道", "理由"]);
        fields.Find("#correct-1-channel").GetAttribute("name").ShouldBe("Act.Channel");
        fields.Find("[data-field=channel] .wb-hint").TextContent.ShouldBe("原记录：来访；留空则不更正");
        fields.Find("[data-field=channel] .wb-error").TextContent.ShouldBe("与原记录相同，无需更正");
        fields.FindAll("select[name='Act.Category'] option").Select(o => o.TextContent).ShouldBe(["", "邻里纠纷", "劳动争议"]);
        fields.FindAll("[data-field=reason] .wb-hint").ShouldBeEmpty();
    }

    [Fact]
    public void The_history_shows_both_times_late_entries_corrected_acts_and_corrections()
    {
        var filedAt = new DateTimeOffset(2026, 3, 1, 1, 30, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
        var correction = new ActCorrected(1, nameof(CaseFiled),
            [new FieldCorrection("channel", "WalkIn", "Phone"), new FieldCorrection("occurredAt", "2026-03-01T09:30:00+08:00", "2026-03-01T08:00:00+08:00")],
            "登记时选错渠道", now);
        HistoryEntry[] history =
        [
            new(1, nameof(CaseFiled), filedAt, filedAt, "clerk", new object(), Late: false, null, [3]),
            new(2, nameof(MediationSessionHeld), filedAt.AddDays(1), now, "mediator", new object(), Late: true, "笔录今日才交回", []),
            new(3, nameof(ActCorrected), now, now, "supervisor", correction, Late: false, null, []),
        ];
        var timeline = _context.Render<CaseHistory>(p => p
            .AddCascadingValue(Texts.Zh)
            .Add(h => h.History, history)
            .Add(h => h.Correctable, new HashSet<long> { 1, 2 }));

        var rows = timeline.FindAll("[data-testid=timeline] > li");
        rows.Count.ShouldBe(3);
        rows[0].ClassList.ShouldContain("wb-corrected");
        rows[0].QuerySelector("del")!.TextContent.ShouldBe("登记受理");
        rows[0].QuerySelector("[data-testid=corrected]")!.TextContent.ShouldBe("已更正（第 3 版）");
        rows[1].QuerySelector("del").ShouldBeNull();
        rows[1].QuerySelector("[data-testid=late]")!.TextContent.ShouldBe("补录");
        rows[1].QuerySelector("[data-testid=late-reason]")!.TextContent.ShouldBe("补录原因：笔录今日才交回");
        rows[1].QuerySelector("[data-testid=occurred-at]")!.TextContent.ShouldBe("发生时间 2026-03-02 09:30");
        rows[1].QuerySelector("[data-testid=recorded-at]")!.TextContent.ShouldBe("录入时间 2026-03-10 10:00");
        rows[1].QuerySelector("[data-correct]")!.GetAttribute("data-open").ShouldBe("dlg-correct-2");
        rows[2].QuerySelector("[data-correct]").ShouldBeNull();
        var shown = rows[2].QuerySelector("[data-testid=correction]")!;
        shown.TextContent.ShouldContain("更正第 1 版记录（登记受理）");
        shown.QuerySelector("[data-field=channel]")!.TextContent.ShouldBe("来源渠道：来访 → 来电");
        shown.QuerySelector("[data-field=occurredAt]")!.TextContent.ShouldBe("发生时间：2026-03-01 09:30 → 2026-03-01 08:00");
        shown.TextContent.ShouldContain("更正原因：登记时选错渠道");
    }

    [Fact]
    public void An_assignment_offers_the_grids_it_may_go_to_and_escalation_its_reasons()
    {
        var grids = new[] { new OrgNode { Id = "S1C1G1", Name = "东门第一网格", Level = Mediation.Cases.Level.Grid } };
        var assign = _context.Render<ActionFields>(p => p.AddCascadingValue(Texts.Zh).Add(f => f.Action, CaseCommands.Find("assign")!).Add(f => f.Grids, grids));
        assign.FindAll("select[name='Act.GridCode'] option").Select(o => o.TextContent).ShouldBe(["", "东门第一网格 (S1C1G1)"]);

        var escalate = _context.Render<ActionFields>(p => p.AddCascadingValue(Texts.En).Add(f => f.Action, CaseCommands.Find("escalate")!));
        escalate.FindAll("select[name='Act.Reason'] option").Select(o => o.TextContent).ShouldContain("Mediation failed");
    }

    [Fact]
    public void Paging_links_keep_the_filters_and_stop_at_the_ends()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/workbench/queue";
        http.Request.QueryString = new QueryString("?status=Assigned&page=2");
        var pager = _context.Render<Pager>(p => p
            .AddCascadingValue(Texts.Zh)
            .AddCascadingValue<HttpContext>(http)
            .Add(x => x.Total, 45).Add(x => x.Page, 2).Add(x => x.PageSize, 20));

        pager.FindAll("a").Select(a => a.GetAttribute("href")).ShouldBe(
            ["/workbench/queue?status=Assigned&page=1", "/workbench/queue?status=Assigned&page=3"]);
        pager.Markup.ShouldContain("第 2 / 3 页");

        var last = _context.Render<Pager>(p => p
            .AddCascadingValue(Texts.Zh).AddCascadingValue<HttpContext>(http)
            .Add(x => x.Total, 45).Add(x => x.Page, 3).Add(x => x.PageSize, 20));
        last.FindAll("a").Count.ShouldBe(1);
    }

    [Fact]
    public void A_case_page_lists_its_attachments_for_every_reader_and_offers_their_content_only_to_who_may_unmask()
    {
        var caseId = Guid.NewGuid();
        var added = new Mediation.Cases.Attachments.AttachmentItem(Guid.NewGuid(), "调解协议书.pdf", "双方签字", "application/pdf", 2 * 1024 * 1024,
            new string('a', 64), new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero), "clerk", null, Mediation.Cases.AttachmentCategory.SignedAgreement);
        IRenderedComponent<CaseAttachments> Render(bool mayOpen) => _context.Render<CaseAttachments>(p => p
            .AddCascadingValue(Texts.Zh).Add(a => a.CaseId, caseId).Add(a => a.Items, [added]).Add(a => a.MayOpen, mayOpen));

        var masked = Render(false);
        masked.Find("[data-testid=file-name]").TextContent.ShouldBe("调解协议书.pdf");
        masked.Find("[data-attachment]").TextContent.ShouldContain("2.0 MB");
        masked.Find("[data-attachment]").TextContent.ShouldContain("双方签字");
        masked.Find("[data-testid=attachment-category]").TextContent.ShouldContain("签字盖章的调解协议书");
        masked.FindAll("[data-testid=open-attachment]").ShouldBeEmpty();

        var form = Render(true).Find("[data-testid=open-attachment]");
        form.GetAttribute("method").ShouldBe("get");
        form.GetAttribute("action").ShouldBe($"/api/cases/{caseId}/attachments/{added.Id}");
        form.QuerySelector("input[name=reason]")!.HasAttribute("required").ShouldBeTrue();

        _context.Render<CaseAttachments>(p => p.AddCascadingValue(Texts.Zh).Add(a => a.CaseId, caseId).Add(a => a.Items, []))
            .Find("[data-testid=attachments]").TextContent.Trim().ShouldBe("暂无附件");

        // Content erased with a party: still listed, marked with when, and not offered to anyone.
        var erased = added with { ErasedAt = new DateTimeOffset(2026, 11, 2, 2, 0, 0, TimeSpan.Zero) };
        var shown = _context.Render<CaseAttachments>(p => p
            .AddCascadingValue(Texts.Zh).Add(a => a.CaseId, caseId).Add(a => a.Items, [erased]).Add(a => a.MayOpen, true));
        shown.Find("[data-testid=file-name]").TextContent.ShouldBe("调解协议书.pdf");
        shown.Find("[data-testid=attachment-erased]").TextContent.ShouldBe("内容已随当事人信息删除（2026-11-02 10:00）");
        shown.FindAll("[data-testid=open-attachment]").ShouldBeEmpty();
    }
}
