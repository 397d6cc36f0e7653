namespace Mediation.Statistics.Settlement;

/// <summary>The counts behind the settlement figures of one set of cases (docs/domain.md, "Statistics").</summary>
public sealed record SettlementCounts(
    long Received,
    long Concluded,
    long Resolved,
    long ConcludedDisputes,
    long ResolvedDisputes,
    long OnTime,
    long FollowUpVisits,
    long SatisfiedVisits,
    long BasicallySatisfiedVisits,
    long Closed,
    long ClosedVisited,
    long Agreements,
    long FullyPerformed,
    decimal AmountInvolved,
    long ResolvedAtGrid,
    long ResolvedAtCommunity,
    long ResolvedAtStreet,
    long ResolvedAtCounty,
    long ConfirmationApplications,
    long Confirmations,
    long PetitionsDecided,
    long TimelyAccepted,
    long ConcludedPetitions,
    long RepliedOnTime,
    long Evaluated,
    long EvaluatedSatisfied,
    long RepeatPetitions,
    long LeaderCases,
    long LeaderResolved)
{
    public static readonly SettlementCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static SettlementCounts Add(SettlementCounts a, SettlementCounts b) => new(
        a.Received + b.Received, a.Concluded + b.Concluded, a.Resolved + b.Resolved, a.ConcludedDisputes + b.ConcludedDisputes,
        a.ResolvedDisputes + b.ResolvedDisputes, a.OnTime + b.OnTime, a.FollowUpVisits + b.FollowUpVisits, a.SatisfiedVisits + b.SatisfiedVisits,
        a.BasicallySatisfiedVisits + b.BasicallySatisfiedVisits, a.Closed + b.Closed, a.ClosedVisited + b.ClosedVisited, a.Agreements + b.Agreements,
        a.FullyPerformed + b.FullyPerformed, a.AmountInvolved + b.AmountInvolved, a.ResolvedAtGrid + b.ResolvedAtGrid,
        a.ResolvedAtCommunity + b.ResolvedAtCommunity, a.ResolvedAtStreet + b.ResolvedAtStreet, a.ResolvedAtCounty + b.ResolvedAtCounty,
        a.ConfirmationApplications + b.ConfirmationApplications, a.Confirmations + b.Confirmations,
        a.PetitionsDecided + b.PetitionsDecided, a.TimelyAccepted + b.TimelyAccepted, a.ConcludedPetitions + b.ConcludedPetitions,
        a.RepliedOnTime + b.RepliedOnTime, a.Evaluated + b.Evaluated, a.EvaluatedSatisfied + b.EvaluatedSatisfied, a.RepeatPetitions + b.RepeatPetitions,
        a.LeaderCases + b.LeaderCases, a.LeaderResolved + b.LeaderResolved);
}

/// <summary>Figures of one set of cases: the rates of docs/domain.md (null for a zero denominator) and their counts.</summary>
public record SettlementFigures(
    long Received,
    long Concluded,
    long Resolved,
    double? ResolutionRate,
    double? CompletionRate,
    double? MediationSuccessRate,
    double? OnTimeRate,
    double? SatisfactionRate,
    double? StrictSatisfactionRate,
    double? FollowUpRate,
    double? PerformanceRate,
    double? ConfirmationRate,
    decimal AmountInvolved,
    IReadOnlyDictionary<string, double?> LevelShare,
    long ConcludedDisputes,
    long ResolvedDisputes,
    long OnTime,
    long FollowUpVisits,
    long SatisfiedVisits,
    long BasicallySatisfiedVisits,
    long Closed,
    long ClosedVisited,
    long Agreements,
    long FullyPerformed,
    long ConfirmationApplications,
    long Confirmations,
    double? TimelyAcceptanceRate,
    double? OnTimeReplyRate,
    double? EvaluationRate,
    double? EvaluatedSatisfactionRate,
    long PetitionsDecided,
    long TimelyAccepted,
    long ConcludedPetitions,
    long RepliedOnTime,
    long Evaluated,
    long EvaluatedSatisfied,
    long RepeatPetitions,
    long LeaderCases,
    long LeaderResolved,
    double? LeaderResolutionRate)
{
    public static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    public static SettlementFigures Of(SettlementCounts c) => new(
        c.Received, c.Concluded, c.Resolved,
        Rate(c.Resolved, c.Received),
        Rate(c.Concluded, c.Received),
        Rate(c.ResolvedDisputes, c.ConcludedDisputes),
        Rate(c.OnTime, c.Concluded),
        Rate(c.SatisfiedVisits + c.BasicallySatisfiedVisits, c.FollowUpVisits),
        Rate(c.SatisfiedVisits, c.FollowUpVisits),
        Rate(c.ClosedVisited, c.Closed),
        Rate(c.FullyPerformed, c.Agreements),
        Rate(c.Confirmations, c.ConfirmationApplications),
        c.AmountInvolved,
        new Dictionary<string, double?>
        {
            ["Grid"] = Rate(c.ResolvedAtGrid, c.Resolved),
            ["Community"] = Rate(c.ResolvedAtCommunity, c.Resolved),
            ["Street"] = Rate(c.ResolvedAtStreet, c.Resolved),
            ["County"] = Rate(c.ResolvedAtCounty, c.Resolved),
        },
        c.ConcludedDisputes, c.ResolvedDisputes, c.OnTime, c.FollowUpVisits, c.SatisfiedVisits, c.BasicallySatisfiedVisits,
        c.Closed, c.ClosedVisited, c.Agreements, c.FullyPerformed, c.ConfirmationApplications, c.Confirmations,
        Rate(c.TimelyAccepted, c.PetitionsDecided),
        Rate(c.RepliedOnTime, c.ConcludedPetitions),
        Rate(c.Evaluated, c.Concluded),
        Rate(c.EvaluatedSatisfied, c.Evaluated),
        c.PetitionsDecided, c.TimelyAccepted, c.ConcludedPetitions, c.RepliedOnTime, c.Evaluated, c.EvaluatedSatisfied, c.RepeatPetitions,
        c.LeaderCases, c.LeaderResolved, Rate(c.LeaderResolved, c.LeaderCases));
}

/// <summary>One group of a breakdown: its key (and a label to show for it), and its figures beside them.</summary>
public sealed record SettlementGroup : SettlementFigures
{
    public SettlementGroup(string key, string? label, SettlementFigures figures) : base(figures)
    {
        Key = key;
        Label = label;
    }

    public string Key { get; init; }
    public string? Label { get; init; }
}

/// <summary>Flows in the period, whatever the cases' filing dates: what happened, not to whom.</summary>
public sealed record SettlementFlow(long Filed, long Concluded, long Escalated, long Closed, long Reopened);

/// <summary>
/// The answer of docs/api.md: the figures of all cases in scope at the top level, the groups below, and
/// beside them the scope itself and the period's flows.
/// </summary>
public sealed record SettlementReport : SettlementFigures
{
    public SettlementReport(SettlementFigures figures) : base(figures) { }

    public IReadOnlyList<SettlementGroup> Groups { get; init; } = [];
    public SettlementFlow Flow { get; init; } = new(0, 0, 0, 0, 0);
    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public string NodeCode { get; init; } = "";
    public string NodeName { get; init; } = "";
    public DateTimeOffset AsOf { get; init; }

    /// <summary>The recording moment the figures are as known at: a report is reproduced exactly by asking for it again with this knownAt.</summary>
    public DateTimeOffset KnownAt { get; init; }

    public string? GroupBy { get; init; }

    /// <summary>The locked months of the period: what changed in each since its report was sent.</summary>
    public IReadOnlyList<Periods.LockedMonth> Locks { get; init; } = [];
}
