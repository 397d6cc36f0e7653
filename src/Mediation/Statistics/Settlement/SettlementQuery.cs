using Marten;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Organisation;
using Mediation.Statistics.Projection;
using Npgsql;
using NpgsqlTypes;

namespace Mediation.Statistics.Settlement;

/// <summary>
/// Answers settlement statistics from the statistics read model (<see cref="StatisticsTables"/>):
/// the states of the cohort's cases valid at the as-of moment, aggregated in one pass. A scope as known
/// now reads what the projection has applied; a report that states its known-at moment settles the scope
/// first (<see cref="ReportSql.AsKnownAsync"/>).
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
        var measures = Measures.All;
        // Each part sums its own rows per key (counting only the rows a figure counts), and the parts are added
        // up. Every column is named after its measure, and read by that name.
        string PartSums(string rows) => $"select {keyExpression} as key, {string.Join(", ", measures.Select(m => $"{m.RowSum} as {m.Column}"))} {rows} group by 1";
        string Total(IEnumerable<string> parts) => $"""
            select key, {string.Join(", ", measures.Select(m => $"sum(x.{m.Column})::{m.SqlType} as {m.Column}"))} from (
              {string.Join("\n  union all\n  ", parts)}
            ) x group by key
            """;

        // As of now (no state starts later) and as known now, whole months come from the cube and only the
        // days at the edges of the period from the case rows; otherwise, every state valid then as known then.
        var isNow = await ReportSql.IsNowAsync(report, Schema, scope.AsOf, cancellation);
        var (fullFrom, fullTo) = WholeMonths(scope.FromInstant, scope.ToInstant);
        var fromCube = fullFrom < fullTo && isNow && scope.KnownNow;
        var dimension = scope.GroupBy is GroupBy.Category or GroupBy.Channel or GroupBy.Kind or GroupBy.Level or GroupBy.Risk
            ? scope.GroupBy.ToString()!.ToLowerInvariant() : Measures.TotalDimension;
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
                  from {Schema}.{StatisticsTables.Cube} v {nodeJoin}
                  where v.dimension = @dimension and v.month >= @full_from and v.month < @full_to{nodes}
                """,
                // The few rows of the days at the edges as they are, not summed per part: a sum here leads the
                // planner to split the query over parallel workers, which cost more than these rows take to read.
                $"""
                select {keyExpression} as key, {string.Join(", ", measures.Select(m => $"{m.Expression} as {m.Column}"))}
                  from {Schema}.{StatisticsTables.Current} v {nodeJoin}
                  where ((v.received_at >= @from and v.received_at < @full_from) or (v.received_at >= @full_to and v.received_at < @to)){nodes}
                """,
            ]);
        }
        else
        {
            sql = Total(ReportSql.StateRows(Schema, scope, isNow, "received_at >= @from and received_at < @to", nodeJoin).Select(PartSums));
        }

        await using var command = report.Command(sql);
        if (fromCube)
        {
            command.Parameters.AddWithValue("dimension", dimension);
            command.Parameters.AddWithValue("full_from", fullFrom);
            command.Parameters.AddWithValue("full_to", fullTo);
        }
        ReportSql.AddScope(command, scope);
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
                groups.Add((reader.GetString(reader.GetOrdinal("key")), ReadCounts(reader)));
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
            KnownAt = scope.KnownAt,
            GroupBy = scope.GroupBy?.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>A row's counts, each read from the column named after its measure.</summary>
    static SettlementCounts ReadCounts(NpgsqlDataReader reader)
    {
        long Count(Measure measure) => reader.GetInt64(reader.GetOrdinal(measure.Column));
        return new SettlementCounts(
            Received: Count(Measures.Received),
            Concluded: Count(Measures.Concluded),
            Resolved: Count(Measures.Resolved),
            ConcludedDisputes: Count(Measures.ConcludedDisputes),
            ResolvedDisputes: Count(Measures.ResolvedDisputes),
            OnTime: Count(Measures.OnTime),
            FollowUpVisits: Count(Measures.Visits),
            SatisfiedVisits: Count(Measures.Satisfied),
            BasicallySatisfiedVisits: Count(Measures.BasicallySatisfied),
            Closed: Count(Measures.Closed),
            ClosedVisited: Count(Measures.ClosedVisited),
            Agreements: Count(Measures.Agreements),
            FullyPerformed: Count(Measures.Performed),
            AmountInvolved: reader.GetDecimal(reader.GetOrdinal(Measures.Amount.Column)),
            ResolvedAtGrid: Count(Measures.ResolvedAtGrid),
            ResolvedAtCommunity: Count(Measures.ResolvedAtCommunity),
            ResolvedAtStreet: Count(Measures.ResolvedAtStreet),
            ResolvedAtCounty: Count(Measures.ResolvedAtCounty),
            ConfirmationApplications: Count(Measures.ConfirmationApplications),
            Confirmations: Count(Measures.Confirmations),
            PetitionsDecided: Count(Measures.PetitionsDecided),
            TimelyAccepted: Count(Measures.TimelyAccepted),
            ConcludedPetitions: Count(Measures.ConcludedPetitions),
            RepliedOnTime: Count(Measures.RepliedOnTime),
            Evaluated: Count(Measures.Evaluated),
            EvaluatedSatisfied: Count(Measures.EvaluatedSatisfied),
            RepeatPetitions: Count(Measures.RepeatPetitions),
            LeaderCases: Count(Measures.LeaderCases),
            LeaderResolved: Count(Measures.LeaderResolved));
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

    /// <summary>The SQL for a group's key, and for grouping by node, which sub-unit each node's cases count for.</summary>
    static (string expression, Dictionary<string, string>? nodeMap) KeyFor(ReportScope scope, OrgTree org) => scope.GroupBy switch
    {
        null => ("''", null),
        GroupBy.Category => ("category", null),
        GroupBy.Channel => ("channel", null),
        GroupBy.Kind => ("kind", null),
        GroupBy.Level => ("level", null),
        GroupBy.Risk => ("risk", null),
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
        await using var command = report.Command(scope.KnownNow ? $"""
            select flow, sum(n)::bigint from (
              select flow, count as n from {Schema}.{StatisticsTables.FlowMonths}
                where month >= @full_from and month < @full_to{nodes}
              union all
              select flow, 1 from {Schema}.{StatisticsTables.Flows}
                -- Two ranges of the occurred_at index: the days before the whole months, and after them.
                where ((occurred_at >= @from and occurred_at < @full_from) or (occurred_at >= @full_to and occurred_at < @to))
                  and occurred_at >= @from and occurred_at <= @as_of{nodes}
              union all
              -- When the whole months run past the moment, the flows after it are taken away again.
              select flow, -1 from {Schema}.{StatisticsTables.Flows}
                where occurred_at > @as_of and occurred_at < @full_to and occurred_at >= @from{nodes}
            ) f group by flow
            """ : $"""
            -- As known at an earlier recording moment: the flows recorded by then, and those since moved or withdrawn.
            select flow, count(*) from (
              select flow from {Schema}.{StatisticsTables.Flows}
                where occurred_at >= @from and occurred_at < @to and occurred_at <= @as_of and recorded_at <= @known_at{nodes}
              union all
              select flow from {Schema}.{StatisticsTables.SupersededFlows}
                where occurred_at >= @from and occurred_at < @to and occurred_at <= @as_of and known_from <= @known_at and known_to > @known_at{nodes}
            ) f group by flow
            """);
        ReportSql.AddScope(command, scope);
        command.Parameters.AddWithValue("full_from", fullFrom);
        command.Parameters.AddWithValue("full_to", fullTo);
        var counts = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return new SettlementFlow(counts.GetValueOrDefault("Filed"), counts.GetValueOrDefault("Concluded"), counts.GetValueOrDefault("Escalated"),
            counts.GetValueOrDefault("Closed"), counts.GetValueOrDefault("Reopened"));
    }
}
