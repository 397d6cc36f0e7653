using System.Globalization;
using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Documents;

public static class ReadDocumentsEndpoints
{
    const string ReasonText = "Why the document is generated, in a few words (written to the access log).";
    const string VersionText = "For kind session-record: the version of the session's event (the case's history shows it); " +
                               "may be left out when the case has one session.";

    /// <summary>
    /// A document of the case generated from its current data, with the parties' personal data in full (an
    /// accuser only for a reader in the unit handling the case): for the roles that see personal data unmasked,
    /// with a reason; each generation is written to the access log before the document goes out. Nothing
    /// generated is kept.
    /// </summary>
    [WolverineGet("/api/cases/{id}/documents/{kind}", OperationId = "GetCaseDocument")]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, DocxFile.ContentType, PdfFile.ContentType)]
    public static async Task<IResult> Get(Guid id, string kind,
        [QueryParameter(typeof(string), "The file format: docx (the default, for editing in Word or WPS) or pdf (for printing).")] string? format,
        [QueryParameter(typeof(long), VersionText)] string? version,
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
            .Require(CaseDocuments.Kinds.Contains(kind), "kind", FieldMessage.OneOf(CaseDocuments.Kinds))
            .Require(CaseDocuments.Formats.Contains(format), "format", FieldMessage.OneOf(CaseDocuments.Formats))
            .Reason(reason);
        var (atVersion, versionProblem) = kind == CaseDocuments.SessionRecord ? SessionVersion(version, state)
            : (null, version is null ? null : FieldMessage.OnlyForSessionRecord);
        if (versionProblem is not null) check.Add("version", versionProblem);
        if (!check.IsValid) return Problems.Invalid(check).ToResult();
        if (atVersion > state.Version) return Problems.NotFound($"Case {id} has no version {atVersion}; it is at {state.Version}.").ToResult();

        var typeface = format == "pdf" ? font.Typeface : null;
        if (format == "pdf" && typeface is null) return NoFont().ToResult();
        var document = new DocumentRef(kind, atVersion);
        // The case exists and the kind is known: only its state is not there yet, as for any command a case's state refuses.
        if (await CaseDocuments.TextAsync(document, state, tree, store, session, user, cancellation) is not { } text)
        {
            var refusal = Problems.Conflict($"No {kind}", CaseDocuments.Missing(document, state),
                new Dictionary<string, object?> { ["kind"] = kind, ["state"] = state.Status.ToString() });
            if (kind == CaseDocuments.SessionRecord) refusal.Extensions["sessions"] = CaseDocuments.SessionVersions(state);
            return refusal.ToResult();
        }
        var (bytes, contentType) = CaseDocuments.Render(text, format, typeface);

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.GenerateDocument, state.Id, reason: reason,
            detail: $"case {state.CaseNumber}, {kind}{(atVersion is { } v ? $" of version {v}" : "")} as {format}", nodes: [state.NodeCode, state.HandlingNodeCode]),
            cancellation);
        return Results.File(bytes, contentType, $"{state.CaseNumber}-{text.Title}.{format}");
    }

    /// <summary>
    /// The session a record is asked for: the version given; without one, the case's only session. A case
    /// with several sessions needs the version, and the refusal lists them.
    /// </summary>
    static (long? version, FieldMessage? problem) SessionVersion(string? text, MediationCase state)
    {
        if (text is not null)
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1
                ? (version, null)
                : (null, FieldMessage.PositiveWholeNumber);
        var sessions = CaseDocuments.SessionVersions(state);
        return sessions.Count > 1 ? (null, FieldMessage.OneSessionOf(sessions)) : (sessions.Count == 1 ? sessions[0] : null, null);
    }

    /// <summary>Without a CJK font there is no PDF to draw; the Word format needs none.</summary>
    public static ProblemDetails NoFont() => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "No font for PDF documents",
        Detail = $"The service has no CJK font to draw PDF documents with: set {DocumentFont.Setting} to a font file, or install one " +
                 $"({DocumentFont.Install}) and restart. The Word format (format=docx) needs no font.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
    };
}
