using Marten;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Statistics.Projection;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace Mediation.Statistics;

public sealed record AssigneeWorkload(string Assignee, long Open, long Overdue);

public sealed record WorkloadReport(string NodeCode, DateTimeOffset AsOf, IReadOnlyList<AssigneeWorkload> Assignees);

/// <summary>Who holds how many open cases, and how many of them are overdue, now.</summary>
public sealed class WorkloadQuery(IDocumentStore store)
{
    public async Task<WorkloadReport> RunAsync(ReportScope scope, CancellationToken cancellation)
    {
        var nodes = scope.NodeCodes is not null ? " and node_code = any(@nodes)" : "";
        var sql = $"""
            select assignee, count(*), count(*) filter (where due_at < @as_of)
            from {store.Options.DatabaseSchemaName}.{StatisticsTables.Current}
            where assignee is not null and open{nodes}
            group by assignee
            order by count(*) desc, assignee
            """;
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        await using var command = report.Command(sql);
        ReportSql.AddScope(command, scope);
        var rows = new List<AssigneeWorkload>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) rows.Add(new AssigneeWorkload(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return new WorkloadReport(scope.Node.Id, scope.AsOf, rows);
    }
}

public static class WorkloadEndpoint
{
    /// <summary>Open and overdue cases per assignee, for the cases filed at a node and below.</summary>
    [WolverineGet("/api/stats/workload", OperationId = "GetWorkloadStatistics")]
    [ProducesResponseType<WorkloadReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        HttpContext http, WorkloadQuery query, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(NodeCode: nodeCode, AsOf: asOf), org, CurrentUser.From(http), clock.GetUtcNow(), period: false, grouping: false);
        if (problem is not null) return problem.ToResult();
        return Results.Ok(await query.RunAsync(scope!, cancellation));
    }
}
