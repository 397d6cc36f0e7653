using Mediation.Cases;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Confirming;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Recording;

namespace Mediation.Tests.Cases.Confirming;

/// <summary>The judicial confirmation's rules (docs/domain.md, "Judicial confirmation"), decided without a database.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class ConfirmationRuleTests
{
    static readonly DateTimeOffset EffectiveAt = CaseStates.Received.AddDays(2);
    static readonly DecisionContext Context = new(EffectiveAt.AddDays(1), DecisionMatrixTests.Org, new DeadlinePolicy());

    static MediationCase Run(MediationCase state, RecordConfirmation command, DateTimeOffset now) =>
        CaseTimeline.Decide(command, state, Context with { Now = now }, RecordConfirmationEndpoint.Decide).Aggregate(state, (s, e) => s.Then(e));

    static MediationCase Run(MediationCase state, ConfirmationStep step, string? rulingNumber = null, DateTimeOffset? now = null) =>
        Run(state, new RecordConfirmation(step, "某区人民法院", RulingNumber: rulingNumber), now ?? Context.Now);

    /// <summary>A dispute resolved with an oral agreement that both parties confirmed: in effect from <see cref="EffectiveAt"/>.</summary>
    static MediationCase Effective()
    {
        var resolved = CaseStates.Assigned().Then(new CaseResolved(Outcome.AgreementReached, AgreementForm.Oral, 500m, null, null, null, Level.Grid, "S1C1G1",
            CaseStates.Received.AddDays(1)));
        var (applicant, respondent) = (resolved.Parties[0].PartyId, resolved.Parties[1].PartyId);
        return resolved
            .Then(new AgreementRecorded(AgreementForm.Oral, "邻里纠纷", null, [new AgreementTerm(respondent, applicant, "赔偿 500 元", 500m)], ["王调解"],
                CaseStates.Received.AddDays(1).AddHours(1)))
            .Then(new AgreementConfirmed(applicant, CaseStates.Received.AddDays(1).AddHours(2)))
            .Then(new AgreementConfirmed(respondent, EffectiveAt));
    }

    static CaseRefusal.NotAllowed Refused(Func<MediationCase> act)
    {
        var refusal = Should.Throw<CaseRefusal.NotAllowed>(act);
        var problem = Mediation.Hosting.Problems.Refused(refusal);
        problem.Status.ShouldBe(409);
        problem.Extensions["command"].ShouldBe(RecordConfirmationEndpoint.Command);
        return refusal;
    }

    [Fact]
    public void The_application_the_ruling_and_enforcement_are_recorded_in_order_each_once()
    {
        var applied = Run(Effective(), ConfirmationStep.Applied);
        applied.Confirmation.ShouldBe(new JudicialConfirmation("某区人民法院", Context.Now));
        Refused(() => Run(applied, ConfirmationStep.Applied)).Code.ShouldBe(RefusalCode.ConfirmationOutOfOrder);
        Refused(() => Run(applied, ConfirmationStep.EnforcementApplied)).Code.ShouldBe(RefusalCode.ConfirmationOutOfOrder);

        var confirmed = Run(applied, ConfirmationStep.Confirmed, "(2026)京0101民特123号");
        (confirmed.Confirmation!.Ruling, confirmed.Confirmation.RulingNumber).ShouldBe((ConfirmationRuling.Confirmed, "(2026)京0101民特123号"));
        Refused(() => Run(confirmed, ConfirmationStep.Rejected, "(2026)京0101民特124号")).Message.ShouldContain("already ruled Confirmed");

        var enforced = Run(confirmed, ConfirmationStep.EnforcementApplied);
        enforced.Confirmation!.EnforcementAppliedAt.ShouldBe(Context.Now);
        Refused(() => Run(enforced, ConfirmationStep.EnforcementApplied)).Code.ShouldBe(RefusalCode.ConfirmationOutOfOrder);
    }

    [Fact]
    public void A_ruling_needs_an_application_and_a_rejected_agreement_is_not_enforced()
    {
        Refused(() => Run(Effective(), ConfirmationStep.Confirmed, "1号")).Message.ShouldContain("no joint application");
        Refused(() => Run(Effective(), ConfirmationStep.EnforcementApplied)).Code.ShouldBe(RefusalCode.ConfirmationOutOfOrder);
        var rejected = Run(Run(Effective(), ConfirmationStep.Applied), ConfirmationStep.Rejected, "2号");
        rejected.Confirmation!.Ruling.ShouldBe(ConfirmationRuling.Rejected);
        Refused(() => Run(rejected, ConfirmationStep.EnforcementApplied)).Message.ShouldContain("once a court confirmed");
    }

    [Fact]
    public void The_application_needs_the_agreement_in_effect_and_is_made_within_the_window()
    {
        var effective = Effective();
        var unsigned = effective with { Agreement = effective.Agreement! with { EffectiveAt = null } };
        Refused(() => Run(unsigned, ConfirmationStep.Applied)).Code.ShouldBe(RefusalCode.AgreementNotInEffect);
        Refused(() => Run(CaseStates.Resolved(CaseKind.Dispute, Outcome.Withdrawn), ConfirmationStep.Applied)).Code.ShouldBe(RefusalCode.NotAnAgreement);

        var lastDay = EffectiveAt.AddDays(30);
        Run(effective, ConfirmationStep.Applied, now: lastDay).Confirmation!.AppliedAt.ShouldBe(lastDay);
        var late = Refused(() => Run(effective, ConfirmationStep.Applied, now: lastDay.AddMinutes(1)));
        late.Code.ShouldBe(RefusalCode.ConfirmationWindowPassed);
        late.Message.ShouldContain("within 30 days");

        // Placed at a time before the agreement took effect, the application is refused there.
        var before = new RecordConfirmation(ConfirmationStep.Applied, "某区人民法院", At: EffectiveAt.AddHours(-1));
        Refused(() => Run(effective, before, Context.Now)).Code.ShouldBe(RefusalCode.AgreementNotInEffect);
    }

    [Fact]
    public void The_window_is_the_setting_from_the_agreements_effect()
    {
        var policy = new DeadlinePolicy { JudicialConfirmation = TimeSpan.FromDays(10) };
        var context = Context with { Now = EffectiveAt.AddDays(11), Deadlines = policy };
        Should.Throw<CaseRefusal.NotAllowed>(() => CaseTimeline.Decide(new RecordConfirmation(ConfirmationStep.Applied, "某区人民法院"), Effective(), context,
            RecordConfirmationEndpoint.Decide)).Arguments[0].ShouldBe(10d);
    }

    [Fact]
    public void A_reopened_case_has_no_confirmation()
    {
        var applied = Run(Effective(), ConfirmationStep.Applied);
        applied.Then(new CaseClosed(Context.Now.AddHours(1))).Then(new CaseReopened("协议未履行", "S1C1", Level.Community, Context.Now.AddHours(2)))
            .Confirmation.ShouldBeNull();
    }

    [Theory]
    [InlineData(ConfirmationStep.Applied, null, null)]
    [InlineData(ConfirmationStep.Confirmed, null, "rulingNumber")]
    [InlineData(ConfirmationStep.Rejected, " ", "rulingNumber")]
    [InlineData(ConfirmationStep.Applied, "1号", "rulingNumber")]
    [InlineData((ConfirmationStep)9, null, "event")]
    public void Fields_are_checked_naming_the_field(ConfirmationStep step, string? rulingNumber, string? field)
    {
        var problem = RecordConfirmationEndpoint.Validate(new RecordConfirmation(step, "某区人民法院", RulingNumber: rulingNumber));
        if (field is null) problem.ShouldBeSameAs(Wolverine.Http.WolverineContinue.NoProblems);
        else ((Microsoft.AspNetCore.Mvc.ValidationProblemDetails)problem).Errors.Keys.ShouldBe([field]);
        ((Microsoft.AspNetCore.Mvc.ValidationProblemDetails)RecordConfirmationEndpoint.Validate(new RecordConfirmation(ConfirmationStep.Applied, " ")))
            .Errors.Keys.ShouldBe(["court"]);
    }

    [Fact]
    public void The_window_warns_and_lapses_once_each_and_not_after_an_application()
    {
        var effective = Effective();
        var endsAt = EffectiveAt.AddDays(30);
        var warning = new ConfirmationWindowDue(effective.Id, EffectiveAt, endsAt, EffectiveAt.AddDays(20), Lapse: false);
        var lapse = warning with { DueAt = endsAt, Lapse = true };

        ConfirmationWindow.Decide(warning, effective, warning.DueAt.AddSeconds(-1)).ShouldBeEmpty();
        var warned = ConfirmationWindow.Decide(warning, effective, warning.DueAt).ShouldHaveSingleItem().ShouldBeOfType<ConfirmationWindowClosing>();
        (warned.EndsAt, warned.OccurredAt).ShouldBe((endsAt, warning.DueAt));
        var afterWarning = effective.Then(warned);
        ConfirmationWindow.Decide(warning, afterWarning, warning.DueAt).ShouldBeEmpty();

        var lapsed = ConfirmationWindow.Decide(lapse, afterWarning, endsAt).ShouldHaveSingleItem().ShouldBeOfType<ConfirmationWindowLapsed>();
        ConfirmationWindow.Decide(lapse, afterWarning.Then(lapsed), endsAt).ShouldBeEmpty();

        var applied = Run(effective, ConfirmationStep.Applied);
        ConfirmationWindow.Decide(warning, applied, endsAt).ShouldBeEmpty();
        ConfirmationWindow.Decide(lapse, applied, endsAt).ShouldBeEmpty();
        // An agreement no longer in effect from then (a correction moved it, or the case was reopened) is not warned about.
        ConfirmationWindow.Decide(lapse with { EffectiveAt = EffectiveAt.AddHours(-1) }, effective, endsAt).ShouldBeEmpty();
    }
}
