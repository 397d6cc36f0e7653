using Mediation.Cases;

namespace Mediation.Statistics.Projection;

/// <summary>
/// Facts derived from a state row's columns, stored beside them so that a report over a county-year
/// counts booleans instead of evaluating the same comparisons on every row of every query. The
/// statuses come from <see cref="CaseRules"/>, the rules the case itself follows.
/// </summary>
public static class StateFacts
{
    static readonly string Open = In(CaseRules.OpenStatuses);
    static readonly string Concluded = In(CaseRules.ConcludedStatuses);
    static readonly string Resolved = In(CaseRules.ResolvedStatuses);

    public static readonly (string column, string expression)[] All =
    [
        ("open", $"counted and status in {Open}"),
        ("concluded", $"counted and status in {Concluded}"),
        ("resolved", $"counted and successful and status in {Resolved}"),
        ("on_time", $"coalesce(counted and status in {Concluded} and concluded_at <= due_at, false)"),
        ("closed", $"counted and status = '{CaseStatus.Closed}'"),
        ("agreement", $"coalesce(counted and status in {Concluded} and outcome = '{Outcome.AgreementReached}', false)"),
        ("performed", $"coalesce(counted and status in {Concluded} and outcome = '{Outcome.AgreementReached}' and performance = '{PerformanceResult.Full}', false)"),
        ("confirmation_applied", $"coalesce(counted and status in {Concluded} and outcome = '{Outcome.AgreementReached}' and confirmation is not null, false)"),
        ("confirmed", $"coalesce(counted and status in {Concluded} and outcome = '{Outcome.AgreementReached}' and confirmation = '{ConfirmationRuling.Confirmed}', false)"),
        ("decided", $"coalesce(kind = '{CaseKind.Petition}' and decided_at is not null, false)"),
        ("timely_accepted", $"coalesce(kind = '{CaseKind.Petition}' and decided_at <= acceptance_due_at, false)"),
        ("evaluated", $"coalesce(counted and status in {Concluded} and satisfaction is not null, false)"),
        ("evaluated_satisfied", $"coalesce(counted and status in {Concluded} and satisfaction in ('{Satisfaction.Satisfied}', '{Satisfaction.BasicallySatisfied}'), false)"),
    ];

    /// <summary>The facts computed from the state columns of the row in scope, as SQL select items.</summary>
    public static string Values => string.Join(", ", All.Select(d => $"{d.expression} as {d.column}"));

    /// <summary>A set of statuses as the list of an SQL <c>in</c>: the state rows store a status by its name.</summary>
    static string In(IEnumerable<CaseStatus> statuses) => $"({string.Join(", ", statuses.Select(s => $"'{s}'"))})";
}

/// <summary>A settlement figure's share of one state row: <see cref="Value"/> if <see cref="Condition"/>, else 0.</summary>
public sealed record Measure(string Column, string Condition, string Value = "1")
{
    /// <summary>The share of one row, as SQL (the cube nets these).</summary>
    public string Expression => Value == "1" ? $"({Condition})::int" : $"case when {Condition} then {Value} else 0 end";

    /// <summary>
    /// The sum over many rows, as SQL: a filter skips the rows that add nothing (most rows, for most
    /// figures) instead of adding a zero for each. Never null.
    /// </summary>
    public string RowSum => Value == "1" ? $"count(*) filter (where {Condition})" : $"coalesce(sum({Value}) filter (where {Condition}), 0)";

    public string SqlType => Column == "amount" ? "numeric" : "bigint";
}

/// <summary>
/// What a case's state adds to each settlement figure (docs/domain.md, "Statistics"), as SQL over a
/// state row. The one definition for the cube and for reading state rows directly; a query's columns
/// are named after the measures and read by those names.
/// </summary>
public static class Measures
{
    public static readonly Measure Received = new("received", "counted");
    public static readonly Measure Concluded = new("concluded", "concluded");
    public static readonly Measure Resolved = new("resolved", "resolved");
    public static readonly Measure ConcludedDisputes = new("concluded_disputes", $"concluded and kind = '{CaseKind.Dispute}'");
    public static readonly Measure ResolvedDisputes = new("resolved_disputes", $"resolved and kind = '{CaseKind.Dispute}'");
    public static readonly Measure OnTime = new("on_time", "on_time");
    public static readonly Measure Visits = new("visits", "counted", "visits");
    public static readonly Measure Satisfied = new("satisfied", "counted", "satisfied");
    public static readonly Measure BasicallySatisfied = new("basically_satisfied", "counted", "basically_satisfied");
    public static readonly Measure Closed = new("closed", "closed");
    public static readonly Measure ClosedVisited = new("closed_visited", "closed and visits > 0");
    public static readonly Measure Agreements = new("agreements", "agreement");
    public static readonly Measure Performed = new("performed", "performed");
    public static readonly Measure Amount = new("amount", "agreement", "coalesce(amount, 0)");
    public static readonly Measure ResolvedAtGrid = new("resolved_grid", $"resolved and level = '{Level.Grid}'");
    public static readonly Measure ResolvedAtCommunity = new("resolved_community", $"resolved and level = '{Level.Community}'");
    public static readonly Measure ResolvedAtStreet = new("resolved_street", $"resolved and level = '{Level.Street}'");
    public static readonly Measure ResolvedAtCounty = new("resolved_county", $"resolved and level = '{Level.County}'");
    public static readonly Measure ConfirmationApplications = new("confirmation_applications", "confirmation_applied");
    public static readonly Measure Confirmations = new("confirmations", "confirmed");
    public static readonly Measure PetitionsDecided = new("petitions_decided", "decided");
    public static readonly Measure TimelyAccepted = new("timely_accepted", "timely_accepted");
    public static readonly Measure ConcludedPetitions = new("concluded_petitions", $"concluded and kind = '{CaseKind.Petition}'");
    public static readonly Measure RepliedOnTime = new("replied_on_time", $"on_time and kind = '{CaseKind.Petition}'");
    public static readonly Measure Evaluated = new("evaluated", "evaluated");
    public static readonly Measure EvaluatedSatisfied = new("evaluated_satisfied", "evaluated_satisfied");
    public static readonly Measure RepeatPetitions = new("repeat_petitions", "repeat_petition");
    public static readonly Measure LeaderCases = new("leader_cases", "counted and leader_assigned");
    public static readonly Measure LeaderResolved = new("leader_resolved", "resolved and leader_assigned");

    /// <summary>Every measure: a column of the cube each, and of every settlement query.</summary>
    public static readonly Measure[] All =
    [
        Received, Concluded, Resolved, ConcludedDisputes, ResolvedDisputes, OnTime, Visits, Satisfied, BasicallySatisfied,
        Closed, ClosedVisited, Agreements, Performed, Amount, ResolvedAtGrid, ResolvedAtCommunity, ResolvedAtStreet, ResolvedAtCounty,
        ConfirmationApplications, Confirmations, PetitionsDecided, TimelyAccepted, ConcludedPetitions, RepliedOnTime, Evaluated, EvaluatedSatisfied,
        RepeatPetitions, LeaderCases, LeaderResolved,
    ];

    /// <summary>
    /// The dimensions the cube is kept for, as SQL over a state row. There is no row for the total: every
    /// case has exactly one kind, so the kind rows of a month and node add up to its total (see
    /// <see cref="TotalDimension"/>), and each batch writes fewer cube rows.
    /// </summary>
    public static readonly (string dimension, string expression)[] CubeDimensions =
        [("category", "category"), ("channel", "channel"), ("kind", "kind"), ("level", "level"), ("risk", "risk")];

    /// <summary>The dimension whose rows are summed for a total, or a grouping the cube has no dimension for.</summary>
    public const string TotalDimension = "kind";
}
