using Marten;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Parties;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Repeats;

/// <summary>The marks of a person at intake: any of them, as the clerk has them. Sent in a body, never in an address.</summary>
public sealed record FindRelated(string? IdNumber = null, string? Phone = null, string? Address = null);

/// <summary>
/// A case of the last twelve months with the same person or address, and what matched. <see cref="FinalReviewed"/>:
/// a petition concluded after its re-review, whose request is final.
/// </summary>
public sealed record RelatedCase(Guid Id, string CaseNumber, CaseKind Kind, string Category, string Summary, string NodeCode, string HandlingNodeCode,
    CaseStatus Status, DateTimeOffset ReceivedAt, IReadOnlyList<PersonMark> Matched, bool FinalReviewed)
{
    public static bool IsFinal(MediationCase state) =>
        state is { Kind: CaseKind.Petition, ReviewStage: ReviewStage.ReReview, Status: CaseStatus.Resolved or CaseStatus.Closed };
}

/// <summary>
/// The cases in the caller's jurisdiction in full; of those outside it, only how many there are, so that a
/// grid learns that the person is known elsewhere without learning where or why. When one of them is a petition
/// whose request is final, <see cref="SuggestedNotAcceptReason"/> is the reason a new petition raising the same
/// matter is not accepted for.
/// </summary>
public sealed record RelatedCases(IReadOnlyList<RelatedCase> Cases, int Elsewhere, DateTimeOffset Since)
{
    public const string FinalRequestReason = "信访人对复核意见不服，仍然以同一事实和理由提出投诉请求，不再受理";

    public string? SuggestedNotAcceptReason => Cases.Any(c => c.FinalReviewed) ? FinalRequestReason : null;
}

public static class FindRelatedEndpoint
{
    public static ProblemDetails Validate(FindRelated command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.IdNumber, "idNumber", 18, required: false)
            .Text(command.Phone, "phone", 30, required: false)
            .Text(command.Address, "address", 300, required: false);
        if (string.IsNullOrWhiteSpace(command.IdNumber) && string.IsNullOrWhiteSpace(command.Phone) && string.IsNullOrWhiteSpace(command.Address))
            check.Add("person", FieldMessage.OneOfIdPhoneAddress);
        return check.Result();
    }

    /// <summary>At intake: the cases of the last twelve months with a party of this ID number, phone or address.</summary>
    [WolverinePost("/api/persons/related", OperationId = "FindRelatedCases")]
    [ProducesResponseType<RelatedCases>(StatusCodes.Status200OK)]
    public static async Task<IResult> Find(FindRelated command, HttpContext http, IQuerySession session, PersonIndex index, OrgDirectory directory,
        TimeProvider clock, CancellationToken cancellation)
    {
        var entries = index.EntriesOf(command.IdNumber, command.Phone, command.Address);
        return Results.Ok(await RelatedCasesQuery.AnswerAsync(entries, null, CurrentUser.From(http), session, index, directory, clock.GetUtcNow(), cancellation));
    }
}

public static class RelatedCasesEndpoint
{
    /// <summary>On the case page: the other cases of the last twelve months with one of this case's parties, or their address.</summary>
    [WolverineGet("/api/cases/{id}/related", OperationId = "GetRelatedCases")]
    [ProducesResponseType<RelatedCases>(StatusCodes.Status200OK)]
    public static async Task<IResult> OfCase(Guid id, HttpContext http, IQuerySession session, PersonIndex index, OrgDirectory directory,
        TimeProvider clock, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        if (state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)) return Problems.NotFound($"There is no case {id}.").ToResult();
        var entries = await index.EntriesOfCaseAsync(id, cancellation);
        return Results.Ok(await RelatedCasesQuery.AnswerAsync(entries, id, user, session, index, directory, clock.GetUtcNow(), cancellation));
    }
}

public static class RelatedCasesQuery
{
    /// <summary>How far back a person's earlier cases are looked for.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(365);

    public static async Task<RelatedCases> AnswerAsync(IReadOnlyList<string> entries, Guid? except, CurrentUser user, IQuerySession session, PersonIndex index,
        OrgDirectory directory, DateTimeOffset now, CancellationToken cancellation)
    {
        var since = now - Window;
        var matches = await index.CasesAsync(entries, except, cancellation);
        if (matches.Count == 0) return new RelatedCases([], 0, since);
        var org = await directory.CurrentAsync(cancellation);
        var cases = (await session.LoadManyAsync<MediationCase>(cancellation, matches.Keys)).Where(c => c.ReceivedAt >= since).ToList();
        var seen = cases.Where(c => user.Sees(org, c)).OrderByDescending(c => c.ReceivedAt)
            .Select(c => new RelatedCase(c.Id, c.CaseNumber, c.Kind, c.Category, c.Summary, c.NodeCode, c.HandlingNodeCode, c.Status, c.ReceivedAt, matches[c.Id],
                RelatedCase.IsFinal(c)))
            .ToList();
        return new RelatedCases(seen, cases.Count - seen.Count, since);
    }

    /// <summary>
    /// Whether a petition being filed is a repeat petition (重复信访): its petitioner (an applicant, by ID number or
    /// phone; an address is not a person) had a petition within the window before <paramref name="receivedAt"/>
    /// whose request is final. Flagged on the case at filing, whoever files it, so the report counts it.
    /// </summary>
    public static async Task<bool> RepeatsFinalPetitionAsync(Filing.FileCase filing, DateTimeOffset receivedAt, IQuerySession session, PersonIndex index,
        CancellationToken cancellation)
    {
        if (filing.Kind != CaseKind.Petition) return false;
        var entries = filing.Parties!.Where(p => p.Role == PartyRole.Applicant).SelectMany(p => index.EntriesOf(p.IdNumber, p.Phone, null)).ToList();
        var matches = await index.CasesAsync(entries, null, cancellation);
        if (matches.Count == 0) return false;
        var cases = await session.LoadManyAsync<MediationCase>(cancellation, matches.Keys);
        return cases.Any(c => RelatedCase.IsFinal(c) && c.ReceivedAt >= receivedAt - Window && c.ReceivedAt <= receivedAt);
    }
}
