namespace Mediation.Cases;

// One event per fact, in the past tense. OccurredAt is the business time (when it happened), which
// may be earlier than Marten's recording time; who recorded it is event metadata (user name).
// Parties appear by id only: their personal data lives in Party documents so it can be erased.

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
    DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record PetitionAccepted(NoticeMethod NoticeMethod, string? Reason, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record PetitionNotAccepted(NoticeMethod NoticeMethod, string Reason, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseAssigned(string GridCode, string Assignee, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record MediationSessionHeld(SessionMode Mode, IReadOnlyList<string> Mediators, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record MediationRefused(PartyRole PartyRole, string Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseEscalated(
    EscalationReason Reason, string? Note, string FromNodeCode, Level FromLevel, string ToNodeCode, Level ToLevel, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseSentBack(
    string? Note, string FromNodeCode, Level FromLevel, string ToNodeCode, Level ToLevel, string? ToAssignee, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record DeadlineExtended(int Days, string Approver, string Reason, DateTimeOffset PreviousDueAt, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record SupervisionOrderIssued(SupervisionKind Kind, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

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

public sealed record PerformanceRecorded(PerformanceResult Result, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record FollowUpRecorded(Satisfaction Satisfaction, string? Note, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseClosed(DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record CaseReopened(string Reason, string NodeCode, Level Level, DateTimeOffset OccurredAt) : ICaseEvent;

public sealed record PetitionReviewRequested(
    ReviewStage Stage, string Reason, string FromNodeCode, string ToNodeCode, Level Level, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;

/// <summary>Appended by the service itself at the due time of a case still open; OccurredAt is the due time.</summary>
public sealed record DeadlineBreached(DateTimeOffset DueAt, DateTimeOffset OccurredAt) : ICaseEvent;
