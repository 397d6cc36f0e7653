using Mediation.Statistics.Projection;
using Npgsql;
using NpgsqlTypes;

namespace Mediation.Statistics;

/// <summary>What the report queries over the statistics tables share: the state rows of a scope, and its parameters.</summary>
public static class ReportSql
{
    /// <summary>
    /// The states valid at the as-of moment of the cases in scope, as FROM … WHERE clauses over rows named
    /// <c>v</c>: the current rows that began by then and, unless the moment is now (<paramref name="isNow"/>:
    /// then no history row is valid at it), the history rows valid then. Joined with <paramref name="join"/>,
    /// which, when given, does the cut to the node's subtree.
    /// </summary>
    public static IEnumerable<string> StateRows(string schema, ReportScope scope, bool isNow, string condition, string join = "")
    {
        var nodes = scope.NodeCodes is not null && join.Length == 0 ? " and node_code = any(@nodes)" : "";
        yield return $"from {schema}.{StatisticsTables.Current} v {join} where v.valid_from <= @as_of and {condition}{nodes}";
        if (!isNow)
            yield return $"from {StatisticsTables.HistoryValidAt(schema, "@as_of", "v")} {join} where {condition}{nodes}";
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

    /// <summary>The scope's period, moment and nodes as the parameters <c>@from</c>, <c>@to</c>, <c>@as_of</c> and <c>@nodes</c>.</summary>
    public static void AddScope(NpgsqlCommand command, ReportScope scope)
    {
        command.Parameters.AddWithValue("from", scope.FromInstant);
        command.Parameters.AddWithValue("to", scope.ToInstant);
        command.Parameters.AddWithValue("as_of", scope.AsOf);
        if (scope.NodeCodes is not null)
            command.Parameters.Add(new NpgsqlParameter("nodes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.NodeCodes.ToArray() });
    }
}
