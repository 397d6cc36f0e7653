using System.Text;
using Marten;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;
using Wolverine.Http;

namespace Mediation.Statistics;

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
    long ResolvedAtCounty)
{
    public static readonly SettlementCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0);

    public static SettlementCounts Add(SettlementCounts a, SettlementCounts b) => new(
        a.Received + b.Received, a.Concluded + b.Concluded, a.Resolved + b.Resolved, a.ConcludedDisputes + b.ConcludedDisputes,
        a.ResolvedDisputes + b.ResolvedDisputes, a.OnTime + b.OnTime, a.FollowUpVisits + b.FollowUpVisits, a.SatisfiedVisits + b.SatisfiedVisits,
        a.BasicallySatisfiedVisits + b.BasicallySatisfiedVisits, a.Closed + b.Closed, a.ClosedVisited + b.ClosedVisited, a.Agreements + b.Agreements,
        a.FullyPerformed + b.FullyPerformed, a.AmountInvolved + b.AmountInvolved, a.ResolvedAtGrid + b.ResolvedAtGrid,
        a.ResolvedAtCommunity + b.ResolvedAtCommunity, a.ResolvedAtStreet + b.ResolvedAtStreet, a.ResolvedAtCounty + b.ResolvedAtCounty);
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
    long FullyPerformed)
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
        c.AmountInvolved,
        new Dictionary<string, double?>
        {
            ["Grid"] = Rate(c.ResolvedAtGrid, c.Resolved),
            ["Community"] = Rate(c.ResolvedAtCommunity, c.Resolved),
            ["Street"] = Rate(c.ResolvedAtStreet, c.Resolved),
            ["County"] = Rate(c.ResolvedAtCounty, c.Resolved),
        },
        c.ConcludedDisputes, c.ResolvedDisputes, c.OnTime, c.FollowUpVisits, c.SatisfiedVisits, c.BasicallySatisfiedVisits,
        c.Closed, c.ClosedVisited, c.Agreements, c.FullyPerformed);
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
    public string? GroupBy { get; init; }
}

/// <summary>
/// Answers settlement statistics from the statistics read model (<see cref="StatisticsProjection"/>):
/// the states of the cohort's cases valid at the as-of moment, aggregated in one pass.
/// </summary>
public sealed class SettlementQuery(IDocumentStore store)
{
    string Schema => store.Options.DatabaseSchemaName;

    public async Task<SettlementReport> RunAsync(ReportScope scope, OrgTree org, CancellationToken cancellation)
    {
        await using var report = await ReportConnection.OpenAsync(store, cancellation);

        var (keyExpression, nodeMap) = KeyFor(scope, org);
        var nodeJoin = nodeMap is not null ? "join unnest(@map_codes, @map_keys) as m(code, key) on m.code = v.node_code" : "";
        var nodes = scope.NodeCodes is not null && nodeMap is null ? " and node_code = any(@nodes)" : "";
        var measures = StatisticsProjection.Measures;
        // Each part sums its own rows per key (counting only the rows a figure counts), and the parts are added up.
        string PartSums(string rows) => $"select {keyExpression} as key, {string.Join(", ", measures.Select(m => $"{m.RowSum} as {m.Column}"))} {rows} group by 1";
        string Total(IEnumerable<string> parts) => $"""
            select key, {string.Join(", ", measures.Select(m => $"sum(x.{m.Column})::{m.SqlType}"))} from (
              {string.Join("\n  union all\n  ", parts)}
            ) x group by key
            """;

        // As of now (no state starts later), whole months come from the cube and only the days at
        // the edges of the period from the case rows; as of an earlier moment, every state valid then.
        var isNow = await IsNowAsync(report, Schema, scope.AsOf, cancellation);
        var (fullFrom, fullTo) = WholeMonths(scope.FromInstant, scope.ToInstant);
        var fromCube = fullFrom < fullTo && isNow;
        var dimension = scope.GroupBy is GroupBy.Category or GroupBy.Channel or GroupBy.Kind or GroupBy.Level
            ? scope.GroupBy.ToString()!.ToLowerInvariant() : StatisticsProjection.TotalDimension;
        string sql;
        if (fromCube)
        {
            var cubeKey = scope.GroupBy switch
            {
                GroupBy.Month => "to_char(v.month at time zone 'UTC' + interval '8 hours', 'YYYY-MM')",
                GroupBy.Node => "m.key",
                null => "''",
                _ => "v.value",
            };
            sql = Total([
                $"""
                select {cubeKey} as key, {string.Join(", ", measures.Select(m => "v." + m.Column))}
                  from {Schema}.{StatisticsProjection.CubeTable} v {nodeJoin}
                  where v.dimension = @dimension and v.month >= @full_from and v.month < @full_to{nodes}
                """,
                // The few rows of the days at the edges as they are: summed per part, they made the planner
                // split this query over parallel workers, which took longer than the cube rows take to read.
                $"""
                select {keyExpression} as key, {string.Join(", ", measures.Select(m => $"{m.Expression} as {m.Column}"))}
                  from {Schema}.{StatisticsProjection.CurrentTable} v {nodeJoin}
                  where ((v.received_at >= @from and v.received_at < @full_from) or (v.received_at >= @full_to and v.received_at < @to)){nodes}
                """,
            ]);
        }
        else
        {
            sql = Total(StateRows(Schema, scope, isNow, "received_at >= @from and received_at < @to", nodeJoin).Select(PartSums));
        }

        await using var command = report.Command(sql);
        if (fromCube)
        {
            command.Parameters.AddWithValue("dimension", dimension);
            command.Parameters.AddWithValue("full_from", fullFrom);
            command.Parameters.AddWithValue("full_to", fullTo);
        }
        AddScope(command, scope);
        if (nodeMap is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("map_codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = nodeMap.Keys.ToArray() });
            command.Parameters.Add(new NpgsqlParameter("map_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = nodeMap.Values.ToArray() });
        }

        // Every count is additive, so the total is the sum of the groups (cheaper than grouping sets).
        var groups = new List<(string key, SettlementCounts counts)>();
        var flowTask = FlowAsync(scope, cancellation);
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                groups.Add((reader.GetString(0), new SettlementCounts(
                    reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
                    reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12),
                    reader.GetInt64(13), reader.GetDecimal(14), reader.GetInt64(15), reader.GetInt64(16), reader.GetInt64(17), reader.GetInt64(18))));
            }
        }
        var total = SettlementFigures.Of(groups.Select(g => g.counts).Aggregate(SettlementCounts.Zero, SettlementCounts.Add));
        var shown = scope.GroupBy is null
            ? []
            : groups.Where(g => g.counts.Received > 0).OrderBy(g => g.key, StringComparer.Ordinal).Select(g => (g.key, figures: SettlementFigures.Of(g.counts))).ToList();

        var labels = await LabelsAsync(scope, org, cancellation);
        var flow = await flowTask;
        return new SettlementReport(total)
        {
            Groups = shown.Select(g => new SettlementGroup(g.key, labels.GetValueOrDefault(g.key), g.figures)).ToList(),
            Flow = flow,
            From = scope.From,
            To = scope.To,
            NodeCode = scope.Node.Id,
            NodeName = scope.Node.Name,
            AsOf = scope.AsOf,
            GroupBy = scope.GroupBy?.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>
    /// The states valid at the as-of moment of the cases in scope, as FROM … WHERE clauses over rows named
    /// <c>v</c>: the current rows that began by then and, unless the moment is now (<paramref name="isNow"/>:
    /// then no history row is valid at it), the history rows valid then. Joined with <paramref name="join"/>,
    /// which, when given, does the cut to the node's subtree.
    /// </summary>
    public static IEnumerable<string> StateRows(string schema, ReportScope scope, bool isNow, string condition, string join = "")
    {
        var nodes = scope.NodeCodes is not null && join.Length == 0 ? " and node_code = any(@nodes)" : "";
        yield return $"from {schema}.{StatisticsProjection.CurrentTable} v {join} where v.valid_from <= @as_of and {condition}{nodes}";
        if (!isNow)
            yield return $"from {StatisticsProjection.HistoryValidAt(schema, "@as_of", "v")} {join} where {condition}{nodes}";
    }

    /// <summary>
    /// True when no case state starts after <paramref name="asOf"/>: the current states are the states
    /// as of then (the usual report, as of now). Every history row ends where a later state of its case
    /// starts, so none is valid then.
    /// </summary>
    public static async Task<bool> IsNowAsync(ReportConnection report, string schema, DateTimeOffset asOf, CancellationToken cancellation)
    {
        await using var command = report.Command($"select max(valid_from) from {schema}.{StatisticsProjection.CurrentTable}");
        return await command.ExecuteScalarAsync(cancellation) is not DateTime latest || new DateTimeOffset(latest, TimeSpan.Zero) <= asOf;
    }

    /// <summary>
    /// The whole months (China Standard Time) inside [<paramref name="from"/>, <paramref name="until"/>):
    /// from the first month start at or after <paramref name="from"/> to the last at or before
    /// <paramref name="until"/>; an empty range at <paramref name="until"/> when there is none.
    /// </summary>
    public static (DateTimeOffset from, DateTimeOffset to) WholeMonths(DateTimeOffset from, DateTimeOffset until)
    {
        var first = MonthStart(from);
        if (first < from) first = first.AddMonths(1);
        var last = MonthStart(until);
        return first < last ? (first.ToUniversalTime(), last.ToUniversalTime()) : (until.ToUniversalTime(), until.ToUniversalTime());
    }

    /// <summary>The start of the month (China Standard Time) that <paramref name="t"/> falls in.</summary>
    static DateTimeOffset MonthStart(DateTimeOffset t)
    {
        var local = t.ToOffset(ChinaStandardTime.Offset);
        return new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, ChinaStandardTime.Offset);
    }

    /// <summary>
    /// The whole months whose flow counts a report uses. Up to the moment they are the months inside the
    /// period that end by then; when the moment falls nearer the end of its month than its start ("as of
    /// 30 April 23:59:59"), that month is counted whole too and the few flows after the moment taken away,
    /// instead of reading the month's flows one by one.
    /// </summary>
    public static (DateTimeOffset from, DateTimeOffset to) FlowMonths(ReportScope scope)
    {
        var upToMoment = WholeMonths(scope.FromInstant, scope.ToInstant < scope.AsOf ? scope.ToInstant : scope.AsOf);
        if (scope.AsOf >= scope.ToInstant) return upToMoment;
        var monthStart = MonthStart(scope.AsOf);
        var nextMonth = monthStart.AddMonths(1);
        if (nextMonth > scope.ToInstant || nextMonth - scope.AsOf >= scope.AsOf - monthStart) return upToMoment;
        var throughMonth = WholeMonths(scope.FromInstant, nextMonth);
        return throughMonth.from < throughMonth.to ? throughMonth : upToMoment;
    }

    public static void AddScope(NpgsqlCommand command, ReportScope scope)
    {
        command.Parameters.AddWithValue("from", scope.FromInstant);
        command.Parameters.AddWithValue("to", scope.ToInstant);
        command.Parameters.AddWithValue("as_of", scope.AsOf);
        if (scope.NodeCodes is not null)
            command.Parameters.Add(new NpgsqlParameter("nodes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.NodeCodes.ToArray() });
    }

    /// <summary>The SQL for a group's key, and for grouping by node, which sub-unit each node's cases count for.</summary>
    static (string expression, Dictionary<string, string>? nodeMap) KeyFor(ReportScope scope, OrgTree org) => scope.GroupBy switch
    {
        null => ("''", null),
        GroupBy.Category => ("category", null),
        GroupBy.Channel => ("channel", null),
        GroupBy.Kind => ("kind", null),
        GroupBy.Level => ("level", null),
        GroupBy.Month => ("to_char(received_at at time zone 'UTC' + interval '8 hours', 'YYYY-MM')", null),
        GroupBy.Node => ("m.key", SubUnits(scope.Node, org)),
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };

    /// <summary>Every node under <paramref name="node"/>, mapped to the child of it that contains it (or to itself).</summary>
    public static Dictionary<string, string> SubUnits(OrgNode node, OrgTree org)
    {
        var map = new Dictionary<string, string> { [node.Id] = node.Id };
        foreach (var child in org.ChildrenOf(node.Id))
        foreach (var below in org.Subtree(child))
            map[below.Id] = child.Id;
        return map;
    }

    async Task<IReadOnlyDictionary<string, string>> LabelsAsync(ReportScope scope, OrgTree org, CancellationToken cancellation)
    {
        switch (scope.GroupBy)
        {
            case GroupBy.Node:
                return org.ChildrenOf(scope.Node.Id).Append(scope.Node).ToDictionary(n => n.Id, n => n.Name);
            case GroupBy.Category:
                await using (var session = store.QuerySession())
                    return (await session.Query<Category>().ToListAsync(cancellation)).ToDictionary(c => c.Id, c => c.NameZh);
            default:
                return new Dictionary<string, string>();
        }
    }

    /// <summary>
    /// Flows in the period up to the as-of moment, on a connection of its own so it runs while the
    /// cohort is being aggregated: whole months (China Standard Time) that lie inside both come from
    /// the monthly counts, the days before and after them from the flows themselves.
    /// </summary>
    async Task<SettlementFlow> FlowAsync(ReportScope scope, CancellationToken cancellation)
    {
        var (fullFrom, fullTo) = FlowMonths(scope);
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        var nodes = scope.NodeCodes is not null ? " and node_code = any(@nodes)" : "";
        await using var command = report.Command($"""
            select flow, sum(n)::bigint from (
              select flow, count as n from {Schema}.{StatisticsProjection.FlowMonthTable}
                where month >= @full_from and month < @full_to{nodes}
              union all
              select flow, 1 from {Schema}.{StatisticsProjection.FlowTable}
                -- Two ranges of the occurred_at index: the days before the whole months, and after them.
                where ((occurred_at >= @from and occurred_at < @full_from) or (occurred_at >= @full_to and occurred_at < @to))
                  and occurred_at >= @from and occurred_at <= @as_of{nodes}
              union all
              -- When the whole months run past the moment, the flows after it are taken away again.
              select flow, -1 from {Schema}.{StatisticsProjection.FlowTable}
                where occurred_at > @as_of and occurred_at < @full_to and occurred_at >= @from{nodes}
            ) f group by flow
            """);
        AddScope(command, scope);
        command.Parameters.AddWithValue("full_from", fullFrom);
        command.Parameters.AddWithValue("full_to", fullTo);
        var counts = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return new SettlementFlow(counts.GetValueOrDefault("Filed"), counts.GetValueOrDefault("Concluded"), counts.GetValueOrDefault("Escalated"),
            counts.GetValueOrDefault("Closed"), counts.GetValueOrDefault("Reopened"));
    }
}

public static class SettlementEndpoint
{
    /// <summary>
    /// Settlement statistics of the cases received in the period at a node and below, as of a moment
    /// (docs/domain.md, "Statistics"): overall and, with <c>groupBy</c>, per category, channel, kind, level,
    /// sub-unit or month of receipt.
    /// </summary>
    [WolverineGet("/api/stats/settlement", OperationId = "GetSettlementStatistics")]
    [ProducesResponseType<SettlementReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(DateOnly), ScopeQuery.FromText)] string? from,
        [QueryParameter(typeof(DateOnly), ScopeQuery.ToText)] string? to,
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        [QueryParameter(typeof(GroupBy), ScopeQuery.GroupByText)] string? groupBy,
        HttpContext http, SettlementQuery query, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(from, to, nodeCode, asOf, groupBy), org, CurrentUser.From(http), clock.GetUtcNow());
        if (problem is not null) return problem.ToResult();
        var report = await query.RunAsync(scope!, org, cancellation);
        return Results.Ok(report);
    }
}

