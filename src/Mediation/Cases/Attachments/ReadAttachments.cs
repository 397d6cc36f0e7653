using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Attachments;

/// <summary>
/// One attachment of a case as the list shows it: what it is, never its content; <see cref="ErasedAt"/>: when its
/// content was erased with a party of the case (null while it is kept).
/// </summary>
public sealed record AttachmentItem(Guid Id, string FileName, string? Description, string ContentType, long Size, string Sha256,
    DateTimeOffset AddedAt, string? AddedBy, DateTimeOffset? ErasedAt, AttachmentCategory? Category = null)
{
    /// <param name="erased">When the case's erased attachments were erased (<see cref="AttachmentTable.ErasedAsync"/>).</param>
    public static AttachmentItem Of(AttachmentAdded a, string? addedBy, IReadOnlyDictionary<Guid, DateTimeOffset> erased) =>
        new(a.AttachmentId, a.FileName, a.Description, a.ContentType, a.Size, a.Sha256, a.OccurredAt, addedBy,
            erased.TryGetValue(a.AttachmentId, out var at) ? at : null, a.Category);
}

public static class ReadAttachmentsEndpoints
{
    const string ReasonText = "Why the content is opened, in a few words (written to the access log).";

    public static string ContentPath(Guid caseId, Guid attachmentId) => $"/api/cases/{caseId}/attachments/{attachmentId}";

    /// <summary>The case's attachments in the order they were added: whoever may read the case sees that they exist.</summary>
    [WolverineGet("/api/cases/{id}/attachments", OperationId = "ListAttachments")]
    [ProducesResponseType<IReadOnlyList<AttachmentItem>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid id, HttpContext http, IQuerySession session, OrgDirectory directory, CancellationToken cancellation)
    {
        var items = await ItemsAsync(id, CurrentUser.From(http), session, directory, cancellation);
        return items is null ? Problems.NotFound($"There is no case {id}.").ToResult() : Results.Ok(items);
    }

    /// <summary>
    /// The content of one attachment, with its content type and file name, for the roles that see personal
    /// data unmasked (a scan may show anything), with a reason; each opening is written to the access log
    /// before the content goes out. Content erased with a party of the case is 410.
    /// </summary>
    [WolverineGet("/api/cases/{id}/attachments/{attachmentId}", OperationId = "GetAttachmentContent")]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, AttachmentKinds.Pdf, AttachmentKinds.Jpeg, AttachmentKinds.Png, AttachmentKinds.Docx)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, Problems.ContentType)]
    public static async Task<IResult> Content(Guid id, Guid attachmentId, [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IDocumentStore store, IQuerySession session, OrgDirectory directory, AccessLog accessLog, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        if (state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)) return Problems.NotFound($"There is no case {id}.").ToResult();
        reason = reason?.Trim();
        var check = new Validation().Reason(reason);
        if (!check.IsValid) return Problems.Invalid(check).ToResult();

        var item = (await ItemsAsync(state, session, cancellation)).FirstOrDefault(a => a.Id == attachmentId);
        if (item is null) return Problems.NotFound($"Case {state.CaseNumber} has no attachment {attachmentId}.").ToResult();
        var (content, erasedAt) = await AttachmentTable.ContentAsync(store, id, attachmentId, cancellation);
        if (erasedAt is { } erased) return Gone(state, attachmentId, erased).ToResult();
        if (content is null) return Problems.NotFound($"The content of attachment {attachmentId} of case {state.CaseNumber} is not stored.").ToResult();

        // The file name may itself tell about a party, so the log names the attachment by id only.
        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.ViewAttachment, state.Id, reason: reason,
            detail: $"case {state.CaseNumber}, attachment {attachmentId}", nodes: [state.NodeCode, state.HandlingNodeCode]), cancellation);
        return Results.File(content, item.ContentType, item.FileName);
    }

    static ProblemDetails Gone(MediationCase state, Guid attachmentId, DateTimeOffset erasedAt) => new()
    {
        Status = StatusCodes.Status410Gone,
        Title = "The content was erased",
        Detail = $"The content of attachment {attachmentId} of case {state.CaseNumber} was erased on {erasedAt.ToOffset(ChinaStandardTime.Offset):O} " +
                 "with the erasure of a party of the case; what it was (name, type, size, SHA-256) is still listed.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.11",
    };

    /// <summary>The attachments of a case this user may see; null when there is no such case in their jurisdiction.</summary>
    public static async Task<IReadOnlyList<AttachmentItem>?> ItemsAsync(Guid id, CurrentUser user, IQuerySession session, OrgDirectory directory,
        CancellationToken cancellation)
    {
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        if (state is null || !user.Sees(await directory.CurrentAsync(cancellation), state)) return null;
        return await ItemsAsync(state, session, cancellation);
    }

    /// <summary>The attachments of a case, in the order they were added.</summary>
    public static async Task<IReadOnlyList<AttachmentItem>> ItemsAsync(MediationCase state, IQuerySession session, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(state.Id, token: cancellation);
        var erased = await AttachmentTable.ErasedAsync(session, state.Id, cancellation);
        return events.Where(e => e.Data is AttachmentAdded).Select(e => AttachmentItem.Of((AttachmentAdded)e.Data, e.UserName, erased)).ToList();
    }
}
