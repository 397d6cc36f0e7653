using Marten;
using Marten.Linq.MatchesSql;
using Mediation.Cases;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Mediation.Statistics.Departments;

/// <summary>
/// One department's part in the cases received in the period at the node and below: the cases dispatched to it (as
/// lead unit or co-unit), its tasks and how they ended, and how many of those cases were resolved.
/// </summary>
public sealed record DepartmentFigures(
    string NodeCode,
    string NodeName,
    long Cases,
    long AsLead,
    long Tasks,
    long Completed,
    long CompletedOnTime,
    long Open,
    long Overdue,
    long Recalled,
    long Resolved,
    double? OnTimeRate,
    double? ResolutionRate);

public sealed record DepartmentBreakdown(DateOnly From, DateOnly To, string NodeCode, string NodeName, DateTimeOffset AsOf,
    IReadOnlyList<DepartmentFigures> Departments);

/// <summary>
/// Read from the cases as they are now (the dispatch is kept on the case): every department of the scope's county
/// is listed, those with no case too. A task completed on time is completed by its due date; a case counts as
/// resolved for each department it was dispatched to, as docs/domain.md defines resolved.
/// </summary>
public sealed class DepartmentQuery(IDocumentStore store, IOptions<StatisticsOptions> options)
{
    public async Task<DepartmentBreakdown> RunAsync(ReportScope scope, OrgTree org, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var from = scope.FromInstant;
        var to = scope.ToInstant;
        var query = session.Query<MediationCase>().Where(c => c.ReceivedAt >= from && c.ReceivedAt < to && c.MatchesSql("d.departments is not null"));
        if (scope.NodeCodes is { } nodes) query = query.Where(c => c.NodeCode.IsOneOf(nodes.ToArray()));
        var cases = await query.ToListAsync(cancellation);

        var departments = (org.CountyOf(scope.Node.Id) is { } county ? org.Subtree(county) : scope.Node.Level == Level.City ? org.Subtree(scope.Node) : [])
            .Where(n => n.IsDepartment).OrderBy(n => n.Id, StringComparer.Ordinal);
        var rows = departments.Select(department =>
        {
            var tasks = cases.SelectMany(c => (c.Tasks ?? []).Where(t => t.UnitCode == department.Id).Select(t => (c, t))).ToList();
            var theirs = tasks.Select(x => x.c).DistinctBy(c => c.Id).ToList();
            var completed = tasks.Count(x => x.t.CompletedAt is not null);
            var onTime = tasks.Count(x => x.t.CompletedOnTime);
            var resolved = theirs.Count(IsResolved);
            return new DepartmentFigures(department.Id, department.Name, theirs.Count, theirs.Count(c => c.Tasks!.Any(t => t.UnitCode == department.Id && t.Role == DepartmentRole.Lead)),
                tasks.Count, completed, onTime, tasks.Count(x => x.t.IsOpen), tasks.Count(x => x.t.IsOverdueAt(now)), tasks.Count(x => x.t.RecalledAt is not null),
                resolved, Settlement.SettlementFigures.Rate(onTime, completed), Settlement.SettlementFigures.Rate(resolved, theirs.Count));
        }).ToList();
        return new DepartmentBreakdown(scope.From, scope.To, scope.Node.Id, scope.Node.Name, now, rows);
    }

    /// <summary>Received (a petition: accepted), concluded in a resolved status, with an outcome the statistics count as success.</summary>
    bool IsResolved(MediationCase c) =>
        (c.Kind != CaseKind.Petition || c.AcceptedAt is not null) && CaseRules.ResolvedStatuses.Contains(c.Status)
        && c.Outcome is { } outcome && options.Value.IsSuccessful(outcome, c.Opinion);
}

public static class DepartmentBreakdownEndpoint
{
    [WolverineGet("/api/stats/departments", OperationId = "GetDepartmentStatistics")]
    [ProducesResponseType<DepartmentBreakdown>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(DateOnly), ScopeQuery.FromText)] string? from,
        [QueryParameter(typeof(DateOnly), ScopeQuery.ToText)] string? to,
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        HttpContext http, DepartmentQuery query, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var now = clock.GetUtcNow();
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(from, to, nodeCode), org, CurrentUser.From(http), now, grouping: false);
        if (problem is not null) return problem.ToResult();
        return Results.Ok(await query.RunAsync(scope!, org, now, cancellation));
    }
}
