using Mediation.Cases;

namespace Mediation.Statistics;

/// <summary>The statistics code tables and thresholds (docs/domain.md, "Statistics"), under <c>Mediation:Statistics</c>.</summary>
public sealed class StatisticsOptions
{
    public const string Section = "Mediation:Statistics";

    /// <summary>
    /// Outcome codes that count as 化解 (resolved). A petition's opinion is coded <c>OpinionIssued:Support</c>.
    /// Changing the table changes figures of cases already concluded: rebuild the projection afterwards.
    /// </summary>
    public List<string> SuccessfulOutcomes { get; set; } = ["AgreementReached", "OpinionIssued:Support", "OpinionIssued:Explain", "Done"];

    /// <summary>Open longer than this many days is a legacy case (遗留积案).</summary>
    public int LegacyDays { get; set; } = 90;

    /// <summary>Rankings leave out (and reports mark) units with fewer cases received in the period.</summary>
    public int MinimumCasesForRanking { get; set; } = 15;

    /// <summary>Readiness is degraded when the statistics lag the events by more than this.</summary>
    public TimeSpan ReadyLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every outcome code there is: the outcomes, and a petition's opinion for each opinion.</summary>
    public static IEnumerable<string> OutcomeCodes =>
        Enum.GetValues<Outcome>().Where(o => o != Outcome.OpinionIssued).Select(o => o.ToString())
            .Concat(Enum.GetValues<Opinion>().Select(o => OutcomeCode(Outcome.OpinionIssued, o)));

    /// <summary>Bound from configuration and checked at start.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddOptions<StatisticsOptions>().BindConfiguration(Section)
            .Validate(o => o.SuccessfulOutcomes.All(OutcomeCodes.Contains),
                $"{Section}:SuccessfulOutcomes must list outcome codes among {string.Join(", ", OutcomeCodes)}")
            .Validate(o => o.LegacyDays > 0, $"{Section}:LegacyDays must be a positive number of days")
            .Validate(o => o.MinimumCasesForRanking >= 0, $"{Section}:MinimumCasesForRanking must not be negative")
            .Validate(o => o.ReadyLag > TimeSpan.Zero, $"{Section}:ReadyLag must be a positive duration, such as 00:01:00")
            .ValidateOnStart();

    public static string OutcomeCode(Outcome outcome, Opinion? opinion) =>
        outcome == Outcome.OpinionIssued && opinion is { } o ? $"{outcome}:{o}" : outcome.ToString();

    public bool IsSuccessful(Outcome outcome, Opinion? opinion) => SuccessfulOutcomes.Contains(OutcomeCode(outcome, opinion));
}
