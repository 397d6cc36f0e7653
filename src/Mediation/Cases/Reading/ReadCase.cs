using System.Globalization;
using JasperFx.Events;
using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Parties;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reading;

/// <summary>
/// One event of a case's history, in recording order. <see cref="Late"/>: recorded long after its business
/// time (补录), with <see cref="LateReason"/>. <see cref="CorrectedBy"/>: the versions of the corrections
/// (更正) made to it since; the case follows the last of them, and the act stays here as recorded.
/// </summary>
public sealed record HistoryEntry(long Version, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? RecordedBy, object Data,
    bool Late, string? LateReason, IReadOnlyList<long> CorrectedBy);

public static class ReadCaseEndpoints
{
    const string VersionText = "The case as it stood at this version (after that many events); not together with asOf.";
    const string AsOfText = "The case as it stood at this business time, ISO 8601 with its offset; not together with version.";
    const string UnmaskText = "true: the parties' personal data unmasked (Supervisor, Auditor; with a reason; written to the access log).";
    const string ReasonText = "Why the personal data is unmasked, in a few words.";

    /// <summary>
    /// The case now; or as it stood at a version, or at a business time (<c>asOf</c>). Whether the reader
    /// may see the case, and which of its parties, is judged on the case as it is now, before anything
    /// about it (its versions, when it was received) is told: a past state shows old fields, never
    /// more than the present allows.
    /// </summary>
    [WolverineGet("/api/cases/{id}", OperationId = "GetCase")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id,
        [QueryParameter(typeof(long), VersionText)] string? version,
        [QueryParameter(typeof(DateTimeOffset), AsOfText)] string? asOf,
        [QueryParameter(typeof(bool), UnmaskText)] string? unmask,
        [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IQuerySession session, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var (atVersion, atTime, invalid) = PastRequest(version, asOf);
        if (invalid is not null) return invalid.ToResult();
        var user = CurrentUser.From(http);
        var current = await session.LoadAsync<MediationCase>(id, cancellation);
        if (current is null || !user.Sees(await directory.CurrentAsync(cancellation), current)) return Problems.NotFound($"There is no case {id}.").ToResult();
        var (shown, at, problem) = await PastAsync(current, atVersion, atTime, session, clock.GetUtcNow(), cancellation);
        if (problem is not null) return problem.ToResult();
        return await AnswerAsync(http, user, current, shown!, unmask, reason, session, directory, accessLog, at, cancellation);
    }

    [WolverineGet("/api/cases/by-number/{caseNumber}", OperationId = "GetCaseByNumber")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetByNumber(string caseNumber,
        [QueryParameter(typeof(bool), UnmaskText)] string? unmask,
        [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IQuerySession session, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var state = await session.Query<MediationCase>().FirstOrDefaultAsync(c => c.CaseNumber == caseNumber, cancellation);
        // One answer for no such case and a case outside the jurisdiction: not even its id is told.
        return state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)
            ? Problems.NotFound($"There is no case numbered {caseNumber}.").ToResult()
            : await AnswerAsync(http, user, state, state, unmask, reason, session, directory, accessLog, clock.GetUtcNow(), cancellation);
    }

    /// <summary>Every event of the case in order, with its business time, recording time and recorder.</summary>
    [WolverineGet("/api/cases/{id}/history", OperationId = "GetCaseHistory")]
    [ProducesResponseType<IReadOnlyList<HistoryEntry>>(StatusCodes.Status200OK)]
    public static async Task<IResult> History(Guid id, HttpContext http, IQuerySession session, OrgDirectory directory,
        Microsoft.Extensions.Options.IOptions<Recording.RecordingPolicy> recording, CancellationToken cancellation)
    {
        var history = await HistoryAsync(id, CurrentUser.From(http), session, directory, recording.Value, cancellation);
        return history is null ? Problems.NotFound($"There is no case {id}.").ToResult() : Results.Ok(history);
    }

    /// <summary>The case's events for this user; null when there is no such case in their jurisdiction.</summary>
    public static async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(Guid id, CurrentUser user, IQuerySession session, OrgDirectory directory,
        Recording.RecordingPolicy recording, CancellationToken cancellation)
    {
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        if (state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)) return null;
        var events = await session.Events.FetchStreamAsync(id, token: cancellation);
        var corrections = events.Where(e => e.Data is ActCorrected).ToLookup(e => ((ActCorrected)e.Data).CorrectedVersion, e => e.Version);
        return events.Select(e =>
        {
            var occurredAt = ((ICaseEvent)e.Data).OccurredAt;
            var reason = e.Headers?.GetValueOrDefault(Recording.LateEntry.ReasonHeader)?.ToString();
            return new HistoryEntry(e.Version, e.EventType.Name, occurredAt, e.Timestamp, e.UserName, e.Data,
                e.Data is not ActCorrected && Recording.LateEntry.IsLate(occurredAt, e.Timestamp, recording), reason, corrections[e.Version].ToList());
        }).ToList();
    }

    /// <summary>
    /// The case with its parties as this reader may see them, for a reader who may see the case now.
    /// Every answer that shows parties is written to the access log first: a plain view, or an unmasked
    /// one with the reason the reader gave.
    /// </summary>
    static async Task<IResult> AnswerAsync(HttpContext http, CurrentUser user, MediationCase current, MediationCase shown, string? unmaskText,
        string? reasonText, IQuerySession session, OrgDirectory directory, AccessLog accessLog, DateTimeOffset at, CancellationToken cancellation)
    {
        var (unmask, reason, problem) = UnmaskRequest(unmaskText, reasonText);
        if (problem is not null) return problem.ToResult();
        var (view, refusal) = await ViewAsync(http, user, current, shown, unmask, reason, session, directory, accessLog, at, cancellation);
        if (refusal is not null) return refusal.ToResult();
        http.Response.Headers.ETag = CaseCommandRunner.ETagFor(shown.Version);
        return Results.Ok(view);
    }

    /// <summary>
    /// The case as this reader may see it, logged: the API's answer and the workbench's case page. Who
    /// may see it, and which parties (an accuser only inside the unit handling it), is judged on
    /// <paramref name="current"/>, the case now; the fields shown are those of <paramref name="shown"/>,
    /// the case now or as it stood at some past moment. A case outside the reader's jurisdiction does
    /// not exist for them. Unmasking needs a role the access table allows and a reason (<see cref="CheckUnmask"/>).
    /// </summary>
    public static async Task<(CaseView? view, ProblemDetails? problem)> ViewAsync(HttpContext http, CurrentUser user, MediationCase current,
        MediationCase shown, bool unmask, string? reason, IQuerySession session, OrgDirectory directory, AccessLog accessLog, DateTimeOffset at,
        CancellationToken cancellation)
    {
        if (!user.Sees(await directory.CurrentAsync(cancellation), current)) return (null, Problems.NotFound($"There is no case {current.Id}."));
        reason = reason?.Trim();
        if (unmask && CheckUnmask(user, reason) is { } invalid) return (null, invalid);

        var ids = shown.Parties.Select(p => p.PartyId).ToArray();
        var parties = (await session.LoadManyAsync<Party>(cancellation, ids)).ToDictionary(p => p.Id);
        var views = shown.Parties.Where(p => parties.ContainsKey(p.PartyId))
            .Select(p => PartyView.Of(parties[p.PartyId], PartyView.For(current, p.Role, user, unmask))).ToList();

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, unmask ? AccessAction.Unmask : AccessAction.ViewCase, current.Id,
            reason: reason, detail: $"case {current.CaseNumber}, {views.Count} parties{(unmask ? ", unmasked" : ", masked")}",
            nodes: [current.NodeCode, current.HandlingNodeCode]), cancellation);
        var window = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Deadlines.DeadlinePolicy>>().Value.JudicialConfirmation;
        return (CaseView.Of(shown, views, at, window), null);
    }

    /// <summary><c>unmask=true</c> with a <c>reason</c>; who may unmask is checked with the case (<see cref="ViewAsync"/>).</summary>
    static (bool unmask, string? reason, ProblemDetails? problem) UnmaskRequest(string? text, string? reason)
    {
        if (string.IsNullOrEmpty(text) || text == "false") return (false, null, null);
        if (text != "true") return (false, null, Problems.Invalid("unmask", FieldMessage.TrueOrFalse));
        return (true, reason ?? "", null);
    }

    /// <summary>Unmasking is for the roles the access table allows, with a reason of a few words.</summary>
    static ProblemDetails? CheckUnmask(CurrentUser user, string? reason)
    {
        if (!AccessTable.MayUnmask(user)) return AccessTable.Forbidden("see personal data unmasked", AccessTable.Unmask);
        var check = new Validation().Reason(reason);
        return check.IsValid ? null : Problems.Invalid(check);
    }

    /// <summary><c>version</c> or <c>asOf</c>, as written; whether the case had them is judged after its jurisdiction.</summary>
    static (long? version, DateTimeOffset? asOf, ProblemDetails? problem) PastRequest(string? versionText, string? asOfText)
    {
        var hasVersion = versionText is not null;
        var hasAsOf = asOfText is not null;
        if (hasVersion && hasAsOf) return (null, null, Problems.Invalid("version", FieldMessage.VersionOrAsOf));
        if (hasVersion)
            return long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1
                ? (version, null, null)
                : (null, null, Problems.Invalid("version", FieldMessage.PositiveWholeNumber));
        if (hasAsOf)
            return DateTimeOffset.TryParseExact(asOfText, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK"],
                       CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf) && asOfText!.Contains('T')
                ? (null, asOf.ToUniversalTime(), null)
                : (null, null, Problems.Invalid("asOf", FieldMessage.TimeWithOffset("2026-03-02T09:30:00+08:00")));
        return (null, null, null);
    }

    /// <summary>
    /// The state of <paramref name="current"/> to show: itself, or as it stood at a version or at a
    /// business time; and the moment its overdue flag is judged at.
    /// </summary>
    static async Task<(MediationCase? state, DateTimeOffset at, ProblemDetails? problem)> PastAsync(MediationCase current, long? version,
        DateTimeOffset? asOf, IQuerySession session, DateTimeOffset now, CancellationToken cancellation)
    {
        var id = current.Id;
        if (version is { } wanted)
        {
            if (wanted > current.Version) return (null, now, Problems.NotFound($"Case {id} has no version {wanted}; it is at {current.Version}."));
            var atVersion = await session.Events.AggregateStreamAsync<MediationCase>(id, wanted, token: cancellation);
            return atVersion is null ? (null, now, Problems.NotFound($"There is no case {id}.")) : (atVersion, now, null);
        }

        if (asOf is { } moment)
        {
            // Business time: what had happened by then, whenever it was recorded, as corrected since.
            if (moment < current.ReceivedAt) return (null, now, Problems.NotFound($"Case {id} had not been received at {moment:O}."));
            var then = current.AsOf(moment);
            return (then with { Version = then.Acts.Max(a => a.Version) }, moment, null);
        }
        // The inline snapshot is the case as of its latest event.
        return (current, now, null);
    }
}
