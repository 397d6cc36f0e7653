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
    bool CanSendBack)
{
    public static CaseView Of(MediationCase c, IReadOnlyList<PartyView> parties, DateTimeOffset now) => new(
        c.Id, c.CaseNumber, c.Kind, c.PetitionType, c.Channel, c.Category, c.Summary, c.NodeCode, c.HandlingNodeCode,
        c.Level, c.Status, c.Assignee, c.ReceivedAt, c.DueAt, c.IsOverdueAt(now), c.Outcome, c.ResolvedLevel, c.Satisfaction,
        parties, c.Version, c.RiskLevel, c.GroupSize, c.AcceptedAt, c.ExtensionDays, c.Opinion, c.AgreementForm, c.Amount,
        c.PerformanceDueAt, c.Performance, c.ResolvedAt, c.ClosedAt, c.FollowUps, c.Sessions, c.SupervisionOrders,
        c.Attachments, c.RefusedByParty, c.ReviewStage, c.IsOpen && !c.EscalatedFrom.IsEmpty);
}

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
    long Version)
{
    public static CaseListItem Of(MediationCase c, DateTimeOffset now) => new(
        c.Id, c.CaseNumber, c.Kind, c.PetitionType, c.Channel, c.Category, c.Summary, c.NodeCode, c.HandlingNodeCode,
        c.Level, c.Status, c.Assignee, c.ReceivedAt, c.DueAt, c.IsOverdueAt(now), c.Outcome, c.Version);
}

public sealed record CaseList(IReadOnlyList<CaseListItem> Items, int Page, int PageSize, long Total);
