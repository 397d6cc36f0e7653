using Bunit;
using Mediation.Cases;
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
}
