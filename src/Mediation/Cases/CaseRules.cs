namespace Mediation.Cases;

/// <summary>
/// The rules over statuses that the case and the statistics both follow (docs/domain.md, "Statuses"):
/// the aggregate applies them to one case, the statistics projection writes them as SQL over its rows.
/// </summary>
public static class CaseRules
{
    /// <summary>Open: received and still being worked.</summary>
    public static readonly IReadOnlyList<CaseStatus> OpenStatuses = [CaseStatus.Registered, CaseStatus.Accepted, CaseStatus.Assigned];

    /// <summary>Concluded: worked to an end, whether or not successfully, or transferred out.</summary>
    public static readonly IReadOnlyList<CaseStatus> ConcludedStatuses = [CaseStatus.Resolved, CaseStatus.Closed, CaseStatus.TransferredOut];

    /// <summary>
    /// The concluded statuses in which a successful outcome counts as resolved (化解): a transfer out is
    /// concluded, never resolved.
    /// </summary>
    public static readonly IReadOnlyList<CaseStatus> ResolvedStatuses = [CaseStatus.Resolved, CaseStatus.Closed];

    /// <summary>
    /// Where a reopening (or a petition's review) puts a case: worked again at the level it names, no
    /// longer concluded, its outcome cleared.
    /// </summary>
    public const CaseStatus ReopenedStatus = CaseStatus.Assigned;

    public static bool IsOpen(CaseStatus status) => OpenStatuses.Contains(status);
}
