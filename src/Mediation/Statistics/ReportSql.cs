using Marten;
using Mediation.Statistics.Projection;
using Npgsql;
using NpgsqlTypes;

namespace Mediation.Statistics;

/// <summary>What the report queries over the statistics tables share: the state rows of a scope, and its parameters.</summary>
public static class ReportSql
{
    /// <summary>
    /// The states valid at the as-of moment of the cases in scope, as FROM … WHERE clauses over rows named
    /// <c>v</c>. As known now: the current rows that began by then and, unless the moment is now
    /// (<paramref name="isNow"/>: then no history row is valid at it), the history rows valid then. As known
    /// at an earlier recording moment (<see cref="ReportScope.KnownNow"/> false): the rows known then, in all
    /// three tables, where a row whose end was not yet known then was still valid without end (see
    /// docs/read-models.md). Joined with <paramref name="join"/>, which, when given, does the cut to the node's subtree.
    /// </summary>
    public static IEnumerable<string> StateRows(string schema, ReportScope scope, bool isNow, string condition, string join = "")
    {
        var nodes = scope.NodeCodes is not null && join.Length == 0 ? " and node_code = any(@nodes)" : "";
        if (scope.KnownNow)
        {
            yield return $"from {schema}.{StatisticsTables.Current} v {join} where v.valid_from <= @as_of and {condition}{nodes}";
            if (!isNow)
                yield return $"from {StatisticsTables.HistoryValidAt(schema, "@as_of", "v")} {join} where {condition}{nodes}";
            yield break;
        }

        yield return $"from {schema}.{StatisticsTables.Current} v {join} where v.valid_from <= @as_of and v.known_from <= @known_at and {condition}{nodes}";
        // History rows valid at the moment (their end after it), known by then…
        yield return $"from {StatisticsTables.HistoryValidAt(schema, "@as_of", "v")} {join} where v.known_from <= @known_at and {condition}{nodes}";
        // …and those that ended by the moment, but whose end was not known yet.
        yield return $"from {schema}.{StatisticsTables.History} v {join} where v.ended_known > @known_at and v.valid_to <= @as_of " +
                     $"and v.known_from <= @known_at and v.valid_from <= @as_of and {condition}{nodes}";
        yield return $"from {schema}.{StatisticsTables.Superseded} v {join} where v.known_from <= @known_at and v.known_to > @known_at " +
                     $"and v.valid_from <= @as_of and (v.valid_to is null or v.valid_to > @as_of or v.ended_known > @known_at) and {condition}{nodes}";
    }

    /// <summary>
    /// True when no case state starts after <paramref name="asOf"/>: the current states are the states
    /// as of then (the usual report, as of now). Every history row ends where a later state of its case
    /// starts, so none is valid then.
    /// </summary>
    public static async Task<bool> IsNowAsync(ReportConnection report, string schema, DateTimeOffset asOf, CancellationToken cancellation)
    {
        await using var command = report.Command($"select max(valid_from) from {schema}.{StatisticsTables.Current}");
        return await command.ExecuteScalarAsync(cancellation) is not DateTime latest || new DateTimeOffset(latest, TimeSpan.Zero) <= asOf;
    }

    /// <summary>
    /// The scope as the read model can answer it exactly, settled once per report before its queries run.
    /// Asked as known now, it is known at the moment of the request when the statistics projection has every
    /// event recorded so far; while it is still behind, at the moment just before the earliest event it has
    /// not yet applied, so that a report never counts an act it cannot see and giving the known-at moment it
    /// states reproduces it exactly.
    /// </summary>
    public static async Task<ReportScope> AsKnownAsync(IDocumentStore store, ReportScope scope, CancellationToken cancellation)
    {
        if (!scope.KnownNow) return scope;
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        await using var command = report.Command(StatisticsProgress.EarliestPendingSql(store.Options.DatabaseSchemaName));
        StatisticsProgress.AddShard(command);
        return StatisticsProgress.Read(await command.ExecuteScalarAsync(cancellation)) is { } pending && pending <= scope.KnownAt
            ? scope with { KnownAt = pending.AddTicks(-10), KnownNow = false, AsOf = scope.AsOfGiven ? scope.AsOf : pending.AddTicks(-10) }
            : scope;
    }

    /// <summary>The scope's period, moment and nodes as the parameters <c>@from</c>, <c>@to</c>, <c>@as_of</c> and <c>@nodes</c>.</summary>
    public static void AddScope(NpgsqlCommand command, ReportScope scope)
    {
        command.Parameters.AddWithValue("from", scope.FromInstant);
        command.Parameters.AddWithValue("to", scope.ToInstant);
        command.Parameters.AddWithValue("as_of", scope.AsOf);
        command.Parameters.AddWithValue("known_at", scope.KnownAt);
        if (scope.NodeCodes is not null)
            command.Parameters.Add(new NpgsqlParameter("nodes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.NodeCodes.ToArray() });
    }
}
