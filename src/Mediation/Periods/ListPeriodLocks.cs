using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Periods;

public static class ListPeriodLocksEndpoint
{
    /// <summary>The locks of the node given (default: the caller's) and of the nodes above and below it.</summary>
    [WolverineGet("/api/periods/locks", OperationId = "ListPeriodLocks")]
    [ProducesResponseType<IReadOnlyList<PeriodLock>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List([QueryParameter(typeof(string), "The unit; default the caller's node.")] string? nodeCode,
        HttpContext http, OrgDirectory directory, PeriodLocks locks, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var org = await directory.CurrentAsync(cancellation);
        var code = nodeCode ?? user.NodeCode ?? (org.Roots.Count == 1 ? org.Roots[0].Id : null);
        if (org.Find(code) is not { } node || !user.Covers(org, node.Id)) return Problems.NoNode(code).ToResult();
        return Results.Ok((await locks.CurrentAsync(cancellation))
            .Where(l => org.IsWithin(node.Id, l.NodeCode) || org.IsWithin(l.NodeCode, node.Id))
            .OrderBy(l => l.Month, StringComparer.Ordinal).ThenBy(l => l.NodeCode, StringComparer.Ordinal).ToList());
    }
}
