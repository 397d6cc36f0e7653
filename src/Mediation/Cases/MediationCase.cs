using System.Collections.Immutable;
using JasperFx.Events;
using Mediation.Cases.Correcting;

namespace Mediation.Cases;

/// <summary>
/// A case as its event stream says it is: the fold of its acts in business-time order (ties in recording
/// order), each as last corrected. Immutable: <see cref="Evolve"/> returns the next state, so a state
/// fetched for writing is never changed under the decision that reads it.
/// </summary>
public sealed partial record MediationCase
{
    public Guid Id { get; init; }

    /// <summary>The stream version this state was built from; set by Marten.</summary>
    public long Version { get; set; }

    public string CaseNumber { get; init; } = "";
    public CaseKind Kind { get; init; }
    public PetitionType? PetitionType { get; init; }
    public Channel Channel { get; init; }
    public string Category { get; init; } = "";
    public string Summary { get; init; } = "";

    /// <summary>The referring court's reference of a case a court referred for mediation (委派), given at filing.</summary>
    public string? CourtReference { get; init; }

    /// <summary>Where the case was filed; never changes.</summary>
    public string NodeCode { get; init; } = "";

    /// <summary>Where the case is handled now, and at which level.</summary>
    public string HandlingNodeCode { get; init; } = "";
    public Level Level { get; init; }

    public CaseStatus Status { get; init; }
    public string? Assignee { get; init; }
    public RiskColour RiskColour { get; init; }

    /// <summary>The first API's three-step risk, as the colour says it.</summary>
    public RiskLevel RiskLevel => Risk.LevelOf(RiskColour);

    /// <summary>The tasks the case was dispatched to departments with, in the order given; none until it was dispatched.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableList<Dispatching.DepartmentTask>? Tasks { get; init; }

    /// <summary>The departments the case was dispatched to, each once; duplicated into a column for their users' lists.</summary>
    public string[]? Departments => Tasks?.Select(t => t.UnitCode).Distinct().ToArray();

    /// <summary>The leader who answers for the case (领导包案), once one was assigned.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Leading.CaseLeader? Leader { get; init; }

    /// <summary>The leader's user name, duplicated into a column for the leader's list.</summary>
    public string? LeaderName => Leader?.Leader;

    /// <summary>A petition filed when its person had a petition concluded after its re-review (重复信访).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool RepeatPetition { get; init; }
    public int GroupSize { get; init; }
    public ImmutableList<PartyReference> Parties { get; init; } = [];

    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public int ExtensionDays { get; init; }

    /// <summary>The due date a breach was already recorded for, so each due date is breached once.</summary>
    public DateTimeOffset? BreachedDueAt { get; init; }

    /// <summary>Nodes a case was escalated from, most recent last: send-back returns to the last.</summary>
    public ImmutableList<EscalationStep> EscalatedFrom { get; init; } = [];

    public bool RefusedByParty { get; init; }
    public int Sessions { get; init; }
    public int SupervisionOrders { get; init; }

    /// <summary>Left out of the stored case while none: a case stored before attachments existed stays as its events make it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int Attachments { get; init; }

    /// <summary>The categories of the attachments that were given one; none while no attachment has one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableList<AttachmentCategory>? AttachmentCategories { get; init; }

    /// <summary>The case file's number, given when it was first archived and kept when the file is reopened.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? FileNumber { get; init; }

    /// <summary>The archive the case file is in now; none before archiving and once a correction reopened it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Archiving.CaseArchive? Archive { get; init; }

    public Outcome? Outcome { get; init; }
    public Opinion? Opinion { get; init; }
    public AgreementForm? AgreementForm { get; init; }
    public decimal? Amount { get; init; }
    public DateTimeOffset? PerformanceDueAt { get; init; }
    public PerformanceResult? Performance { get; init; }

    /// <summary>The agreement's text, signatures and seal, once recorded after an agreement was reached.</summary>
    public Agreeing.MediationAgreement? Agreement { get; init; }

    /// <summary>
    /// The earliest due date of the agreement's terms while its performance is not recorded as full: past
    /// it, the case has a term overdue. Duplicated into a column for the overdue list.
    /// </summary>
    public DateTimeOffset? TermDueAt => Performance == PerformanceResult.Full ? null : Agreement?.FirstTermDueAt;

    /// <summary>The judicial confirmation of the agreement in effect, once the parties applied for it.</summary>
    public Confirming.JudicialConfirmation? Confirmation { get; init; }

    /// <summary>The end of the confirmation window a warning, or a lapse, was already recorded for: each once per window.</summary>
    public DateTimeOffset? ConfirmationWarnedFor { get; init; }
    public DateTimeOffset? ConfirmationLapsedFor { get; init; }

    public Level? ResolvedLevel { get; init; }
    public string? ResolvedNodeCode { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public Satisfaction? Satisfaction { get; init; }
    public int FollowUps { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public ReviewStage ReviewStage { get; init; }

    /// <summary>
    /// The acts the state is the fold of, in business-time order (ties in recording order), each with the
    /// version it was recorded at and its fields as last corrected. Kept in the snapshot so that an act
    /// recorded late, or a correction, folds the case again without reading its stream.
    /// </summary>
    public ImmutableList<CaseAct> Acts { get; init; } = [];

    /// <summary>How many events the stream holds (the version of the last one folded in).</summary>
    public long Recorded { get; init; }

    /// <summary>The business time of the latest act.</summary>
    public DateTimeOffset LatestAt => Acts.IsEmpty ? ReceivedAt : Acts[^1].Event.OccurredAt;

    /// <summary>Not concluded: still being worked.</summary>
    public bool IsOpen => CaseRules.IsOpen(Status);

    /// <summary>Archived: read-only until a supervisor's correction reopens the file.</summary>
    public bool IsArchived => Archive is not null;

    /// <summary>Open and past its due date at <paramref name="now"/>.</summary>
    public bool IsOverdueAt(DateTimeOffset now) => IsOpen && now > DueAt;

    /// <summary>A term of its agreement past its due date at <paramref name="now"/>, the agreement not fully performed.</summary>
    public bool HasTermOverdueAt(DateTimeOffset now) => now > TermDueAt;

    /// <summary>
    /// The state after one more event of the stream, starting from <c>new()</c>: the one way a case is
    /// rebuilt from its history (Marten's inline snapshot calls it for every event). An act dated at or
    /// after the latest one is folded on; one dated earlier, or a correction, folds the acts again.
    /// </summary>
    public MediationCase Evolve(IEvent e) => Then(e.Data, e.Version);

    /// <summary>The state after one more event, recorded as the next version.</summary>
    public MediationCase Then(object data) => Then(data, Recorded + 1);

    MediationCase Then(object data, long version) => data switch
    {
        ActCorrected c => Folded(Acts.Select(a => a.Version == c.CorrectedVersion ? a with { Event = Correction.Apply(a.Event, c.Changes) } : a), version),
        ICaseEvent act when Acts.IsEmpty || act.OccurredAt >= LatestAt => Step(act) with { Acts = Acts.Add(new CaseAct(version, act)), Recorded = version },
        ICaseEvent act => Folded(Acts.Add(new CaseAct(version, act)), version),
        _ => this with { Recorded = version },
    };

    /// <summary>The case folded from <paramref name="acts"/> in business-time order, ties in recording order.</summary>
    static MediationCase Folded(IEnumerable<CaseAct> acts, long recorded)
    {
        var ordered = acts.OrderBy(a => a.Event.OccurredAt).ThenBy(a => a.Version).ToImmutableList();
        return ordered.Aggregate(new MediationCase(), (state, act) => state.Step(act.Event)) with { Acts = ordered, Recorded = recorded };
    }

    /// <summary>The case as it stood at business time <paramref name="at"/>: its acts up to then, as now known.</summary>
    public MediationCase AsOf(DateTimeOffset at) =>
        at >= LatestAt ? this : Folded(Acts.TakeWhile(a => a.Event.OccurredAt <= at), Recorded);

    /// <summary>What one act does to the case; the Create and Apply methods (MediationCase.Apply.cs) are its cases.</summary>
    public MediationCase Step(ICaseEvent act) => act switch
    {
        CaseFiled e => Create(e),
        PetitionAccepted e => Apply(e),
        PetitionNotAccepted e => Apply(e),
        CaseAssigned e => Apply(e),
        MediationSessionHeld e => Apply(e),
        MediationRefused e => Apply(e),
        CaseEscalated e => Apply(e),
        CaseSentBack e => Apply(e),
        DeadlineExtended e => Apply(e),
        SupervisionOrderIssued e => Apply(e),
        CaseTransferredOut e => Apply(e),
        CaseResolved e => Apply(e),
        AgreementRecorded e => Apply(e),
        AgreementSigned e => Apply(e),
        AgreementConfirmed e => Apply(e),
        AgreementSealed e => Apply(e),
        ConfirmationApplied e => Apply(e),
        ConfirmationRuled e => Apply(e),
        EnforcementApplied e => Apply(e),
        ConfirmationWindowClosing e => this with { ConfirmationWarnedFor = e.EndsAt },
        ConfirmationWindowLapsed e => this with { ConfirmationLapsedFor = e.EndsAt },
        PerformanceRecorded e => Apply(e),
        FollowUpRecorded e => Apply(e),
        CaseClosed e => Apply(e),
        CaseReopened e => Apply(e),
        PetitionReviewRequested e => Apply(e),
        DeadlineBreached e => Apply(e),
        AttachmentAdded e => Apply(e),
        CaseArchived e => Apply(e),
        CaseFileReopened e => Apply(e),
        RiskRegraded e => Apply(e),
        LeaderAssigned e => Apply(e),
        CaseDispatched e => Apply(e),
        DepartmentFeedbackRecorded e => Apply(e),
        DispatchRecalled e => Apply(e),
        DepartmentTaskOverdue e => Apply(e),
        _ => this,
    };
}

public sealed record EscalationStep(string NodeCode, Level Level, string? Assignee);

/// <summary>An act of a case's history: the version it was recorded at and its fields as last corrected.</summary>
public sealed record CaseAct(long Version, ICaseEvent Event);
