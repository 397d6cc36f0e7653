using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Statistics.Settlement;

public static class SettlementEndpoint
{
    /// <summary>
    /// Settlement statistics of the cases received in the period at a node and below, as of a moment
    /// (docs/domain.md, "Statistics"): overall and, with <c>groupBy</c>, per category, channel, kind, level,
    /// sub-unit or month of receipt; as known now, or as known at an earlier recording moment (<c>knownAt</c>).
    /// </summary>
    [WolverineGet("/api/stats/settlement", OperationId = "GetSettlementStatistics")]
    [ProducesResponseType<SettlementReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(DateOnly), ScopeQuery.FromText)] string? from,
        [QueryParameter(typeof(DateOnly), ScopeQuery.ToText)] string? to,
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        [QueryParameter(typeof(GroupBy), ScopeQuery.GroupByText)] string? groupBy,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.KnownAtText)] string? knownAt,
        HttpContext http, SettlementQuery query, Periods.ChangesSinceLock changes, Marten.IDocumentStore store, OrgDirectory directory, TimeProvider clock,
        CancellationToken cancellation)
    {
        var org = await directory.CurrentAsync(cancellation);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(from, to, nodeCode, asOf, groupBy, knownAt), org, CurrentUser.From(http), clock.GetUtcNow());
        if (problem is not null) return problem.ToResult();
        var known = await ReportSql.AsKnownAsync(store, scope!, cancellation);
        var report = await query.RunAsync(known, org, cancellation);
        return Results.Ok(report with { Locks = await changes.RunAsync(known, org, cancellation) });
    }
}
