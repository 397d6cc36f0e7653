using System.Globalization;
using JasperFx.Events;
using Marten;
using Mediation.Auditing;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Parties;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reading;

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? RecordedBy, object Data);

public static class ReadCaseEndpoints
{
    const string VersionText = "The case as it stood at this version (after that many events); not together with asOf.";
    const string AsOfText = "The case as it stood at this business time, ISO 8601 with its offset; not together with version.";
    const string UnmaskText = "true: the parties' personal data unmasked (Supervisor, Auditor; with a reason; written to the access log).";
    const string ReasonText = "Why the personal data is unmasked, in a few words.";

    /// <summary>The case now; or as it stood at a version, or at a business time (<c>asOf</c>).</summary>
    [WolverineGet("/api/cases/{id}", OperationId = "GetCase")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id,
        [QueryParameter(typeof(long), VersionText)] string? version,
        [QueryParameter(typeof(DateTimeOffset), AsOfText)] string? asOf,
        [QueryParameter(typeof(bool), UnmaskText)] string? unmask,
        [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IQuerySession session, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var (state, problem, at) = await LoadAsync(id, version, asOf, session, clock, cancellation);
        if (problem is not null) return problem.ToResult();
        return await AnswerAsync(http, state!, unmask, reason, session, directory, accessLog, at, cancellation);
    }

    [WolverineGet("/api/cases/by-number/{caseNumber}", OperationId = "GetCaseByNumber")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetByNumber(string caseNumber,
        [QueryParameter(typeof(bool), UnmaskText)] string? unmask,
        [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IQuerySession session, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var state = await session.Query<MediationCase>().FirstOrDefaultAsync(c => c.CaseNumber == caseNumber, cancellation);
        return state is null
            ? Problems.NotFound($"There is no case numbered {caseNumber}.").ToResult()
            : await AnswerAsync(http, state, unmask, reason, session, directory, accessLog, clock.GetUtcNow(), cancellation);
    }

    /// <summary>Every event of the case in order, with its business time, recording time and recorder.</summary>
    [WolverineGet("/api/cases/{id}/history", OperationId = "GetCaseHistory")]
    [ProducesResponseType<IReadOnlyList<HistoryEntry>>(StatusCodes.Status200OK)]
    public static async Task<IResult> History(Guid id, HttpContext http, IQuerySession session, OrgDirectory directory, CancellationToken cancellation)
    {
        var history = await HistoryAsync(id, CurrentUser.From(http), session, directory, cancellation);
        return history is null ? Problems.NotFound($"There is no case {id}.").ToResult() : Results.Ok(history);
    }

    /// <summary>The case's events for this user; null when there is no such case in their jurisdiction.</summary>
    public static async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(Guid id, CurrentUser user, IQuerySession session, OrgDirectory directory,
        CancellationToken cancellation)
    {
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        if (state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)) return null;
        var events = await session.Events.FetchStreamAsync(id, token: cancellation);
        return events.Select(e => new HistoryEntry(
            e.Version, e.EventType.Name, ((ICaseEvent)e.Data).OccurredAt, e.Timestamp, e.UserName, e.Data)).ToList();
    }

    /// <summary>
    /// The case with its parties as this reader may see them. A case outside the reader's jurisdiction
    /// does not exist for them. Every answer that shows parties is written to the access log first:
    /// a plain view, or an unmasked one with the reason the reader gave.
    /// </summary>
    static async Task<IResult> AnswerAsync(HttpContext http, MediationCase state, string? unmaskText, string? reasonText, IQuerySession session,
        OrgDirectory directory, AccessLog accessLog, DateTimeOffset at, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var (unmask, reason, problem) = UnmaskRequest(unmaskText, reasonText);
        if (problem is not null && user.Sees(await directory.CurrentAsync(cancellation), state)) return problem.ToResult();
        var (view, refusal) = await ViewAsync(http, user, state, unmask, reason, session, directory, accessLog, at, cancellation);
        if (refusal is not null) return refusal.ToResult();
        http.Response.Headers.ETag = CaseCommandRunner.ETagFor(state.Version);
        return Results.Ok(view);
    }

    /// <summary>
    /// The case as this reader may see it, logged: the API's answer and the workbench's case page.
    /// Unmasking needs a role the access table allows and a reason (<see cref="CheckUnmask"/>).
    /// </summary>
    public static async Task<(CaseView? view, ProblemDetails? problem)> ViewAsync(HttpContext http, CurrentUser user, MediationCase state,
        bool unmask, string? reason, IQuerySession session, OrgDirectory directory, AccessLog accessLog, DateTimeOffset at, CancellationToken cancellation)
    {
        if (!user.Sees(await directory.CurrentAsync(cancellation), state)) return (null, Problems.NotFound($"There is no case {state.Id}."));
        reason = reason?.Trim();
        if (unmask && CheckUnmask(user, reason) is { } invalid) return (null, invalid);

        var ids = state.Parties.Select(p => p.PartyId).ToArray();
        var parties = (await session.LoadManyAsync<Party>(cancellation, ids)).ToDictionary(p => p.Id);
        var views = state.Parties.Where(p => parties.ContainsKey(p.PartyId))
            .Select(p => PartyView.Of(parties[p.PartyId], PartyView.For(state, p.Role, user, unmask))).ToList();

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, unmask ? AccessAction.Unmask : AccessAction.ViewCase, state.Id,
            reason: reason, detail: $"case {state.CaseNumber}, {views.Count} parties{(unmask ? ", unmasked" : ", masked")}"), cancellation);
        return (CaseView.Of(state, views, at), null);
    }

    /// <summary><c>unmask=true</c> with a <c>reason</c>; who may unmask is checked with the case (<see cref="ViewAsync"/>).</summary>
    static (bool unmask, string? reason, ProblemDetails? problem) UnmaskRequest(string? text, string? reason)
    {
        if (string.IsNullOrEmpty(text) || text == "false") return (false, null, null);
        if (text != "true") return (false, null, Problems.Invalid("unmask", "must be true or false"));
        return (true, reason ?? "", null);
    }

    /// <summary>Unmasking is for the roles the access table allows, with a reason of a few words.</summary>
    static ProblemDetails? CheckUnmask(CurrentUser user, string? reason)
    {
        if (!AccessTable.MayUnmask(user)) return AccessTable.Forbidden("see personal data unmasked", AccessTable.Unmask);
        reason ??= "";
        var check = new Validation().Text(reason.Length == 0 ? null : reason, "reason", 500);
        if (reason.Length is > 0 and < 4) check.Add("reason", "say why, in a few words (at least 4 characters)");
        return check.IsValid ? null : Problems.Invalid(check.Errors);
    }

    /// <summary>The case state a read asks for, and the moment its overdue flag is judged at.</summary>
    static async Task<(MediationCase? state, ProblemDetails? problem, DateTimeOffset at)> LoadAsync(
        Guid id, string? versionText, string? asOfText, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var hasVersion = versionText is not null;
        var hasAsOf = asOfText is not null;
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

        if (asOfText is not null)
        {
            if (!DateTimeOffset.TryParseExact(asOfText, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf) || !asOfText.Contains('T'))
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
