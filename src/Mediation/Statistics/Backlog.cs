using Marten;
using Mediation.Cases;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;

namespace Mediation.Statistics;

/// <summary>
/// 积案: cases open at the as-of moment, by level, age and unit, with the overdue and the legacy among them.
/// </summary>
public sealed record BacklogReport(
    long Open,
    long Overdue,
    long Legacy,
    IReadOnlyDictionary<string, long> ByLevel,
    IReadOnlyDictionary<string, long> ByAge,
    string NodeCode,
    string NodeName,
    DateTimeOffset AsOf,
    int LegacyDays)
{
    /// <summary>The recording moment the figures are as known at.</summary>
    public DateTimeOffset KnownAt { get; init; }

    /// <summary>
    /// Each unit directly under the node (a city's counties, a county's streets), then the node itself for the
    /// cases handled at it (none at a city).
    /// </summary>
    public IReadOnlyList<BacklogUnit> ByUnit { get; init; } = [];

    /// <summary>The open cases by their risk colour now, each colour named (Blue, Yellow, Orange, Red).</summary>
    public IReadOnlyDictionary<string, long> ByRisk { get; init; } = new Dictionary<string, long>();
}

/// <summary>The open and overdue cases handled at a unit or below it.</summary>
public sealed record BacklogUnit(string NodeCode, string NodeName, long Open, long Overdue);

/// <summary>
/// Open means received (petitions: accepted) and not concluded. Age is whole days since receipt;
/// overdue means past the due date (approved extensions included).
/// </summary>
public sealed class BacklogQuery(IDocumentStore store, IOptions<StatisticsOptions> options)
{
    const string Age = "floor(extract(epoch from (@as_of - received_at)) / 86400)::int";

    /// <summary>The age buckets, by label, and which open rows fall in each.</summary>
    static readonly (string Label, string Condition)[] Ages =
    [
        ("0-7", $"{Age} <= 7"), ("8-30", $"{Age} between 8 and 30"), ("31-60", $"{Age} between 31 and 60"),
        ("61-90", $"{Age} between 61 and 90"), (">90", $"{Age} > 90"),
    ];

    /// <summary>The age buckets' labels, youngest first.</summary>
    public static readonly string[] AgeBuckets = Ages.Select(a => a.Label).ToArray();

    /// <summary>Every count of the report, by the column it is read back from.</summary>
    static readonly (string Column, string Condition)[] Counts =
    [
        ("open", "true"), ("overdue", "due_at < @as_of"), ("legacy", $"{Age} > @legacy"),
        .. OrgNode.HandlingLevels.Select(level => (LevelColumn(level), $"level = '{level}'")),
        .. Ages.Select((age, i) => (AgeColumn(i), age.Condition)),
        .. Enum.GetValues<RiskColour>().Select(colour => (RiskColumn(colour), $"risk = '{colour}'")),
    ];

    static string LevelColumn(Level level) => $"at_{level.ToString().ToLowerInvariant()}";
    static string AgeColumn(int bucket) => $"age_{bucket}";
    static string RiskColumn(RiskColour colour) => $"risk_{colour.ToString().ToLowerInvariant()}";

    public async Task<BacklogReport> RunAsync(ReportScope scope, OrgTree org, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var legacyDays = options.Value.LegacyDays;
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        var isNow = await ReportSql.IsNowAsync(report, schema, scope.AsOf, cancellation);
        // Each part counts its own rows by node; the parts are added up by node, and the nodes here.
        var parts = ReportSql.StateRows(schema, scope, isNow, "open").Select(rows =>
            $"select node_code, {string.Join(", ", Counts.Select(c => $"count(*) filter (where {c.Condition}) as {c.Column}"))} {rows} group by node_code");
        var sql = $"""
            select node_code, {string.Join(", ", Counts.Select(c => $"sum({c.Column})::bigint as {c.Column}"))} from (
              {string.Join("\n  union all\n  ", parts)}
            ) x group by node_code
            """;
        await using var command = report.Command(sql);
        ReportSql.AddScope(command, scope);
        command.Parameters.AddWithValue("legacy", legacyDays);
        var total = new long[Counts.Length];
        var unitOf = Settlement.SettlementQuery.SubUnits(scope.Node, org);
        var byUnit = new Dictionary<string, (long open, long overdue)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
            while (await reader.ReadAsync(cancellation))
            {
                for (var i = 0; i < Counts.Length; i++) total[i] += reader.GetInt64(i + 1);
                if (!unitOf.TryGetValue(reader.GetString(0), out var unit)) continue;
                var (open, overdue) = byUnit.GetValueOrDefault(unit);
                byUnit[unit] = (open + reader.GetInt64(1), overdue + reader.GetInt64(2));
            }

        long Count(string column) => total[Array.FindIndex(Counts, c => c.Column == column)];
        var units = org.ChildrenOf(scope.Node.Id).Where(n => n.HandlesCases).Concat(scope.Node.HandlesCases ? [scope.Node] : [])
            .Select(n =>
            {
                var (open, overdue) = byUnit.GetValueOrDefault(n.Id);
                return new BacklogUnit(n.Id, n.Name, open, overdue);
            })
            .ToList();
        return new BacklogReport(
            Count("open"), Count("overdue"), Count("legacy"),
            OrgNode.HandlingLevels.ToDictionary(level => level.ToString(), level => Count(LevelColumn(level))),
            Ages.Select((age, i) => (age.Label, count: Count(AgeColumn(i)))).ToDictionary(a => a.Label, a => a.count),
            scope.Node.Id, scope.Node.Name, scope.AsOf, legacyDays)
        {
            KnownAt = scope.KnownAt, ByUnit = units,
            ByRisk = Enum.GetValues<RiskColour>().ToDictionary(colour => colour.ToString(), colour => Count(RiskColumn(colour))),
        };
    }
}

public static class BacklogEndpoint
{
    [WolverineGet("/api/stats/backlog", OperationId = "GetBacklogStatistics")]
    [ProducesResponseType<BacklogReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.KnownAtText)] string? knownAt,
        HttpContext http, BacklogQuery query, IDocumentStore store, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(NodeCode: nodeCode, AsOf: asOf, KnownAt: knownAt), org, CurrentUser.From(http), clock.GetUtcNow(), period: false, grouping: false);
        if (problem is not null) return problem.ToResult();
        return Results.Ok(await query.RunAsync(await ReportSql.AsKnownAsync(store, scope!, cancellation), org, cancellation));
    }
}
