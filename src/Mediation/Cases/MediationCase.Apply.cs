namespace Mediation.Cases;

/// <summary>What each act does to the case: the cases of <see cref="MediationCase.Step"/>.</summary>
public sealed partial record MediationCase
{
    public static MediationCase Create(CaseFiled e) => new()
    {
        Id = e.CaseId,
        CaseNumber = e.CaseNumber,
        Kind = e.Kind,
        PetitionType = e.PetitionType,
        Channel = e.Channel,
        Category = e.Category,
        Summary = e.Summary,
        CourtReference = e.CourtReference,
        NodeCode = e.NodeCode,
        HandlingNodeCode = e.NodeCode,
        Level = e.Level,
        Status = CaseStatus.Registered,
        Parties = [.. e.Parties],
        RiskColour = e.GradedColour(),
        RepeatPetition = e.RepeatPetition,
        GroupSize = e.GroupSize,
        ReceivedAt = e.OccurredAt,
        DueAt = e.DueAt,
    };

    public MediationCase Apply(PetitionAccepted e) =>
        this with { Status = CaseStatus.Accepted, AcceptedAt = e.OccurredAt, DueAt = e.DueAt };

    public MediationCase Apply(PetitionNotAccepted e) =>
        this with { Status = CaseStatus.NotAccepted };

    public MediationCase Apply(CaseAssigned e) => this with
    {
        Status = CaseStatus.Assigned,
        HandlingNodeCode = e.GridCode,
        Level = Level.Grid,
        Assignee = e.Assignee,
        EscalatedFrom = [],
        RefusedByParty = false,
    };

    public MediationCase Apply(MediationSessionHeld e) => this with { Sessions = Sessions + 1 };

    public MediationCase Apply(MediationRefused e) => this with { RefusedByParty = true };

    public MediationCase Apply(CaseEscalated e) => this with
    {
        HandlingNodeCode = e.ToNodeCode,
        Level = e.ToLevel,
        EscalatedFrom = EscalatedFrom.Add(new EscalationStep(e.FromNodeCode, e.FromLevel, Assignee)),
        Assignee = null,
        RefusedByParty = false,
    };

    public MediationCase Apply(CaseSentBack e) => this with
    {
        HandlingNodeCode = e.ToNodeCode,
        Level = e.ToLevel,
        Assignee = e.ToAssignee,
        EscalatedFrom = EscalatedFrom.IsEmpty ? EscalatedFrom : EscalatedFrom.RemoveAt(EscalatedFrom.Count - 1),
    };

    // The days are added to the due date where the extension stands, so a corrected receipt moves both.
    public MediationCase Apply(DeadlineExtended e) =>
        this with { DueAt = DueAt.AddDays(e.Days), ExtensionDays = ExtensionDays + e.Days };

    public MediationCase Apply(SupervisionOrderIssued e) =>
        this with { SupervisionOrders = SupervisionOrders + 1 };

    // An attachment changes nothing in the lifecycle; the case counts it.
    public MediationCase Apply(AttachmentAdded e) => this with
    {
        Attachments = Attachments + 1,
        AttachmentCategories = e.Category is not { } category || AttachmentCategories?.Contains(category) == true
            ? AttachmentCategories
            : (AttachmentCategories ?? []).Add(category),
    };

    public MediationCase Apply(CaseArchived e) =>
        this with { FileNumber = e.FileNumber, Archive = new Archiving.CaseArchive(e.FileNumber, e.Retention, e.RetainedUntil, e.OccurredAt) };

    // The file number stays with the case: archived again, it is filed under the same number.
    public MediationCase Apply(CaseFileReopened e) => this with { Archive = null };

    public MediationCase Apply(CaseDispatched e) =>
        this with { Tasks = (Tasks ?? []).AddRange((e.Tasks ?? []).Select(t => new Dispatching.DepartmentTask(t.UnitCode, t.Role, t.Task, t.DueAt, e.OccurredAt))) };

    public MediationCase Apply(DepartmentFeedbackRecorded e) => WithTask(e.UnitCode, t => t with
    {
        Feedbacks = t.Feedbacks + 1, LastFeedback = e.Feedback, CompletedAt = e.Completed ? e.OccurredAt : t.CompletedAt,
    });

    public MediationCase Apply(DispatchRecalled e) => WithTask(e.UnitCode, t => t with { RecalledAt = e.OccurredAt });

    public MediationCase Apply(DepartmentTaskOverdue e) => WithTask(e.UnitCode, t => t.DueAt == e.DueAt ? t with { OverdueRecorded = true } : t);

    /// <summary>The case with the open task of <paramref name="unitCode"/> changed; as it was when the unit has none open.</summary>
    MediationCase WithTask(string unitCode, Func<Dispatching.DepartmentTask, Dispatching.DepartmentTask> change) =>
        Dispatching.DepartmentTask.OpenOf(Tasks, unitCode) is { } task ? this with { Tasks = Tasks!.Replace(task, change(task)) } : this with { };

    public MediationCase Apply(LeaderAssigned e) => this with { Leader = new Leading.CaseLeader(e.Leader, e.Duties, e.TargetAt, e.OccurredAt) };

    public MediationCase Apply(RiskRegraded e) => this with { RiskColour = e.To };

    public MediationCase Apply(CaseTransferredOut e) => this with
    {
        Status = CaseStatus.TransferredOut,
        Outcome = Cases.Outcome.TransferredOut,
        ResolvedLevel = e.Level,
        ResolvedNodeCode = HandlingNodeCode,
        ResolvedAt = e.OccurredAt,
    };

    public MediationCase Apply(CaseResolved e) => this with
    {
        Status = CaseStatus.Resolved,
        Outcome = e.Outcome,
        Opinion = e.Opinion,
        AgreementForm = e.AgreementForm,
        Amount = e.Amount,
        PerformanceDueAt = e.PerformanceDueAt,
        Performance = null,
        Agreement = null,
        Confirmation = null,
        ResolvedLevel = e.Level,
        ResolvedNodeCode = e.HandlingNodeCode,
        ResolvedAt = e.OccurredAt,
        RefusedByParty = false,
    };

    public MediationCase Apply(AgreementRecorded e) => this with
    {
        Agreement = new Agreeing.MediationAgreement
        {
            Form = e.Form, Facts = e.Facts, Positions = e.Positions, Terms = [.. e.Terms ?? []], Mediators = [.. e.Mediators ?? []], RecordedAt = e.OccurredAt,
        },
    };

    public MediationCase Apply(AgreementSigned e) =>
        this with { Agreement = Agreement?.With(new Agreeing.AgreementSignature(e.PartyId, e.Mediator, e.OccurredAt), null, e.OccurredAt) };

    public MediationCase Apply(AgreementConfirmed e) =>
        this with { Agreement = Agreement?.With(new Agreeing.AgreementSignature(e.PartyId, null, e.OccurredAt), null, e.OccurredAt) };

    public MediationCase Apply(AgreementSealed e) => this with { Agreement = Agreement?.With(null, e.OccurredAt, e.OccurredAt) };

    public MediationCase Apply(ConfirmationApplied e) => this with { Confirmation = new Confirming.JudicialConfirmation(e.Court, e.OccurredAt) };

    public MediationCase Apply(ConfirmationRuled e) =>
        this with { Confirmation = Confirmation is null ? null : Confirmation with { Ruling = e.Ruling, RulingNumber = e.RulingNumber, RuledAt = e.OccurredAt } };

    public MediationCase Apply(EnforcementApplied e) =>
        this with { Confirmation = Confirmation is null ? null : Confirmation with { EnforcementAppliedAt = e.OccurredAt } };

    public MediationCase Apply(PerformanceRecorded e) => this with { Performance = e.Result };

    public MediationCase Apply(FollowUpRecorded e) =>
        this with { Satisfaction = e.Satisfaction, FollowUps = FollowUps + 1 };

    public MediationCase Apply(CaseClosed e) => this with { Status = CaseStatus.Closed, ClosedAt = e.OccurredAt };

    public MediationCase Apply(CaseReopened e) => Unconcluded() with
    {
        HandlingNodeCode = e.NodeCode,
        Level = e.Level,
        AgreementForm = null,
        Amount = null,
        PerformanceDueAt = null,
        Performance = null,
        Agreement = null,
        Confirmation = null,
    };

    public MediationCase Apply(PetitionReviewRequested e) => Unconcluded() with
    {
        ReviewStage = e.Stage,
        HandlingNodeCode = e.ToNodeCode,
        Level = e.Level,
        Assignee = null,
        DueAt = e.DueAt,
    };

    /// <summary>What a reopening and a petition's review both undo: the conclusion, its follow-ups and the escalations before it.</summary>
    MediationCase Unconcluded() => this with
    {
        Status = CaseRules.ReopenedStatus,
        Outcome = null,
        Opinion = null,
        ResolvedLevel = null,
        ResolvedNodeCode = null,
        ResolvedAt = null,
        ClosedAt = null,
        Satisfaction = null,
        FollowUps = 0,
        EscalatedFrom = [],
    };

    public MediationCase Apply(DeadlineBreached e) => this with { BreachedDueAt = e.DueAt };
}
