using Marten;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Auditing.Chain;

public static class VerifyEndpoint
{
    /// <summary>Whether the case's events, chain, head, stream version and stored case are as recorded; if not, each problem and its kind.</summary>
    [WolverineGet("/api/cases/{id}/verify", OperationId = "VerifyCase")]
    [ProducesResponseType<CaseCheck>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session, OrgDirectory directory, ChainVerifier verifier,
        CancellationToken cancellation)
    {
        var state = await session.LoadAsync<Cases.MediationCase>(id, cancellation);
        if (state is null || !CurrentUser.From(http).Sees(await directory.CurrentAsync(cancellation), state))
            return Problems.NotFound($"There is no case {id}.").ToResult();
        return Results.Ok(await verifier.VerifyCaseAsync(id, cancellation));
    }
}
