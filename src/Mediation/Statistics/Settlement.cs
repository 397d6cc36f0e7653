using System.Text;
using Marten;
using Mediation.CodeTables;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;
using Wolverine.Http;

namespace Mediation.Statistics;

/// <summary>The counts behind the settlement figures of one set of cases (domain.md, "Statistics").</summary>
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
    long ResolvedAtCounty);

/// <summary>Figures of one set of cases: the rates of domain.md (null for a zero denominator) and their counts.</summary>
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
/// The answer of api.md: the figures of all cases in scope at the top level, the groups below, and
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
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);

        var (keyExpression, nodeMap) = KeyFor(scope, org);
        var cohort = Versions(Schema, scope, nodeMap is not null, "received_at >= @from and received_at < @to",
            "received_at, node_code, kind, category, channel, counted, status, level, due_at, outcome, successful, concluded_at, amount, performance, visits, satisfied, basically_satisfied");
        var sql = new StringBuilder($"""
            with v as ({cohort}),
            c as (
              select {keyExpression} as key,
                counted,
                counted and status in ('Resolved', 'Closed', 'TransferredOut') as concluded,
                counted and successful and status in ('Resolved', 'Closed') as resolved,
                kind, status, level, due_at, outcome, concluded_at, amount, performance, visits, satisfied, basically_satisfied
              from v {(nodeMap is not null ? "join unnest(@map_codes, @map_keys) as m(code, key) on m.code = v.node_code" : "")}
            )
            select grouping(key) = 1 as total, key,
              count(*) filter (where counted),
              count(*) filter (where concluded),
              count(*) filter (where resolved),
              count(*) filter (where concluded and kind = 'Dispute'),
              count(*) filter (where resolved and kind = 'Dispute'),
              count(*) filter (where concluded and concluded_at <= due_at),
              coalesce(sum(visits) filter (where counted), 0),
              coalesce(sum(satisfied) filter (where counted), 0),
              coalesce(sum(basically_satisfied) filter (where counted), 0),
              count(*) filter (where counted and status = 'Closed'),
              count(*) filter (where counted and status = 'Closed' and visits > 0),
              count(*) filter (where concluded and outcome = 'AgreementReached'),
              count(*) filter (where concluded and outcome = 'AgreementReached' and performance = 'Full'),
              coalesce(sum(amount) filter (where concluded and outcome = 'AgreementReached'), 0),
              count(*) filter (where resolved and level = 'Grid'),
              count(*) filter (where resolved and level = 'Community'),
              count(*) filter (where resolved and level = 'Street'),
              count(*) filter (where resolved and level = 'County')
            from c
            group by grouping sets ((), (key))
            having grouping(key) = 1 or count(*) filter (where counted) > 0
            order by total desc, key
            """);

        await using var command = new NpgsqlCommand(sql.ToString(), connection);
        AddScope(command, scope);
        if (nodeMap is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("map_codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = nodeMap.Keys.ToArray() });
            command.Parameters.Add(new NpgsqlParameter("map_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = nodeMap.Values.ToArray() });
        }

        SettlementFigures? total = null;
        var groups = new List<(string key, SettlementFigures figures)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var counts = new SettlementCounts(
                    reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
                    reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13),
                    reader.GetInt64(14), reader.GetDecimal(15), reader.GetInt64(16), reader.GetInt64(17), reader.GetInt64(18), reader.GetInt64(19));
                if (reader.GetBoolean(0)) total = SettlementFigures.Of(counts);
                else if (scope.GroupBy is not null) groups.Add((reader.GetString(1), SettlementFigures.Of(counts)));
            }
        }

        var labels = await LabelsAsync(scope, org, cancellation);
        var flow = await FlowAsync(connection, scope, cancellation);
        return new SettlementReport(total!)
        {
            Groups = groups.Select(g => new SettlementGroup(g.key, labels.GetValueOrDefault(g.key), g.figures)).ToList(),
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
    /// The states valid at the as-of moment of the cases in scope: current rows that began by then,
    /// and history rows that began by then and ended after it. For "now" the history part is empty.
    /// </summary>
    public static string Versions(string schema, ReportScope scope, bool nodesJoinedLater, string condition, string columns)
    {
        var nodes = scope.NodeCodes is not null && !nodesJoinedLater ? " and node_code = any(@nodes)" : "";
        return $"""
            select {columns} from {schema}.{StatisticsProjection.CurrentTable}
              where valid_from <= @as_of and {condition}{nodes}
            union all
            select {columns} from {schema}.{StatisticsProjection.HistoryTable}
              where valid_from <= @as_of and valid_to > @as_of and {condition}{nodes}
            """;
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
        foreach (var below in org.All.Where(n => n.Path.StartsWith(child.Path, StringComparison.Ordinal)))
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

    async Task<SettlementFlow> FlowAsync(NpgsqlConnection connection, ReportScope scope, CancellationToken cancellation)
    {
        var nodes = scope.NodeCodes is not null ? " and node_code = any(@nodes)" : "";
        await using var command = new NpgsqlCommand(
            $"select flow, count(*) from {Schema}.{StatisticsProjection.FlowTable} " +
            $"where occurred_at >= @from and occurred_at < @to and occurred_at <= @as_of{nodes} group by flow", connection);
        AddScope(command, scope);
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
    /// (domain.md, "Statistics"): overall and, with <c>groupBy</c>, per category, channel, kind, level,
    /// sub-unit or month of receipt.
    /// </summary>
    [WolverineGet("/api/stats/settlement", OperationId = "GetSettlementStatistics")]
    [ProducesResponseType<SettlementReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(HttpContext http, SettlementQuery query, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(http.Request.Query, org, CurrentUser.From(http), clock.GetUtcNow());
        if (problem is not null) return problem.ToResult();
        var report = await query.RunAsync(scope!, org, cancellation);
        return Results.Ok(report);
    }
}

