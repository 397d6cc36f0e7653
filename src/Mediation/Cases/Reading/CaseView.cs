using Mediation.Cases.Agreeing;
using Mediation.Cases.Documents;
using Mediation.Parties;

namespace Mediation.Cases.Reading;

/// <summary>A case as the API answers it (docs/api.md, "Cases"), plus what a workbench needs beside it.</summary>
public sealed record CaseView(
    Guid Id,
    string CaseNumber,
    CaseKind Kind,
    PetitionType? PetitionType,
    Channel Channel,
    string Category,
    string Summary,
    string NodeCode,
    string HandlingNodeCode,
    Level Level,
    CaseStatus Status,
    string? Assignee,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Overdue,
    Outcome? Outcome,
    Level? ResolvedLevel,
    Satisfaction? Satisfaction,
    IReadOnlyList<PartyView> Parties,
    long Version,
    RiskLevel RiskLevel,
    int GroupSize,
    DateTimeOffset? AcceptedAt,
    int ExtensionDays,
    Opinion? Opinion,
    AgreementForm? AgreementForm,
    decimal? Amount,
    DateTimeOffset? PerformanceDueAt,
    PerformanceResult? Performance,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    int FollowUps,
    int Sessions,
    int SupervisionOrders,
    int Attachments,
    bool RefusedByParty,
    ReviewStage ReviewStage,
    bool CanSendBack,
    AgreementView? Agreement,
    bool TermOverdue,
    ConfirmationView? Confirmation,
    ReferralView? Referral,
    IReadOnlyList<DocumentRef> Documents,
    bool Archived,
    string? FileNumber,
    Retention? Retention,
    DateOnly? RetainedUntil,
    DateTimeOffset? ArchivedAt,
    RiskColour RiskColour,
    bool RepeatPetition,
    IReadOnlyList<Dispatching.DepartmentTaskView> Tasks,
    Leading.CaseLeader? Leader)
{
    public static CaseView Of(MediationCase c, IReadOnlyList<PartyView> parties, DateTimeOffset now, TimeSpan confirmationWindow) => new(
        c.Id, c.CaseNumber, c.Kind, c.PetitionType, c.Channel, c.Category, c.Summary, c.NodeCode, c.HandlingNodeCode,
        c.Level, c.Status, c.Assignee, c.ReceivedAt, c.DueAt, c.IsOverdueAt(now), c.Outcome, c.ResolvedLevel, c.Satisfaction,
        parties, c.Version, c.RiskLevel, c.GroupSize, c.AcceptedAt, c.ExtensionDays, c.Opinion, c.AgreementForm, c.Amount,
        c.PerformanceDueAt, c.Performance, c.ResolvedAt, c.ClosedAt, c.FollowUps, c.Sessions, c.SupervisionOrders,
        c.Attachments, c.RefusedByParty, c.ReviewStage, c.IsOpen && !c.EscalatedFrom.IsEmpty, AgreementView.Of(c, now), c.HasTermOverdueAt(now),
        ConfirmationView.Of(c, confirmationWindow), ReferralView.Of(c), CaseDocuments.Of(c),
        c.IsArchived, c.FileNumber, c.Archive?.Retention, c.Archive?.RetainedUntil, c.Archive?.ArchivedAt, c.RiskColour, c.RepeatPetition,
        (c.Tasks ?? []).Select(t => Dispatching.DepartmentTaskView.Of(t, now)).ToList(), c.Leader);
}

/// <summary>
/// The agreement as the case shows it. Parties appear by id only, as in the events: their names, masked
/// or not (or hidden, or erased), are those of the case's party list.
/// </summary>
public sealed record AgreementView(
    AgreementForm Form,
    string Facts,
    string? Positions,
    IReadOnlyList<AgreementTermView> Terms,
    IReadOnlyList<string> Mediators,
    DateTimeOffset RecordedAt,
    IReadOnlyList<AgreementSignature> Signatures,
    DateTimeOffset? SealedAt,
    bool Effective,
    DateTimeOffset? EffectiveAt)
{
    public static AgreementView? Of(MediationCase c, DateTimeOffset now) => c.Agreement is not { } a ? null : new(
        a.Form, a.Facts, a.Positions,
        a.Terms.Select((t, i) => new AgreementTermView(i + 1, t.Obligor, t.Obligee, t.Content, t.Amount, t.DueAt, t.Place, t.Manner,
            c.Performance != PerformanceResult.Full && now > t.DueAt)).ToList(),
        a.Mediators, a.RecordedAt, a.Signatures, a.SealedAt, a.EffectiveAt is not null, a.EffectiveAt);
}

/// <summary>
/// The judicial confirmation as the case shows it: the application, the ruling, the application for
/// enforcement, and when the window for the application ends (from the agreement's effect), shown once
/// the agreement is in effect.
/// </summary>
public sealed record ConfirmationView(
    string? Court,
    DateTimeOffset? AppliedAt,
    ConfirmationRuling? Ruling,
    string? RulingNumber,
    DateTimeOffset? RuledAt,
    DateTimeOffset? EnforcementAppliedAt,
    DateTimeOffset WindowEndsAt,
    bool WindowLapsed)
{
    public static ConfirmationView? Of(MediationCase c, TimeSpan window) => c.Agreement?.EffectiveAt is not { } effective ? null : new(
        c.Confirmation?.Court, c.Confirmation?.AppliedAt, c.Confirmation?.Ruling, c.Confirmation?.RulingNumber, c.Confirmation?.RuledAt,
        c.Confirmation?.EnforcementAppliedAt, effective + window, c.ConfirmationLapsedFor == effective + window);
}

/// <summary>
/// A case a court referred for mediation (委派, channel <c>CourtReferral</c>): the court's reference, and
/// the outcome to report back once the case is concluded (null before).
/// </summary>
public sealed record ReferralView(string CourtReference, ReferralOutcome? Outcome)
{
    public static ReferralView? Of(MediationCase c) => c is { Channel: Channel.CourtReferral, CourtReference: { } reference }
        ? new(reference, c.Outcome switch
        {
            null => null,
            Mediation.Cases.Outcome.AgreementReached when c.Confirmation?.Ruling == ConfirmationRuling.Confirmed => ReferralOutcome.Confirmed,
            Mediation.Cases.Outcome.AgreementReached => ReferralOutcome.Agreement,
            _ => ReferralOutcome.FailedAndReturned,
        })
        : null;
}

/// <summary>A numbered term; <see cref="Overdue"/>: past its due date and the agreement not fully performed.</summary>
public sealed record AgreementTermView(int Number, Guid Obligor, Guid Obligee, string Content, decimal? Amount, DateTimeOffset? DueAt,
    string? Place, string? Manner, bool Overdue);

/// <summary>A row of the case list: what a queue shows, without parties.</summary>
public sealed record CaseListItem(
    Guid Id,
    string CaseNumber,
    CaseKind Kind,
    PetitionType? PetitionType,
    Channel Channel,
    string Category,
    string Summary,
    string NodeCode,
    string HandlingNodeCode,
    Level Level,
    CaseStatus Status,
    string? Assignee,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Overdue,
    Outcome? Outcome,
    long Version,
    DateTimeOffset? TermDueAt,
    bool TermOverdue,
    bool Archived,
    string? FileNumber,
    RiskColour RiskColour)
{
    public static CaseListItem Of(MediationCase c, DateTimeOffset now) => new(
        c.Id, c.CaseNumber, c.Kind, c.PetitionType, c.Channel, c.Category, c.Summary, c.NodeCode, c.HandlingNodeCode,
        c.Level, c.Status, c.Assignee, c.ReceivedAt, c.DueAt, c.IsOverdueAt(now), c.Outcome, c.Version, c.TermDueAt, c.HasTermOverdueAt(now),
        c.IsArchived, c.FileNumber, c.RiskColour);
}

public sealed record CaseList(IReadOnlyList<CaseListItem> Items, int Page, int PageSize, long Total);
