using Marten;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;

namespace Mediation.Statistics;

/// <summary>积案: cases open at the as-of moment, by level and age, with the overdue and the legacy among them.</summary>
public sealed record BacklogReport(
    long Open,
    long Overdue,
    long Legacy,
    IReadOnlyDictionary<string, long> ByLevel,
    IReadOnlyDictionary<string, long> ByAge,
    string NodeCode,
    string NodeName,
    DateTimeOffset AsOf,
    int LegacyDays);

/// <summary>
/// Open means received (petitions: accepted) and not concluded. Age is whole days since receipt;
/// overdue means past the due date (approved extensions included).
/// </summary>
public sealed class BacklogQuery(IDocumentStore store, IOptions<StatisticsOptions> options)
{
    public static readonly string[] AgeBuckets = ["0-7", "8-30", "31-60", "61-90", ">90"];

    public async Task<BacklogReport> RunAsync(ReportScope scope, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var legacyDays = options.Value.LegacyDays;
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        var isNow = await ReportSql.IsNowAsync(report, schema, scope.AsOf, cancellation);
        const string age = "floor(extract(epoch from (@as_of - received_at)) / 86400)::int";
        string[] counts =
        [
            "true", "due_at < @as_of", $"{age} > @legacy",
            "level = 'Grid'", "level = 'Community'", "level = 'Street'", "level = 'County'",
            $"{age} <= 7", $"{age} between 8 and 30", $"{age} between 31 and 60", $"{age} between 61 and 90", $"{age} > 90",
        ];
        // Each part counts its own rows; the parts are added up.
        var parts = ReportSql.StateRows(schema, scope, isNow, "open").Select(rows =>
            $"select {string.Join(", ", counts.Select((c, i) => $"count(*) filter (where {c}) as c{i}"))} {rows}");
        var sql = $"""
            select {string.Join(", ", counts.Select((_, i) => $"sum(c{i})::bigint"))} from (
              {string.Join("\n  union all\n  ", parts)}
            ) x
            """;
        await using var command = report.Command(sql);
        ReportSql.AddScope(command, scope);
        command.Parameters.AddWithValue("legacy", legacyDays);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return new BacklogReport(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2),
            new Dictionary<string, long>
            {
                ["Grid"] = reader.GetInt64(3), ["Community"] = reader.GetInt64(4), ["Street"] = reader.GetInt64(5), ["County"] = reader.GetInt64(6),
            },
            AgeBuckets.Select((bucket, i) => (bucket, count: reader.GetInt64(7 + i))).ToDictionary(b => b.bucket, b => b.count),
            scope.Node.Id, scope.Node.Name, scope.AsOf, legacyDays);
    }
}

public static class BacklogEndpoint
{
    [WolverineGet("/api/stats/backlog", OperationId = "GetBacklogStatistics")]
    [ProducesResponseType<BacklogReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        HttpContext http, BacklogQuery query, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(NodeCode: nodeCode, AsOf: asOf), org, CurrentUser.From(http), clock.GetUtcNow(), period: false, grouping: false);
        if (problem is not null) return problem.ToResult();
        return Results.Ok(await query.RunAsync(scope!, cancellation));
    }
}
