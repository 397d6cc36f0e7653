using System.Globalization;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Auditing.Chain;

public static class DigestsEndpoint
{
    /// <summary>
    /// The daily digest lines of the event chain, oldest first, between two dates (yyyy-MM-dd, China
    /// Standard Time) if given. A line covers every case in the database, so only users of the whole
    /// tree read them (the access table's row says so).
    /// </summary>
    [WolverineGet("/api/audit/chain-digests", OperationId = "GetChainDigests")]
    [ProducesResponseType<IReadOnlyList<ChainDigest>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(DateOnly), "The first day, yyyy-MM-dd (China Standard Time).")] string? from,
        [QueryParameter(typeof(DateOnly), "The last day, yyyy-MM-dd (China Standard Time), inclusive.")] string? to,
        ChainDigests digests, CancellationToken cancellation)
    {
        var check = new Validation();
        var first = Date(from, "from", check);
        var last = Date(to, "to", check);
        check.Require(first is null || last is null || first <= last, "to", FieldMessage.NotBeforeFrom);
        if (!check.IsValid) return check.Result().ToResult();
        return Results.Ok(await digests.ListAsync(first, last, cancellation));
    }

    static DateOnly? Date(string? text, string field, Validation check)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        check.Add(field, FieldMessage.Date);
        return null;
    }
}
