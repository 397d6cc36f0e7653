using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Parties.Erasing;

public sealed record EraseParty(string? Reason);

public sealed record PartyErased(Guid Id, Guid CaseId, DateTimeOffset ErasedAt);

/// <summary>
/// Erasure of a party's personal information (个人信息保护法): name, ID number, phone and address are
/// overwritten in the one place they are kept, the party document; and the content of every attachment
/// of the case is removed, since a scan or a photo may show any party of the case and the service cannot
/// read it (erasure comes once the file's retention has run, so the evidence is no longer owed). Events
/// only ever named the party by id, so the case history and every statistic stay as they were. The
/// reason goes to the access log, in the same transaction.
/// </summary>
public static class ErasePartyEndpoint
{
    public static ProblemDetails Validate(EraseParty command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Reason, "reason", 500)
        .Result();

    [WolverinePost("/api/parties/{id}/erase", OperationId = "EraseParty")]
    [ProducesResponseType<PartyErased>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(Guid id, EraseParty command, HttpContext http, IDocumentStore store, OrgDirectory directory, AccessLog accessLog,
        PersonIndex index, TimeProvider clock)
    {
        var user = CurrentUser.From(http);
        await using var session = store.LightweightSession();
        var party = await session.LoadAsync<Party>(id, http.RequestAborted);
        var state = party is null ? null : await session.LoadAsync<Cases.MediationCase>(party.CaseId, http.RequestAborted);
        var org = await directory.CurrentAsync(http.RequestAborted);
        if (party is null || state is null || !user.Sees(org, state)) return Problems.NotFound($"There is no party {id}.").ToResult();
        // Erasure destroys what the unit handling the case works with: it is theirs to do, like a command.
        if (!user.Handles(org, state)) return Problems.HandledElsewhere(state, "erase a party of", user).ToResult();
        if (party.ErasedAt is { } erasedAt) return Results.Ok(new PartyErased(id, party.CaseId, erasedAt));

        var now = clock.GetUtcNow();
        session.Update(party with { Name = null, IdNumber = null, Phone = null, Address = null, ErasedAt = now });
        index.Remove(session, id);
        Cases.Attachments.AttachmentTable.QueueErasure(session, party.CaseId, now);
        session.Insert(accessLog.Entry(http, user.Name, AccessAction.Erase, party.CaseId, id, command.Reason!.Trim(),
            nodes: [state.NodeCode, state.HandlingNodeCode]));
        await session.SaveChangesAsync(http.RequestAborted);
        return Results.Ok(new PartyErased(id, party.CaseId, now));
    }
}
