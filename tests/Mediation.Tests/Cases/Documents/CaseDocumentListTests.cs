using Mediation.Cases;
using Mediation.Cases.Documents;

namespace Mediation.Tests.Cases.Documents;

/// <summary>
/// Which documents a case has, in the order of the acts they record (the order the case file prints them in):
/// the acceptance decision's notice, each session's record by its version, the agreement in force.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class CaseDocumentListTests
{
    static DateTimeOffset At(double hours) => CaseStates.Received.AddHours(hours);

    [Fact]
    public void A_petition_lists_its_notice_its_sessions_in_business_time_order_and_its_agreement()
    {
        // Filed (1), accepted (2), assigned (3); a session (4); a session held earlier, entered late (5).
        var withSessions = CaseStates.Assigned(CaseKind.Petition)
            .Then(new MediationSessionHeld(SessionMode.InPerson, ["王调解"], "第二次", At(3)))
            .Then(new MediationSessionHeld(SessionMode.Phone, ["王调解"], "第一次", At(2.5)));
        var agreed = withSessions
            .Then(new CaseResolved(Outcome.AgreementReached, AgreementForm.Written, null, null, null, null, Level.Grid, "S1C1G1", At(4)))
            .Then(new AgreementRecorded(AgreementForm.Written, "事实", null,
                [new(withSessions.Parties[1].PartyId, withSessions.Parties[0].PartyId, "赔偿", 100m)], ["王调解"], At(4)));

        CaseDocuments.Of(agreed).ShouldBe([
            new DocumentRef("acceptance-notice"), new DocumentRef("session-record", 5), new DocumentRef("session-record", 4), new DocumentRef("agreement")]);
        CaseDocuments.SessionVersions(agreed).ShouldBe([5, 4]);

        // Reopened, the case has no agreement in force; its notice and sessions stay.
        var reopened = agreed.Then(new CaseClosed(At(5))).Then(new CaseReopened("当事人反悔", "S1C1G1", Level.Grid, At(6)));
        CaseDocuments.Of(reopened).ShouldBe([new DocumentRef("acceptance-notice"), new DocumentRef("session-record", 5), new DocumentRef("session-record", 4)]);
    }

    [Fact]
    public void A_petition_not_accepted_has_its_notice_and_a_case_just_filed_has_none()
    {
        CaseDocuments.Of(CaseStates.NotAccepted()).ShouldBe([new DocumentRef("not-acceptance-notice")]);
        CaseDocuments.Of(CaseStates.Filed(CaseKind.Petition, "S1", Level.Street)).ShouldBeEmpty();
        CaseDocuments.Of(CaseStates.Filed()).ShouldBeEmpty();
    }
}
