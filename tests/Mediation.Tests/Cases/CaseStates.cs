using Mediation.Cases;

namespace Mediation.Tests.Cases;

/// <summary>Case states built the way the service builds them: by evolving through events in order.</summary>
public static class CaseStates
{
    public static readonly DateTimeOffset Received = new(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);

    public static MediationCase Filed(CaseKind kind = CaseKind.Dispute, string node = "S1C1", Level level = Level.Community) =>
        new MediationCase().Then(new CaseFiled(Guid.NewGuid(), "2026-000001", kind, kind == CaseKind.Petition ? PetitionType.Claim : null,
            Channel.WalkIn, "Neighbour", "summary", node, level, [new PartyReference(Guid.NewGuid(), PartyRole.Applicant), new PartyReference(Guid.NewGuid(), PartyRole.Respondent)],
            RiskLevel.Low, 1, Received.AddDays(kind == CaseKind.Petition ? 15 : 30), Received));

    static DateTimeOffset At(int hours) => Received.AddHours(hours);

    public static MediationCase Accepted() => Filed(CaseKind.Petition, "S1", Level.Street)
        .Then(new PetitionAccepted(NoticeMethod.Written, null, At(1).AddDays(60), At(1)));

    public static MediationCase NotAccepted() => Filed(CaseKind.Petition, "S1", Level.Street)
        .Then(new PetitionNotAccepted(NoticeMethod.Written, "不属于信访事项", At(1)));

    public static MediationCase Assigned(CaseKind kind = CaseKind.Dispute) =>
        (kind == CaseKind.Petition ? Accepted() : Filed(kind)).Then(new CaseAssigned("S1C1G1", "网格员甲", At(2)));

    public static MediationCase Escalated() =>
        Assigned().Then(new CaseEscalated(EscalationReason.MediationFailed, null, "S1C1G1", Level.Grid, "S1C1", Level.Community, At(3)));

    public static MediationCase Resolved(CaseKind kind = CaseKind.Dispute, Outcome outcome = Outcome.AgreementReached) =>
        Assigned(kind).Then(new CaseResolved(outcome, outcome == Outcome.AgreementReached ? AgreementForm.Written : null, null, null,
            outcome == Outcome.OpinionIssued ? Opinion.Explain : null, null, Level.Grid, "S1C1G1", At(4)));

    /// <summary>Resolved by a written agreement whose text is recorded: the respondent owes the applicant 100 yuan; one mediator.</summary>
    public static MediationCase AgreementRecorded()
    {
        var resolved = Resolved();
        return resolved.Then(new Mediation.Cases.AgreementRecorded(AgreementForm.Written, "事实", null,
            [new(resolved.Parties[1].PartyId, resolved.Parties[0].PartyId, "赔偿", 100m)], ["王调解"], At(4)));
    }

    public static MediationCase Closed(CaseKind kind = CaseKind.Dispute, Outcome outcome = Outcome.AgreementReached) =>
        Resolved(kind, outcome).Then(new CaseClosed(At(5)));

    /// <summary>A closed dispute whose file is archived for the long term under <c>（2026）东门社区人调卷字第1号</c>.</summary>
    public static MediationCase Archived() =>
        Closed().Then(new CaseArchived("（2026）东门社区人调卷字第1号", "S1C1", Retention.Long, new DateOnly(2056, 12, 31), At(6)));

    public static MediationCase TransferredOut() => Assigned().Then(new CaseTransferredOut(TransferTarget.Court, null, Level.Grid, At(4)));

    public static MediationCase Refused() => Assigned().Then(new MediationRefused(PartyRole.Respondent, "拒绝调解", At(3)));

    public static MediationCase Reviewed(ReviewStage stage)
    {
        var state = Closed(CaseKind.Petition, Outcome.OpinionIssued)
            .Then(new PetitionReviewRequested(ReviewStage.Review, "不服", "S1C1G1", "S1C1", Level.Community, At(40), At(10)));
        if (stage == ReviewStage.Review) return state;
        return state
            .Then(new CaseResolved(Outcome.OpinionIssued, null, null, null, Opinion.Explain, null, Level.Community, "S1C1", At(11)))
            .Then(new PetitionReviewRequested(ReviewStage.ReReview, "仍不服", "S1C1", "S1", Level.Street, At(50), At(12)))
            .Then(new CaseResolved(Outcome.OpinionIssued, null, null, null, Opinion.Explain, null, Level.Street, "S1", At(13)))
            .Then(new CaseClosed(At(14)));
    }
}
