using Marten;
using Mediation.Auditing;
using Mediation.Cases.Attachments;
using Mediation.Cases.Documents;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Mediation.Cases.Archiving;

public static class ReadCaseFileEndpoint
{
    const string ReasonText = "Why the case file is generated, in a few words (written to the access log).";

    /// <summary>
    /// The case file (卷宗) as one PDF: the cover, the table of contents, every document of the case and every
    /// attachment, generated from the case's current data with the parties' personal data in full. Like a
    /// document, it is for the roles that see personal data unmasked, with a reason written to the access log
    /// before it goes out, and nothing generated is kept. A case not in the archive gets a draft, marked so on
    /// its cover and its contents, with no file number: a file is looked over before it is archived.
    /// </summary>
    [WolverineGet("/api/cases/{id}/case-file", OperationId = "GetCaseFile")]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, PdfFile.ContentType)]
    public static async Task<IResult> Get(Guid id, [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IDocumentStore store, IQuerySession session, OrgDirectory directory, AccessLog accessLog, DocumentFont font,
        IOptions<CaseFilePolicy> policy, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        var tree = await directory.CurrentAsync(cancellation);
        if (state is null || !user.Sees(tree, state)) return Problems.NotFound($"There is no case {id}.").ToResult();
        reason = reason?.Trim();
        var check = new Validation().Reason(reason);
        if (!check.IsValid) return Problems.Invalid(check).ToResult();
        if (font.Typeface is not { } typeface) return ReadDocumentsEndpoints.NoFont().ToResult();

        var documents = await CaseDocuments.AllAsync(state, tree, store, session, user, cancellation);
        var contents = await AttachmentTable.ContentsAsync(store, state.Id, cancellation);
        var attachments = (await ReadAttachmentsEndpoints.ItemsAsync(state, session, cancellation))
            .Select(item => new FiledAttachment(item, contents.GetValueOrDefault(item.Id))).ToList();

        var parties = await DocumentParties.LoadAsync(state, user, session, cancellation);
        var category = await session.LoadAsync<Category>(state.Category, cancellation);
        var unit = NumbersPerUnit.UnitOf(tree, state.HandlingNodeCode);
        var cover = CaseFileCover.Of(state, tree.Find(unit)?.Name ?? unit, tree.Find(state.HandlingNodeCode)?.Name ?? state.HandlingNodeCode,
            category?.NameZh ?? state.Category, parties, policy.Value);
        var draft = !state.IsArchived;
        var bytes = CaseFilePdf.Of($"卷宗 {state.CaseNumber}", cover, draft ? "卷内目录（草稿）" : "卷内目录", documents, attachments, typeface);

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.GenerateDocument, state.Id, reason: reason,
            detail: $"case {state.CaseNumber}, case file ({(draft ? "draft" : $"archived as {state.FileNumber}")}) as pdf",
            nodes: [state.NodeCode, state.HandlingNodeCode]), cancellation);
        return Results.File(bytes, PdfFile.ContentType, $"{state.CaseNumber}-卷宗{(draft ? "（草稿）" : "")}.pdf");
    }
}
