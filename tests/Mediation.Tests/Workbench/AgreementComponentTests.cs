using Bunit;
using Mediation.Cases;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Reading;
using Mediation.Common;
using Mediation.Language;
using Mediation.Parties;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Workbench.CaseFile;
using Mediation.Workbench.CaseFile.Agreements;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Workbench;

/// <summary>The case page's sections for the end of a mediation, rendered with bUnit (no browser, no server).</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class AgreementComponentTests : IDisposable
{
    static readonly DecisionContext Context = new(CaseStates.Received.AddDays(10), DecisionMatrixTests.Org, new DeadlinePolicy());
    static readonly DateTimeOffset At = CaseStates.Received.AddHours(6);

    readonly BunitContext _context = new();

    // The sections' forms run commands through it; rendering them runs none.
    public AgreementComponentTests() => _context.Services.AddSingleton(new CaseActions(null!));

    public void Dispose() => _context.Dispose();

    /// <summary>The case as a clerk's page shows it: its parties masked as the API masks them.</summary>
    static CaseView ViewOf(MediationCase state) => CaseView.Of(state,
        [new PartyView(state.Parties[0].PartyId, PartyRole.Applicant, "张*", null, null, null, Masked: true, Erased: false),
         new PartyView(state.Parties[1].PartyId, PartyRole.Respondent, "李*", null, null, null, Masked: true, Erased: false)],
        Context.Now, Context.Deadlines.JudicialConfirmation);

    [Fact]
    public void The_agreement_shows_its_terms_who_signed_and_offers_only_the_signatures_still_to_give()
    {
        var recorded = CaseStates.AgreementRecorded();
        // Signed by the respondent only.
        var state = recorded.Then(new AgreementSigned(recorded.Parties[1].PartyId, null, At));
        var offers = AgreementOffers.For(state, new CurrentUser("clerk", "C1", new HashSet<string> { Roles.Clerk }), Context);
        var section = _context.Render<AgreementSection>(p => p.AddCascadingValue(Texts.Zh).Add(s => s.View, ViewOf(state)).Add(s => s.Offers, offers));

        var term = section.Find("[data-testid=terms] tbody tr");
        term.TextContent.ShouldContain("被申请人 李*");
        term.TextContent.ShouldContain("申请人 张*");
        term.TextContent.ShouldContain("赔偿");
        var rows = section.FindAll("[data-testid=signatures] tbody tr");
        rows.Select(r => r.Children[0].TextContent).ShouldBe(["被申请人 李*", "申请人 张*", "调解员 王调解", "调解委员会盖章"]);
        rows.Select(r => r.GetAttribute("data-signed")).ShouldBe(["1", "0", "0", "0"]);
        rows[0].Children[1].TextContent.ShouldBe("已签名 2026-03-02 15:30");
        rows[0].QuerySelector("[data-testid=sign]").ShouldBeNull();
        rows[1].QuerySelector("[data-testid=sign]")!.GetAttribute("data-open").ShouldBe("dlg-sign-1");
        section.Find("#dlg-sign-1 input[name='Sign.Signatory']").GetAttribute("value").ShouldBe(recorded.Parties[0].PartyId.ToString());
        section.Find("#dlg-seal input[name='Sign.Seal']").GetAttribute("value").ShouldBe("true");
        section.FindAll("#dlg-sign-0").ShouldBeEmpty();
        section.Find("[data-testid=effect]").TextContent.Trim().ShouldBe("未生效");
        // Signed once, the text is no longer offered for change.
        section.FindAll("[data-testid=edit-agreement]").ShouldBeEmpty();
        section.FindAll("#dlg-agreement").ShouldBeEmpty();
    }

    [Fact]
    public void The_editor_shows_a_term_per_row_with_the_cases_parties_to_choose_and_a_refused_fields_message_beside_it()
    {
        var view = ViewOf(CaseStates.Resolved());
        var editor = _context.Render<AgreementEditor>(p => p.AddCascadingValue(Texts.Zh).Add(e => e.View, view).Add(e => e.Parties, view.Parties)
            .Add(e => e.Posted, new AgreementDraft { Version = 5, Form = "Written", Terms = [new(), new() { Content = "赔偿" }] }));

        editor.Find("dialog").GetAttribute("data-show").ShouldBe("1");
        editor.Find("input[name='Agreement.Version']").GetAttribute("value").ShouldBe("5");
        editor.FindAll("fieldset[data-term]").Count.ShouldBe(2);
        editor.Find("textarea[name='Agreement.Terms[1].Content']").TextContent.ShouldBe("赔偿");
        editor.FindAll("select[name='Agreement.Terms[0].Obligor'] option").Select(o => o.TextContent).ShouldBe(["", "申请人 张*", "被申请人 李*"]);
        editor.FindAll("[data-testid=remove-term]").Select(b => b.GetAttribute("value")).ShouldBe(["remove-0", "remove-1"]);
        // Enter in a field records the agreement rather than pressing the first row's remove button.
        editor.Find("form button[type=submit]").ClassList.ShouldContain("wb-default-submit");

        var term = _context.Render<TermFields>(p => p.AddCascadingValue(Texts.Zh).Add(t => t.Index, 1).Add(t => t.Term, new TermDraft())
            .Add(t => t.Parties, view.Parties)
            .Add(t => t.Errors, new Dictionary<string, FieldMessage[]>
            {
                ["terms[1].obligee"] = [FieldMessage.Refused(new CaseRefusal.InvalidField("terms[1].obligee", RefusalCode.OwnObligee, "must be another party"))],
                ["terms[0].content"] = [FieldMessage.Required],
            }));
        term.Find("[data-field=obligee] .wb-error").TextContent.ShouldBe(Texts.Zh.Message(FieldMessage.Refused(
            new CaseRefusal.InvalidField("terms[1].obligee", RefusalCode.OwnObligee, "must be another party"))));
        term.FindAll(".wb-error").Count.ShouldBe(1);
    }

    [Fact]
    public void The_documents_are_offered_in_each_format_with_a_reason_for_the_access_log()
    {
        var caseId = Guid.NewGuid();
        var documents = _context.Render<CaseDocuments>(p => p.AddCascadingValue(Texts.Zh).Add(d => d.CaseId, caseId).Add(d => d.Documents, CaseDocument.All));
        var form = documents.Find("[data-document=agreement] form");
        form.GetAttribute("action").ShouldBe($"/api/cases/{caseId}/documents/agreement");
        form.QuerySelector("input[name=reason]")!.HasAttribute("required").ShouldBeTrue();
        form.QuerySelectorAll("button[name=format]").Select(b => (b.GetAttribute("value"), b.TextContent)).ShouldBe([("docx", "Word"), ("pdf", "PDF")]);

        _context.Render<CaseDocuments>(p => p.AddCascadingValue(Texts.Zh).Add(d => d.CaseId, caseId).Add(d => d.Documents, [])).Markup.Trim().ShouldBeEmpty();
    }

    [Fact]
    public void A_session_record_is_offered_per_session_and_asks_for_that_session()
    {
        var caseId = Guid.NewGuid();
        var record = CaseDocument.All.Single(d => d.Kind == "session-record");
        var documents = _context.Render<CaseDocuments>(p => p.AddCascadingValue(Texts.Zh).Add(d => d.CaseId, caseId)
            .Add(d => d.Documents, [record with { Version = 3 }, record with { Version = 7 }]));
        var second = documents.Find("[data-document=session-record][data-version='7']");
        second.QuerySelector("strong")!.TextContent.ShouldBe("调解记录（第2次）");
        var form = second.QuerySelector("form")!;
        form.GetAttribute("action").ShouldBe($"/api/cases/{caseId}/documents/session-record");
        form.QuerySelector("input[name=version]")!.GetAttribute("value").ShouldBe("7");
    }

    [Fact]
    public void Archiving_asks_for_the_retention_period_and_an_archived_case_shows_its_file_number()
    {
        var offered = _context.Render<CaseArchive>(p => p.AddCascadingValue(Texts.Zh).Add(a => a.CaseId, Guid.NewGuid()).Add(a => a.CaseNumber, "2026-000001")
            .Add(a => a.Version, 9).Add(a => a.Offered, true));
        offered.Find("[data-action=archive]").GetAttribute("data-open").ShouldBe("dlg-archive");
        offered.FindAll("select[name='Archive.Retention'] option").Select(o => (o.GetAttribute("value"), o.TextContent))
            .ShouldBe([("", ""), ("Permanent", "永久"), ("Long", "长期"), ("Short", "短期")]);
        offered.Find("input[name='Archive.Version']").GetAttribute("value").ShouldBe("9");
        offered.FindAll("[data-testid=file-number]").ShouldBeEmpty();

        var archived = _context.Render<CaseArchive>(p => p.AddCascadingValue(Texts.Zh).Add(a => a.CaseId, Guid.NewGuid()).Add(a => a.CaseNumber, "2026-000001")
            .Add(a => a.Version, 10).Add(a => a.FileNumber, "（2026）城关街道调卷字第7号"));
        archived.Find("[data-testid=file-number]").TextContent.ShouldBe("已归档，卷宗号 （2026）城关街道调卷字第7号");
        archived.FindAll("dialog").ShouldBeEmpty();
    }
}
