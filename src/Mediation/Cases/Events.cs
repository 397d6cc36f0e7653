using System.Text.Json.Serialization;

namespace Mediation.Cases;

// One event per fact, in the past tense. OccurredAt is the business time (when it happened), which
// may be earlier than Marten's recording time; who recorded it is event metadata (user name).
// Parties appear by id only: their personal data lives in Party documents so it can be erased.

// Polymorphic where an act is stored by its interface (MediationCase.Acts); the stream stores each event as its own type.
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(CaseFiled), "CaseFiled")]
[JsonDerivedType(typeof(PetitionAccepted), "PetitionAccepted")]
[JsonDerivedType(typeof(PetitionNotAccepted), "PetitionNotAccepted")]
[JsonDerivedType(typeof(CaseAssigned), "CaseAssigned")]
[JsonDerivedType(typeof(MediationSessionHeld), "MediationSessionHeld")]
[JsonDerivedType(typeof(MediationRefused), "MediationRefused")]
[JsonDerivedType(typeof(CaseEscalated), "CaseEscalated")]
[JsonDerivedType(typeof(CaseSentBack), "CaseSentBack")]
[JsonDerivedType(typeof(DeadlineExtended), "DeadlineExtended")]
[JsonDerivedType(typeof(SupervisionOrderIssued), "SupervisionOrderIssued")]
[JsonDerivedType(typeof(CaseTransferredOut), "CaseTransferredOut")]
[JsonDerivedType(typeof(CaseResolved), "CaseResolved")]
[JsonDerivedType(typeof(AgreementRecorded), "AgreementRecorded")]
[JsonDerivedType(typeof(AgreementSigned), "AgreementSigned")]
[JsonDerivedType(typeof(AgreementConfirmed), "AgreementConfirmed")]
[JsonDerivedType(typeof(AgreementSealed), "AgreementSealed")]
[JsonDerivedType(typeof(ConfirmationApplied), "ConfirmationApplied")]
[JsonDerivedType(typeof(ConfirmationRuled), "ConfirmationRuled")]
[JsonDerivedType(typeof(EnforcementApplied), "EnforcementApplied")]
[JsonDerivedType(typeof(ConfirmationWindowClosing), "ConfirmationWindowClosing")]
[JsonDerivedType(typeof(ConfirmationWindowLapsed), "ConfirmationWindowLapsed")]
[JsonDerivedType(typeof(PerformanceRecorded), "PerformanceRecorded")]
[JsonDerivedType(typeof(FollowUpRecorded), "FollowUpRecorded")]
[JsonDerivedType(typeof(CaseClosed), "CaseClosed")]
[JsonDerivedType(typeof(CaseReopened), "CaseReopened")]
[JsonDerivedType(typeof(PetitionReviewRequested), "PetitionReviewRequested")]
[JsonDerivedType(typeof(DeadlineBreached), "DeadlineBreached")]
[JsonDerivedType(typeof(ActCorrected), "ActCorrected")]
[JsonDerivedType(typeof(AttachmentAdded), "AttachmentAdded")]
[JsonDerivedType(typeof(CaseArchived), "CaseArchived")]
[JsonDerivedType(typeof(CaseFileReopened), "CaseFileReopened")]
[JsonDerivedType(typeof(RiskRegraded), "RiskRegraded")]
[JsonDerivedType(typeof(LeaderAssigned), "LeaderAssigned")]
[JsonDerivedType(typeof(CaseDispatched), "CaseDispatched")]
[JsonDerivedType(typeof(DepartmentFeedbackRecorded), "DepartmentFeedbackRecorded")]
[JsonDerivedType(typeof(DispatchRecalled), "DispatchRecalled")]
[JsonDerivedType(typeof(DepartmentTaskOverdue), "DepartmentTaskOverdue")]
public interface ICaseEvent
{
    DateTimeOffset OccurredAt { get; }
}

public sealed record PartyReference(Guid PartyId, PartyRole Role);

public sealed record CaseFiled(
    Guid CaseId,
    string CaseNumber,
    CaseKind Kind,
    PetitionType? PetitionType,
    Channel Channel,
    string Category,
    string Summary,
    string NodeCode,
    Level Level,
    IReadOnlyList<PartyReference> Parties,
    RiskLevel RiskLevel,
    int GroupSize,
    DateTimeOffset DueAt,
    DateTimeOffset OccurredAt,
    string? CourtReference = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RiskColour? RiskColour = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool RepeatPetition = false) : ICaseEvent
{
    /// <summary>The colour graded at filing; a case filed before the colours has the one of its <see cref="RiskLevel"/>.</summary>
    public RiskColour GradedColour() => RiskColour ?? Risk.ColourOf(RiskLevel);
}

public sealed record PetitionAccepted(NoticeMethod NoticeMethod, string? Reason, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// 不予受理, with the reason and, when the unit named one, the authority the petitioner may turn to instead
/// (<see cref="ReferTo"/>; left out of the stored event while none, so an event stored before it existed reads the same).
/// </summary>
public sealed record PetitionNotAccepted(NoticeMethod NoticeMethod, string Reason, DateTimeOffset OccurredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReferTo = null) : ICaseEvent;

public sealed record CaseAssigned(string GridCode, string Assignee, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// A mediation session: how it was held, by whom, and what it came to (<see cref="Note"/>); where
/// (<see cref="Place"/>) and which parties took part (<see cref="Present"/>, by id) when recorded, each left out
/// of the stored event while none, so an event stored before they existed reads the same; likewise the departments that
/// sat in (<see cref="Units"/>, 联调).
/// </summary>
public sealed record MediationSessionHeld(SessionMode Mode, IReadOnlyList<string> Mediators, string? Note, DateTimeOffset OccurredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Place = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? Present = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Units = null) : ICaseEvent;

public sealed record MediationRefused(PartyRole PartyRole, string Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseEscalated(
    EscalationReason Reason, string? Note, string FromNodeCode, Level FromLevel, string ToNodeCode, Level ToLevel, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseSentBack(
    string? Note, string FromNodeCode, Level FromLevel, string ToNodeCode, Level ToLevel, string? ToAssignee, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record DeadlineExtended(int Days, string Approver, string Reason, DateTimeOffset PreviousDueAt, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>A supervision order (督办); <see cref="Cause"/> names the act that raised it when the service did (a dissatisfied follow-up).</summary>
public sealed record SupervisionOrderIssued(SupervisionKind Kind, string? Note, DateTimeOffset OccurredAt, SupervisionCause? Cause = null) : ICaseEvent;

public sealed record CaseTransferredOut(TransferTarget Target, string? Note, Level Level, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseResolved(
    Outcome Outcome,
    AgreementForm? AgreementForm,
    decimal? Amount,
    DateTimeOffset? PerformanceDueAt,
    Opinion? Opinion,
    string? Note,
    Level Level,
    string HandlingNodeCode,
    DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// 人民调解协议书 (or an oral agreement's record): the facts, the parties' positions, the numbered terms and
/// the mediators. Recorded again, it replaces the text; only before anyone signed it.
/// </summary>
public sealed record AgreementRecorded(
    AgreementForm Form,
    string Facts,
    string? Positions,
    IReadOnlyList<Agreeing.AgreementTerm> Terms,
    IReadOnlyList<string> Mediators,
    DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>A written agreement signed by one of its parties (by id) or by one of its mediators (by name).</summary>
public sealed record AgreementSigned(Guid? PartyId, string? Mediator, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>An oral agreement confirmed by one of its parties.</summary>
public sealed record AgreementConfirmed(Guid PartyId, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>The committee's seal put on a written agreement.</summary>
public sealed record AgreementSealed(DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>司法确认: the parties' joint application to a court to confirm the agreement in effect.</summary>
public sealed record ConfirmationApplied(string Court, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>The court's ruling on the application: the agreement confirmed or rejected, under the ruling's number.</summary>
public sealed record ConfirmationRuled(ConfirmationRuling Ruling, string Court, string RulingNumber, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>A party applied to a court for enforcement of the confirmed agreement.</summary>
public sealed record EnforcementApplied(string Court, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// Appended by the service itself when the window for a joint application nears its end with no
/// application made; OccurredAt is the warning's due time, <see cref="EndsAt"/> the window's end.
/// </summary>
public sealed record ConfirmationWindowClosing(DateTimeOffset EndsAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>Appended by the service itself at the end of the window with no application made; OccurredAt is the window's end.</summary>
public sealed record ConfirmationWindowLapsed(DateTimeOffset EndsAt, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record PerformanceRecorded(PerformanceResult Result, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record FollowUpRecorded(Satisfaction Satisfaction, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseClosed(DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseReopened(string Reason, string NodeCode, Level Level, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record PetitionReviewRequested(
    ReviewStage Stage, string Reason, string FromNodeCode, string ToNodeCode, Level Level, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>Appended by the service itself at the due time of a case still open; OccurredAt is the due time.</summary>
public sealed record DeadlineBreached(DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// 更正: a supervisor corrects an act recorded earlier (the event at <see cref="CorrectedVersion"/>): its
/// business time or some of its fields, each with the value before and after, and why. Nothing is
/// overwritten: the case is rebuilt with the corrected act in place of the recorded one. Its own
/// OccurredAt is when the correction was made; it is not an act of the case's history.
/// </summary>
public sealed record ActCorrected(long CorrectedVersion, string CorrectedType, IReadOnlyList<FieldCorrection> Changes, string Reason,
    DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>One corrected field of an act, its values written as the API writes them (ISO 8601 times, enum names, decimals).</summary>
public sealed record FieldCorrection(string Field, string? Before, string? After);

/// <summary>
/// A file (a signed agreement, a receipt, evidence) added to the case. Its bytes are kept beside the
/// stream (<c>case_attachments</c>, until the erasure of a party of the case empties them); the event holds
/// their SHA-256, so the chain covers the content. It changes nothing in the case's lifecycle.
/// <see cref="Category"/>, when given, says what it is for the case file; left out of the stored event when
/// not given, so events and snapshots from before it read as written.
/// </summary>
public sealed record AttachmentAdded(Guid AttachmentId, string FileName, string? Description, string ContentType, long Size, string Sha256,
    DateTimeOffset OccurredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AttachmentCategory? Category = null) : ICaseEvent;

/// <summary>
/// 归档: a closed case's file (卷宗) archived under its file number (<c>（2026）东门社区人调卷字第3号</c>, given by the
/// unit in <see cref="UnitCode"/> on the first archiving and kept), to be kept for <see cref="Retention"/>
/// until <see cref="RetainedUntil"/> (none: for good). The case is read-only from then on.
/// </summary>
public sealed record CaseArchived(string FileNumber, string UnitCode, Retention Retention, DateOnly? RetainedUntil, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// An archived case file opened again by a supervisor's correction, recorded with it (its reason is the
/// correction's): the case is no longer read-only and is archived again under the same file number.
/// </summary>
public sealed record CaseFileReopened(string FileNumber, string Reason, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>
/// The case's risk graded again (四色预警), with why. A case regraded red below its county is escalated to the
/// county by the same command (<see cref="CaseEscalated"/> with <see cref="EscalationReason.HighRisk"/>).
/// </summary>
public sealed record RiskRegraded(RiskColour From, RiskColour To, string Reason, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>领导包案: the leader who answers for the case (a user name), the duties they take on, and when it is to be settled by.</summary>
public sealed record LeaderAssigned(string Leader, string Duties, DateTimeOffset TargetAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>One department's task in a dispatch: its unit, whether it leads or helps, what it is to do and by when.</summary>
public sealed record DispatchedTask(string UnitCode, DepartmentRole Role, string Task, DateTimeOffset DueAt);

/// <summary>
/// 分流交办: the centre dispatches the case to departments, one lead unit and co-units, each with its task and due
/// date ("the centre pushes the procedure, the department solves the substance"). The case stays where it is handled.
/// </summary>
public sealed record CaseDispatched(IReadOnlyList<DispatchedTask> Tasks, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>A department's feedback on its task (办理反馈); <see cref="Completed"/>: the task is done (办结).</summary>
public sealed record DepartmentFeedbackRecorded(string UnitCode, string Feedback, bool Completed, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>The centre takes a department's task back (撤回), to dispatch it again or not.</summary>
public sealed record DispatchRecalled(string UnitCode, string Reason, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>Appended by the service itself when a department's task is still open at its due date; OccurredAt is the due date.</summary>
public sealed record DepartmentTaskOverdue(string UnitCode, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;
