using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Parties;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Documents;

public static class ReadDocumentsEndpoints
{
    /// <summary>The documents a case can be printed as.</summary>
    public static readonly string[] Kinds = ["agreement"];

    /// <summary>The formats each document comes in.</summary>
    public static readonly string[] Formats = ["docx", "pdf"];

    const string ReasonText = "Why the document is generated, in a few words (written to the access log).";

    /// <summary>
    /// A document of the case generated from its current data, with the parties' personal data in full: for
    /// the roles that see personal data unmasked, with a reason; each generation is written to the access log
    /// before the document goes out. Nothing generated is kept.
    /// </summary>
    [WolverineGet("/api/cases/{id}/documents/{kind}", OperationId = "GetCaseDocument")]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, AgreementDocx.ContentType, AgreementPdf.ContentType)]
    public static async Task<IResult> Get(Guid id, string kind,
        [QueryParameter(typeof(string), "The file format: docx (the default, for editing in Word or WPS) or pdf (for printing).")] string? format,
        [QueryParameter(typeof(string), ReasonText)] string? reason,
        HttpContext http, IDocumentStore store, IQuerySession session, OrgDirectory directory, AccessLog accessLog, DocumentFont font, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var state = await session.LoadAsync<MediationCase>(id, cancellation);
        var tree = await directory.CurrentAsync(cancellation);
        if (state is null || !user.Sees(tree, state)) return Problems.NotFound($"There is no case {id}.").ToResult();
        reason = reason?.Trim();
        format = string.IsNullOrEmpty(format) ? "docx" : format.Trim().ToLowerInvariant();
        var check = new Validation()
            .Require(Kinds.Contains(kind), "kind", FieldMessage.OneOf(Kinds))
            .Require(Formats.Contains(format), "format", FieldMessage.OneOf(Formats))
            .Reason(reason);
        if (!check.IsValid) return Problems.Invalid(check).ToResult();
        // The case exists and the kind is known: only its state is not there yet, as for any command a case's state refuses.
        if (state.Agreement is not { } agreement)
            return Problems.Conflict("No agreement", $"Case {state.CaseNumber} has no agreement recorded.").ToResult();

        var typeface = format == "pdf" ? font.Typeface : null;
        if (format == "pdf" && typeface is null) return NoFont().ToResult();

        // A grid is no committee: a case handled at a grid is mediated by its community's committee.
        var handling = tree.Find(state.HandlingNodeCode);
        var committeeCode = handling is { Level: Level.Grid, ParentCode: { } parent } ? parent : state.HandlingNodeCode;
        var number = await AgreementNumbers.ForAsync(store, state.Id, committeeCode, agreement.EffectiveAt ?? agreement.RecordedAt, cancellation);
        // The committee is named as its node is named now; a node renamed since the number was given keeps its count.
        var committee = tree.Find(number.NodeCode)?.Name ?? number.NodeCode;
        var parties = (await session.Query<Party>().Where(p => p.CaseId == state.Id).ToListAsync(cancellation)).ToDictionary(p => p.Id);
        var text = AgreementText.Of(agreement, parties, committee, number.Text(committee));
        var (document, contentType) = typeface is null ? (AgreementDocx.Of(text), AgreementDocx.ContentType) : (AgreementPdf.Of(text, typeface), AgreementPdf.ContentType);

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.GenerateDocument, state.Id, reason: reason,
            detail: $"case {state.CaseNumber}, {kind} as {format}", nodes: [state.NodeCode, state.HandlingNodeCode]), cancellation);
        return Results.File(document, contentType, $"{state.CaseNumber}-调解协议书.{format}");
    }

    static ProblemDetails NoFont() => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "No font for PDF documents",
        Detail = $"The service has no CJK font to draw PDF documents with: set {DocumentFont.Setting} to a font file, or install one " +
                 $"({DocumentFont.Install}) and restart. The Word format (format=docx) needs no font.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
    };
}
