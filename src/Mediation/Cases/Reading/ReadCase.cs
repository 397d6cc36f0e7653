using System.Globalization;
using JasperFx.Events;
using Marten;
using Mediation.Hosting;
using Mediation.Parties;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reading;

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? RecordedBy, object Data);

public static class ReadCaseEndpoints
{
    /// <summary>The case now; or as it stood at a version, or at a business time (<c>asOf</c>).</summary>
    [WolverineGet("/api/cases/{id}", OperationId = "GetCase")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var (state, problem, at) = await LoadAsync(id, http.Request.Query, session, clock, cancellation);
        if (problem is not null) return problem.ToResult();
        return await AnswerAsync(http, state!, session, at, cancellation);
    }

    [WolverineGet("/api/cases/by-number/{caseNumber}", OperationId = "GetCaseByNumber")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetByNumber(string caseNumber, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var state = await session.Query<MediationCase>().FirstOrDefaultAsync(c => c.CaseNumber == caseNumber, cancellation);
        return state is null
            ? Problems.NotFound($"There is no case numbered {caseNumber}.").ToResult()
            : await AnswerAsync(http, state, session, clock.GetUtcNow(), cancellation);
    }

    /// <summary>Every event of the case in order, with its business time, recording time and recorder.</summary>
    [WolverineGet("/api/cases/{id}/history", OperationId = "GetCaseHistory")]
    [ProducesResponseType<IReadOnlyList<HistoryEntry>>(StatusCodes.Status200OK)]
    public static async Task<IResult> History(Guid id, IQuerySession session, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(id, token: cancellation);
        if (events.Count == 0) return Problems.NotFound($"There is no case {id}.").ToResult();
        return Results.Ok(events.Select(e => new HistoryEntry(
            e.Version, e.EventType.Name, ((ICaseEvent)e.Data).OccurredAt, e.Timestamp, e.UserName, e.Data)).ToList());
    }

    static async Task<IResult> AnswerAsync(HttpContext http, MediationCase state, IQuerySession session, DateTimeOffset at, CancellationToken cancellation)
    {
        var ids = state.Parties.Select(p => p.PartyId).ToArray();
        var parties = (await session.LoadManyAsync<Party>(cancellation, ids)).ToDictionary(p => p.Id);
        var views = state.Parties.Where(p => parties.ContainsKey(p.PartyId)).Select(p => PartyView.Of(parties[p.PartyId], unmasked: false)).ToList();
        http.Response.Headers.ETag = CaseCommandRunner.ETagFor(state.Version);
        return Results.Ok(CaseView.Of(state, views, at));
    }

    /// <summary>The case state a read asks for, and the moment its overdue flag is judged at.</summary>
    static async Task<(MediationCase? state, ProblemDetails? problem, DateTimeOffset at)> LoadAsync(
        Guid id, IQueryCollection query, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var hasVersion = query.TryGetValue("version", out var versionText);
        var hasAsOf = query.TryGetValue("asOf", out var asOfText);
        if (hasVersion && hasAsOf) return (null, Problems.Invalid("version", "give either version or asOf, not both"), now);

        if (hasVersion)
        {
            if (!long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
                return (null, Problems.Invalid("version", "must be a positive whole number"), now);
            var atVersion = await session.Events.AggregateStreamAsync<MediationCase>(id, version, token: cancellation);
            if (atVersion is null) return (null, Problems.NotFound($"There is no case {id}."), now);
            if (atVersion.Version < version) return (null, Problems.NotFound($"Case {id} has no version {version}; it is at {atVersion.Version}."), now);
            return (atVersion, null, now);
        }

        if (hasAsOf)
        {
            if (!DateTimeOffset.TryParseExact(asOfText.ToString(), ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf) || !asOfText.ToString().Contains('T'))
                return (null, Problems.Invalid("asOf", "must be a time in ISO 8601 with its offset, e.g. 2026-03-02T09:30:00+08:00"), now);
            asOf = asOf.ToUniversalTime();
            var events = await session.Events.FetchStreamAsync(id, token: cancellation);
            if (events.Count == 0) return (null, Problems.NotFound($"There is no case {id}."), now);
            // Business time: what had happened by then, whenever it was recorded.
            var upTo = events.Where(e => ((ICaseEvent)e.Data).OccurredAt <= asOf).ToList();
            if (upTo.Count == 0 || upTo[0].Data is not CaseFiled)
                return (null, Problems.NotFound($"Case {id} had not been received at {asOf:O}."), now);
            var state = await ((DocumentStore)session.DocumentStore).Options.Projections.AggregatorFor<MediationCase>()
                .BuildAsync(upTo, session, null, cancellation);
            return (state! with { Version = upTo[^1].Version }, null, asOf);
        }

        // The inline snapshot is the case as of its latest event.
        var current = await session.LoadAsync<MediationCase>(id, cancellation);
        return current is null ? (null, Problems.NotFound($"There is no case {id}."), now) : (current, null, now);
    }
}
