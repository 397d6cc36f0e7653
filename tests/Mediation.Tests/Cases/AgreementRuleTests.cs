using Mediation.Cases;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Recording;
using Mediation.Cases.Reopening;

namespace Mediation.Tests.Cases;

/// <summary>The agreement's rules (docs/domain.md, "The mediation agreement"), decided without a database.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class AgreementRuleTests
{
    static readonly DateTimeOffset Now = CaseStates.Received.AddDays(10);
    static readonly DecisionContext Context = new(Now, DecisionMatrixTests.Org, new DeadlinePolicy());

    static MediationCase Run<TCommand>(MediationCase state, TCommand command, CaseDecision<TCommand> decide, DateTimeOffset at)
        where TCommand : ICaseCommand =>
        CaseTimeline.Decide(command, state, Context with { Now = at }, decide).Aggregate(state, (s, e) => s.Then(e));

    static MediationCase Resolved(AgreementForm form) => CaseStates.Assigned().Then(
        new CaseResolved(Outcome.AgreementReached, form, 3000m, null, null, null, Level.Grid, "S1C1G1", CaseStates.Received.AddDays(1)));

    /// <summary>Two terms between the two parties, one mediator.</summary>
    static RecordAgreement TwoTerms(MediationCase state, AgreementForm form = AgreementForm.Written)
    {
        var (applicant, respondent) = (state.Parties[0].PartyId, state.Parties[1].PartyId);
        return new RecordAgreement(form, "双方因漏水发生纠纷", [
            new TermInput(respondent, applicant, "赔偿维修费", 2000m, CaseStates.Received.AddDays(20), "社区调委会", "现金"),
            new TermInput(applicant, respondent, "允许进入维修", null, CaseStates.Received.AddDays(5)),
        ], ["王调解"]);
    }

    static MediationCase Drafted(AgreementForm form = AgreementForm.Written)
    {
        var resolved = Resolved(form);
        return Run(resolved, TwoTerms(resolved, form), RecordAgreementEndpoint.Decide, Now);
    }

    static SignAgreement By(Guid party) => new(Signatory: party.ToString(), SignedAt: Now);

    [Fact]
    public void The_text_is_replaced_until_the_first_signature_and_refused_after_it_naming_the_state()
    {
        var drafted = Drafted();
        var replacement = TwoTerms(drafted) with { Facts = "事实经核实后重写" };
        Run(drafted, replacement, RecordAgreementEndpoint.Decide, Now).Agreement!.Facts.ShouldBe("事实经核实后重写");

        var signed = Run(drafted, By(drafted.Parties[0].PartyId), SignAgreementEndpoint.Decide, Now);
        var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => Run(signed, replacement, RecordAgreementEndpoint.Decide, Now));
        refusal.Code.ShouldBe(RefusalCode.AgreementSigned);
        refusal.Message.ShouldContain("signatures would no longer be for the same text");
        Mediation.Hosting.Problems.Refused(refusal).Extensions["state"].ShouldBe("Resolved");
    }

    [Fact]
    public void A_written_agreement_takes_effect_with_the_last_of_the_signatures_and_the_seal()
    {
        var state = Drafted();
        var (applicant, respondent) = (state.Parties[0].PartyId, state.Parties[1].PartyId);
        SignAgreement[] acts = [By(applicant), new(Signatory: "王调解"), new(Seal: true), By(respondent)];
        for (var i = 0; i < acts.Length; i++)
        {
            state.Agreement!.EffectiveAt.ShouldBeNull($"before act {i}");
            state = Run(state, acts[i] with { SignedAt = null, OccurredAt = Now.AddHours(i) }, SignAgreementEndpoint.Decide, Now.AddHours(i));
        }
        state.Agreement!.EffectiveAt.ShouldBe(Now.AddHours(3));
        state.Agreement.Signatures.Count.ShouldBe(3);
        state.Agreement.SealedAt.ShouldBe(Now.AddHours(2));

        Should.Throw<CaseRefusal.NotAllowed>(() => Run(state, By(applicant), SignAgreementEndpoint.Decide, Now.AddHours(4)))
            .Code.ShouldBe(RefusalCode.AlreadySigned);
        Should.Throw<CaseRefusal.NotAllowed>(() => Run(state, new SignAgreement(Seal: true), SignAgreementEndpoint.Decide, Now.AddHours(4)))
            .Code.ShouldBe(RefusalCode.AlreadySigned);
    }

    [Fact]
    public void A_signature_entered_late_still_completes_the_agreement_at_its_own_time()
    {
        var state = Drafted();
        var (applicant, respondent) = (state.Parties[0].PartyId, state.Parties[1].PartyId);
        state = Run(state, new SignAgreement(Signatory: "王调解", OccurredAt: Now), SignAgreementEndpoint.Decide, Now);
        state = Run(state, new SignAgreement(Signatory: applicant.ToString(), OccurredAt: Now), SignAgreementEndpoint.Decide, Now);
        state = Run(state, new SignAgreement(Seal: true, SealedAt: Now.AddHours(2)), SignAgreementEndpoint.Decide, Now.AddHours(2));
        state.Agreement!.EffectiveAt.ShouldBeNull();

        // The respondent signed before the seal was put on; the clerk enters it afterwards.
        state = Run(state, By(respondent) with { SignedAt = Now.AddHours(1) }, SignAgreementEndpoint.Decide, Now.AddHours(3));
        state.Agreement!.EffectiveAt.ShouldBe(Now.AddHours(2));
    }

    [Fact]
    public void Signatories_are_the_agreements_parties_and_mediators()
    {
        var state = Drafted();
        Should.Throw<CaseRefusal.InvalidField>(() => Run(state, By(Guid.NewGuid()), SignAgreementEndpoint.Decide, Now)).Field.ShouldBe("signatory");
        Should.Throw<CaseRefusal.InvalidField>(() => Run(state, new SignAgreement(Signatory: "李四"), SignAgreementEndpoint.Decide, Now))
            .Field.ShouldBe("signatory");
        Should.Throw<CaseRefusal.InvalidField>(() => Run(state, new SignAgreement(Signatory: state.Parties[0].PartyId.ToString(), Confirmed: true),
            SignAgreementEndpoint.Decide, Now)).Field.ShouldBe("confirmed");
    }

    [Fact]
    public void An_oral_agreement_takes_effect_when_every_party_confirmed_it_and_takes_no_seal()
    {
        var state = Drafted(AgreementForm.Oral);
        var (applicant, respondent) = (state.Parties[0].PartyId, state.Parties[1].PartyId);
        Should.Throw<CaseRefusal.NotAllowed>(() => Run(state, new SignAgreement(Seal: true), SignAgreementEndpoint.Decide, Now))
            .Code.ShouldBe(RefusalCode.NoSealForOral);
        Should.Throw<CaseRefusal.InvalidField>(() => Run(state, By(applicant), SignAgreementEndpoint.Decide, Now)).Field.ShouldBe("confirmed");

        state = Run(state, new SignAgreement(Signatory: applicant.ToString(), Confirmed: true), SignAgreementEndpoint.Decide, Now);
        state.Agreement!.EffectiveAt.ShouldBeNull();
        state = Run(state, new SignAgreement(Signatory: respondent.ToString(), Confirmed: true), SignAgreementEndpoint.Decide, Now.AddHours(1));
        state.Agreement!.EffectiveAt.ShouldBe(Now.AddHours(1));
    }

    [Fact]
    public void The_text_needs_a_resolution_with_an_agreement_in_its_form_between_parties_of_the_case()
    {
        var open = CaseStates.Assigned();
        var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => Run(open, TwoTerms(open), RecordAgreementEndpoint.Decide, Now));
        Mediation.Hosting.Problems.Refused(refusal).Extensions["state"].ShouldBe("Assigned");

        var withdrawn = CaseStates.Resolved(CaseKind.Dispute, Outcome.Withdrawn);
        Should.Throw<CaseRefusal.NotAllowed>(() => Run(withdrawn, TwoTerms(withdrawn), RecordAgreementEndpoint.Decide, Now))
            .Code.ShouldBe(RefusalCode.NotAnAgreement);
        var closed = CaseStates.Closed();
        Should.Throw<CaseRefusal.NotAllowed>(() => Run(closed, TwoTerms(closed), RecordAgreementEndpoint.Decide, Now))
            .Code.ShouldBe(RefusalCode.WrongStatus);

        var written = Resolved(AgreementForm.Written);
        Should.Throw<CaseRefusal.InvalidField>(() => Run(written, TwoTerms(written, AgreementForm.Oral), RecordAgreementEndpoint.Decide, Now))
            .Field.ShouldBe("form");
        var stranger = TwoTerms(written) with { Terms = [new TermInput(Guid.NewGuid(), written.Parties[0].PartyId, "赔偿")] };
        Should.Throw<CaseRefusal.InvalidField>(() => Run(written, stranger, RecordAgreementEndpoint.Decide, Now)).Field.ShouldBe("terms[0].obligor");

        Should.Throw<CaseRefusal.NotAllowed>(() => Run(written, By(written.Parties[0].PartyId), SignAgreementEndpoint.Decide, Now))
            .Code.ShouldBe(RefusalCode.NoAgreementText);
    }

    [Fact]
    public void A_term_past_its_due_date_is_overdue_until_performance_is_recorded_full_and_a_reopening_drops_the_agreement()
    {
        var state = Drafted();
        state.TermDueAt.ShouldBe(CaseStates.Received.AddDays(5));
        state.HasTermOverdueAt(CaseStates.Received.AddDays(6)).ShouldBeTrue();
        state.HasTermOverdueAt(CaseStates.Received.AddDays(4)).ShouldBeFalse();

        state.Then(new PerformanceRecorded(PerformanceResult.Partial, null, Now)).HasTermOverdueAt(CaseStates.Received.AddDays(6)).ShouldBeTrue();
        var performed = state.Then(new PerformanceRecorded(PerformanceResult.Full, null, Now));
        performed.TermDueAt.ShouldBeNull();
        performed.HasTermOverdueAt(CaseStates.Received.AddDays(60)).ShouldBeFalse();

        var reopened = state.Then(new CaseClosed(Now)).Then(new CaseReopened("协议未履行", "S1C1G1", Level.Grid, Now));
        reopened.Agreement.ShouldBeNull();
        reopened.TermDueAt.ShouldBeNull();
    }

    [Fact]
    public void A_correction_of_the_resolutions_form_is_refused_once_the_agreement_text_is_in_the_other_form()
    {
        var state = Drafted();
        var resolution = state.Acts.Single(a => a.Event is CaseResolved);
        var correct = new Mediation.Cases.Correcting.CorrectAct(resolution.Version,
            new() { ["agreementForm"] = System.Text.Json.JsonSerializer.SerializeToElement("Oral") }, "协议形式登记有误");
        Should.Throw<CaseRefusal.Contradicts>(() =>
            CaseTimeline.Decide(correct, state, Context with { MayEnterLockedPeriods = true }, Mediation.Cases.Correcting.CorrectActEndpoint.Decide));
    }
}
