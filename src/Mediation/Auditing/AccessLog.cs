using Marten;
using Marten.Pagination;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Auditing;

/// <summary>What was looked at or done with personal data, how a sign-in went, or what was changed in an account.</summary>
public enum AccessAction { ViewCase, Unmask, Export, Erase, SignIn, SignInFailed, SignInLocked, SignInDisabled, AccountChanged, LockPeriod, ViewAttachment, GenerateDocument }

/// <summary>
/// One line of the access log (个人信息保护法: who, when, what, why). It names cases and parties by id
/// and never holds their personal data, so erasure leaves it as it is.
/// </summary>
public sealed record AccessLogEntry
{
    public Guid Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string UserName { get; init; } = "";
    public AccessAction Action { get; init; }
    public Guid? CaseId { get; init; }
    public Guid? PartyId { get; init; }
    public string? Reason { get; init; }
    public string? Detail { get; init; }
    public string? ClientAddress { get; init; }

    /// <summary>
    /// The organisation nodes the entry concerns: the case's filing and handling nodes when it is
    /// written, and the node of the user acting (for a sign-in, the account's). A reader at a node
    /// sees the entries that concern a node in their jurisdiction; entries without nodes (written
    /// before nodes were recorded, by the command line, or for an unknown user name) are seen by
    /// readers of the whole tree only.
    /// </summary>
    public string[] Nodes { get; init; } = [];
}

public sealed class AccessLog(IDocumentStore store, TimeProvider clock)
{
    /// <param name="nodes">The nodes the entry is about (a case's filing and handling nodes, the node of
    /// the account signing in); the node of the signed-in user of <paramref name="http"/> is added.</param>
    public AccessLogEntry Entry(HttpContext? http, string userName, AccessAction action, Guid? caseId = null, Guid? partyId = null,
        string? reason = null, string? detail = null, IEnumerable<string?>? nodes = null) => new()
    {
        Id = Guid.CreateVersion7(),
        At = clock.GetUtcNow(),
        UserName = userName,
        Action = action,
        CaseId = caseId,
        PartyId = partyId,
        Reason = reason,
        Detail = detail,
        ClientAddress = http?.Connection.RemoteIpAddress?.ToString(),
        Nodes = (nodes ?? []).Append(http is null ? null : CurrentUser.From(http).NodeCode).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
    };

    /// <summary>Writes the entry on its own, committed before the answer that reveals the data goes out.</summary>
    public async Task WriteAsync(AccessLogEntry entry, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Insert(entry);
        await session.SaveChangesAsync(cancellation);
    }
}

public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Items, int Page, int PageSize, long Total);

public static class AccessLogEndpoint
{
    /// <summary>The access log within the reader's jurisdiction, newest first, by case and/or by user, for auditors.</summary>
    [WolverineGet("/api/audit/access-log", OperationId = "GetAccessLog")]
    [ProducesResponseType<AccessLogPage>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(Guid), "Only the entries about this case.", Name = "caseId")] string? caseText,
        [QueryParameter(typeof(string), "Only the entries of this user name.", Name = "user")] string? userText,
        [QueryParameter(typeof(int), "Page number, from 1 (default 1).", Name = "page")] string? pageText,
        [QueryParameter(typeof(int), "Entries per page, 1 to 500 (default 50).", Name = "pageSize")] string? pageSizeText,
        HttpContext http, IQuerySession session, OrgDirectory directory, CancellationToken cancellation)
    {
        var check = new Validation();
        Guid? caseId = null;
        if (caseText is { Length: > 0 })
        {
            if (Guid.TryParse(caseText, out var parsed)) caseId = parsed;
            else check.Add("caseId", FieldMessage.CaseId);
        }
        var user = userText is { Length: > 0 } u ? UserAccount.IdFor(u) : null;
        var page = int.TryParse(pageText, out var p) ? p : 1;
        var pageSize = int.TryParse(pageSizeText, out var s) ? s : 50;
        check.Require(page >= 1, "page", FieldMessage.AtLeast(1)).Require(pageSize is >= 1 and <= 500, "pageSize", FieldMessage.Between(1, 500));
        if (!check.IsValid) return check.Result().ToResult();

        return Results.Ok(await PageAsync(session, CurrentUser.From(http), await directory.CurrentAsync(cancellation), caseId, user, page, pageSize,
            cancellation));
    }

    /// <summary>
    /// A page of the log as <paramref name="reader"/> may see it, newest first: the API's answer and the
    /// workbench's audit page. Below the whole tree, only entries concerning a node in the reader's
    /// jurisdiction: an auditor of one street does not follow another street's users or cases.
    /// </summary>
    public static async Task<AccessLogPage> PageAsync(IQuerySession session, CurrentUser reader, OrgTree org, Guid? caseId, string? user, int page,
        int pageSize, CancellationToken cancellation)
    {
        var entries = session.Query<AccessLogEntry>().AsQueryable();
        if (reader.NodeCode is { } node)
        {
            var mine = org.Find(node) is { } root ? org.Subtree(root).Select(n => n.Id).ToArray() : [];
            entries = entries.Where(e => e.Nodes.IsOneOf(mine));
        }
        if (caseId is { } id) entries = entries.Where(e => e.CaseId == id);
        if (user is not null) entries = entries.Where(e => e.UserName == user);
        var items = await entries.OrderByDescending(e => e.At).ToPagedListAsync(page, pageSize, cancellation);
        return new AccessLogPage(items.ToList(), page, pageSize, items.TotalItemCount);
    }
}
