using Mediation.Cases;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Reading;
using Mediation.Parties;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Workbench.CaseFile;
using Mediation.Workbench.CaseFile.Agreements;

namespace Mediation.Tests.Workbench;

/// <summary>
/// What the case page offers at the end of a mediation, decided by the commands' own decisions: the agreement's
/// editor and how it reads, each signature and the seal, the next step of a judicial confirmation, the documents.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class AgreementLogicTests
{
    static readonly DecisionContext Context = new(CaseStates.Received.AddDays(10), DecisionMatrixTests.Org, new DeadlinePolicy());
    static readonly DateTimeOffset At = CaseStates.Received.AddHours(6);

    static CurrentUser As(string role) => new(role.ToLowerInvariant(), "C1", new HashSet<string> { role });

    static Guid Applicant(MediationCase state) => state.Parties[0].PartyId;
    static Guid Respondent(MediationCase state) => state.Parties[1].PartyId;

    /// <summary>The recorded agreement signed by both parties and its mediator: only the seal is missing.</summary>
    static MediationCase SignedButNotSealed()
    {
        var state = CaseStates.AgreementRecorded();
        return state.Then(new AgreementSigned(Applicant(state), null, At)).Then(new AgreementSigned(Respondent(state), null, At))
            .Then(new AgreementSigned(null, "王调解", At));
    }

    [Fact]
    public void The_editor_is_offered_while_the_text_may_be_replaced_and_each_signature_until_it_is_given()
    {
        AgreementOffers.For(CaseStates.Resolved(), As(Roles.Clerk), Context).Edit.ShouldBeTrue();
        AgreementOffers.For(CaseStates.Resolved(), As(Roles.Auditor), Context).Edit.ShouldBeFalse();
        AgreementOffers.For(CaseStates.Resolved(outcome: Outcome.Withdrawn), As(Roles.Clerk), Context).Edit.ShouldBeFalse();

        var recorded = CaseStates.AgreementRecorded();
        var offers = AgreementOffers.For(recorded, As(Roles.Mediator), Context);
        offers.Edit.ShouldBeTrue();
        offers.Signatories.ShouldBe([Respondent(recorded).ToString(), Applicant(recorded).ToString(), "王调解"], ignoreOrder: true);
        offers.Seal.ShouldBeTrue();

        var signed = recorded.Then(new AgreementSigned(Respondent(recorded), null, At));
        offers = AgreementOffers.For(signed, As(Roles.Mediator), Context);
        offers.Edit.ShouldBeFalse();
        offers.Signatories.ShouldNotContain(Respondent(recorded).ToString());
        offers.Signatories.Count.ShouldBe(2);

        var sealedToo = SignedButNotSealed().Then(new AgreementSealed(At));
        sealedToo.Agreement!.EffectiveAt.ShouldBe(At);
        ShouldOfferNothing(AgreementOffers.For(sealedToo, As(Roles.Mediator), Context));
        ShouldOfferNothing(AgreementOffers.For(recorded, As(Roles.Auditor), Context));
    }

    static void ShouldOfferNothing(AgreementOffers offers)
    {
        offers.Edit.ShouldBeFalse();
        offers.Signatories.ShouldBeEmpty();
        offers.Seal.ShouldBeFalse();
    }

    [Fact]
    public void An_oral_agreement_is_confirmed_by_its_parties_only_and_takes_no_seal()
    {
        var resolved = CaseStates.Assigned().Then(new CaseResolved(Outcome.AgreementReached, AgreementForm.Oral, null, null, null, null, Level.Grid, "S1C1G1", At));
        var oral = resolved.Then(new AgreementRecorded(AgreementForm.Oral, "事实", null, [new(Respondent(resolved), Applicant(resolved), "道歉")], ["王调解"], At));
        var offers = AgreementOffers.For(oral, As(Roles.Clerk), Context);
        offers.Signatories.ShouldBe([Respondent(resolved).ToString(), Applicant(resolved).ToString()], ignoreOrder: true);
        offers.Seal.ShouldBeFalse();

        var view = AgreementView.Of(oral, Context.Now)!;
        Signatory.Of(view, []).Select(s => s.Key).ShouldBe([Respondent(resolved).ToString(), Applicant(resolved).ToString()]);
        new SignatureForm { Signatory = Applicant(resolved).ToString() }.ToCommand(new FormReader(), AgreementForm.Oral).Confirmed.ShouldBe(true);
        new SignatureForm { Seal = true, At = "2026-03-03T10:00" }.ToCommand(new FormReader(), AgreementForm.Written)
            .ShouldBe(new SignAgreement(Seal: true, SealedAt: new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_confirmation_dialog_offers_only_the_step_its_decision_accepts_next_and_the_court_applied_to()
    {
        var confirmation = CaseCommands.Find("confirmation")!;
        confirmation.InWorkbench.ShouldBeTrue();
        CaseActions.Offers(confirmation, SignedButNotSealed(), As(Roles.Clerk), Context).ShouldBeFalse("not in effect yet");

        var effective = SignedButNotSealed().Then(new AgreementSealed(At));
        CaseActions.Offers(confirmation, effective, As(Roles.Clerk), Context).ShouldBeTrue();
        CaseActions.ChoicesOn(confirmation, effective, Context)!["event"].ShouldBe(new Enum[] { ConfirmationStep.Applied });
        CaseActions.DefaultsOn(confirmation, effective).ShouldBeNull();

        var applied = effective.Then(new ConfirmationApplied("城关区人民法院", At.AddDays(1)));
        CaseActions.ChoicesOn(confirmation, applied, Context)!["event"].ShouldBe(new Enum[] { ConfirmationStep.Confirmed, ConfirmationStep.Rejected });
        CaseActions.DefaultsOn(confirmation, applied)!.Court.ShouldBe("城关区人民法院");

        var confirmed = applied.Then(new ConfirmationRuled(ConfirmationRuling.Confirmed, "城关区人民法院", "（2026）民特1号", At.AddDays(2)));
        CaseActions.ChoicesOn(confirmation, confirmed, Context)!["event"].ShouldBe(new Enum[] { ConfirmationStep.EnforcementApplied });
        var enforced = confirmed.Then(new EnforcementApplied("城关区人民法院", At.AddDays(3)));
        CaseActions.Offers(confirmation, enforced, As(Roles.Clerk), Context).ShouldBeFalse("every step taken");
        CaseActions.ChoicesOn(CaseCommands.Find("resolve")!, enforced, Context).ShouldBeNull();
    }

    [Fact]
    public void The_editor_adds_and_removes_rows_and_reads_each_term_as_the_api_names_its_fields()
    {
        var recorded = CaseStates.AgreementRecorded();
        var view = CaseView.Of(recorded, [], Context.Now, Context.Deadlines.JudicialConfirmation);
        var draft = AgreementDraft.Of(view);
        draft.Terms.Count.ShouldBe(1);
        draft.Terms[0].Obligor.ShouldBe(Respondent(recorded).ToString());
        draft.Terms[0].Amount.ShouldBe("100");
        draft.Mediators.ShouldBe("王调解");
        AgreementDraft.Of(CaseView.Of(CaseStates.Resolved(), [], Context.Now, Context.Deadlines.JudicialConfirmation))
            .ShouldSatisfyAllConditions(d => d.Form.ShouldBe("Written"), d => d.Terms.Count.ShouldBe(1), d => d.Facts.ShouldBeNull());

        draft.Edit = AgreementDraft.AddTerm;
        draft.ApplyEdit().ShouldBeTrue();
        draft.Terms.Count.ShouldBe(2);
        draft.Terms[1] = new TermDraft { Obligor = Applicant(recorded).ToString(), Obligee = "nobody", Content = " 修缮 ", Amount = "12,5x", DueAt = "2026-04-01" };
        draft.Edit = null;
        draft.ApplyEdit().ShouldBeFalse();

        var reader = new FormReader();
        var command = draft.ToCommand(reader);
        reader.Check.Errors.Keys.ShouldBe(["terms[1].amount"]);
        command.Terms![1].ShouldBe(new TermInput(Applicant(recorded), null, "修缮", null, new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero)));
        command.Mediators.ShouldBe(["王调解"]);
        command.Form.ShouldBe(AgreementForm.Written);

        draft.Edit = AgreementDraft.RemoveTerm + "0";
        draft.ApplyEdit().ShouldBeTrue();
        draft.Terms.Single().Content.ShouldBe(" 修缮 ");
    }

    [Fact]
    public void The_agreements_document_is_offered_to_who_may_generate_it_once_an_agreement_is_recorded()
    {
        var recorded = CaseView.Of(CaseStates.AgreementRecorded(), [], Context.Now, Context.Deadlines.JudicialConfirmation);
        CaseDocument.For(recorded, As(Roles.Supervisor)).Select(d => d.Kind).ShouldBe(["agreement"]);
        CaseDocument.For(recorded, As(Roles.Auditor)).Select(d => d.Kind).ShouldBe(["agreement"]);
        CaseDocument.For(recorded, As(Roles.Clerk)).ShouldBeEmpty();
        CaseDocument.For(CaseView.Of(CaseStates.Resolved(), [], Context.Now, Context.Deadlines.JudicialConfirmation), As(Roles.Supervisor)).ShouldBeEmpty();
        var caseId = Guid.NewGuid();
        CaseDocument.All.Single(d => d.Kind == "agreement").PathFor(caseId).ShouldBe($"/api/cases/{caseId}/documents/agreement");
        // Every document the page lists has its name in both languages.
        foreach (var document in CaseDocument.All)
        {
            Mediation.Language.Texts.Zh.Keys.ShouldContain($"Document.{document.Kind}");
            foreach (var format in document.Formats) Mediation.Language.Texts.En.Keys.ShouldContain($"DocumentFormat.{format}");
        }
    }

    [Fact]
    public void Every_document_the_case_has_is_offered_in_the_order_of_its_acts_a_session_record_per_session()
    {
        var accepted = CaseStates.Accepted();
        var state = accepted
            .Then(new MediationSessionHeld(SessionMode.InPerson, ["王调解"], "第一次", accepted.ReceivedAt.AddDays(1)))
            .Then(new MediationSessionHeld(SessionMode.InPerson, ["王调解"], "第二次", accepted.ReceivedAt.AddDays(2)));
        var view = CaseView.Of(state, [], Context.Now, Context.Deadlines.JudicialConfirmation);

        var offered = CaseDocument.For(view, As(Roles.Supervisor));
        offered.Select(d => (d.Kind, d.Version)).ShouldBe([("acceptance-notice", null), ("session-record", 3L), ("session-record", 4L)]);
        CaseDocument.For(view, As(Roles.Clerk)).ShouldBeEmpty();
        CaseDocument.For(CaseView.Of(CaseStates.NotAccepted(), [], Context.Now, Context.Deadlines.JudicialConfirmation), As(Roles.Auditor))
            .Select(d => d.Kind).ShouldBe(["not-acceptance-notice"]);
        // A closed case's file, a draft until it is archived.
        CaseDocument.For(CaseView.Of(CaseStates.Closed(outcome: Outcome.Withdrawn), [], Context.Now, Context.Deadlines.JudicialConfirmation), As(Roles.Auditor))
            .Select(d => d.Kind).ShouldBe(["case-file"]);
        var caseId = Guid.NewGuid();
        CaseDocument.All.Single(d => d.Kind == "case-file").PathFor(caseId).ShouldBe($"/api/cases/{caseId}/case-file");
    }

    [Fact]
    public async Task A_dialog_written_against_an_endpoints_json_reads_its_body_as_the_api_does_and_names_what_does_not_bind()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext
        {
            User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new(System.Security.Claims.ClaimTypes.Name, "supervisor"), new(CurrentUser.RoleClaim, Roles.Supervisor), new(CurrentUser.NodeClaim, "C1")],
                "test", System.Security.Claims.ClaimTypes.Name, CurrentUser.RoleClaim)),
        };
        // Refused before anything is decided, so no runner is needed.
        var actions = new CaseActions(null!);
        var caseId = Guid.NewGuid();

        var unbound = await actions.RunAsync(http, caseId, "supervise", new System.Text.Json.Nodes.JsonObject { ["kind"] = "Scolding" }, 3, TestContext.Current.CancellationToken);
        unbound.Status.ShouldBe(400);
        Mediation.Hosting.Problems.MessagesOf(unbound.Problem)["kind"].Single().Text.ShouldStartWith("must be one of Reminder");

        var invalid = await actions.RunAsync(http, caseId, "supervise", new System.Text.Json.Nodes.JsonObject { ["note"] = "抓紧" }, 3, TestContext.Current.CancellationToken);
        Mediation.Hosting.Problems.MessagesOf(invalid.Problem).Keys.ShouldBe(["kind"]);

        var unknown = await actions.RunAsync(http, caseId, "no-such-command", [], 3, TestContext.Current.CancellationToken);
        Mediation.Hosting.Problems.MessagesOf(unknown.Problem).Keys.ShouldBe(["action"]);
    }
}
