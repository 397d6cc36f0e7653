using Mediation.Cases;

namespace Mediation.Statistics.Projection;

/// <summary>A case's statistical state: the state columns of a row of the statistics tables, in their order.</summary>
sealed record StatisticalState(
    DateTimeOffset ReceivedAt, string NodeCode, string Kind, string Category, string Channel, bool Counted, string Status, string Level,
    string? Assignee, DateTimeOffset DueAt, string? Outcome, bool Successful, DateTimeOffset? ConcludedAt, decimal? Amount, string? Performance,
    string? Confirmation, int Visits, int Satisfied, int BasicallySatisfied, string Risk, DateTimeOffset? AcceptanceDueAt, DateTimeOffset? DecidedAt,
    string? Satisfaction, bool RepeatPetition, bool LeaderAssigned)
{
    /// <summary>The state a filing starts: what <see cref="BatchSql"/> writes for a new case.</summary>
    public static StatisticalState Filed(CaseFiled f) => new(f.OccurredAt, f.NodeCode, f.Kind.ToString(), f.Category, f.Channel.ToString(),
        f.Kind != CaseKind.Petition, nameof(CaseStatus.Registered), f.Level.ToString(), null, f.DueAt, null, false, null, null, null, null, 0, 0, 0,
        f.GradedColour().ToString(), f.Kind == CaseKind.Petition ? f.DueAt : null, null, null, f.RepeatPetition, false);

    /// <summary>This state after <paramref name="change"/>: each column it sets, its counters added, as the batch statement does.</summary>
    public StatisticalState With(StateChange change) => this with
    {
        Counted = change.Counted ?? Counted,
        Status = change.Status ?? Status,
        Level = change.Level ?? Level,
        Assignee = change.Assignee.set ? change.Assignee.value : Assignee,
        DueAt = change.DueAt ?? DueAt,
        Outcome = change.Outcome.set ? change.Outcome.value : Outcome,
        Successful = change.Successful ?? Successful,
        ConcludedAt = change.ConcludedAt.set ? change.ConcludedAt.value : ConcludedAt,
        Amount = change.Amount.set ? change.Amount.value : Amount,
        Performance = change.Performance.set ? change.Performance.value : Performance,
        Confirmation = change.Confirmation.set ? change.Confirmation.value : Confirmation,
        Visits = Visits + change.Visits,
        Satisfied = Satisfied + change.Satisfied,
        BasicallySatisfied = BasicallySatisfied + change.Basically,
        Risk = change.Risk ?? Risk,
        DecidedAt = change.DecidedAt.set ? change.DecidedAt.value : DecidedAt,
        Satisfaction = change.Satisfaction.set ? change.Satisfaction.value : Satisfaction,
        LeaderAssigned = change.LeaderAssigned ?? LeaderAssigned,
    };
}
