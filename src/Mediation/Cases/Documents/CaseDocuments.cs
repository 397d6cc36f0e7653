using Marten;
using Mediation.Organisation;
using Mediation.Parties;
using SkiaSharp;

namespace Mediation.Cases.Documents;

/// <summary>One document of a case: its kind and, for a kind a case can have several of, the version of the act it records.</summary>
public sealed record DocumentRef(string Kind, long? Version = null);

/// <summary>A document's text, the same for every format: its title (for file names and a table of contents) and its paragraphs.</summary>
public sealed record DocumentText(string Title, IReadOnlyList<(Paragraph Kind, string Text)> Lines);

/// <summary>
/// What a case can be printed as, and each document's text generated from the case's current data: the
/// endpoint serving one document and the case file gathering them all ask here, so they never disagree.
/// </summary>
public static class CaseDocuments
{
    /// <summary>The kinds of document a case can be printed as.</summary>
    public static readonly string[] Kinds = ["agreement"];

    /// <summary>The formats each document comes in.</summary>
    public static readonly string[] Formats = ["docx", "pdf"];

    /// <summary>The documents the case has now, in the order of the acts they record.</summary>
    public static IReadOnlyList<DocumentRef> Of(MediationCase state) => state.Agreement is null ? [] : [new DocumentRef("agreement")];

    /// <summary>Why the case has no such document now, for the refusal.</summary>
    public static string Missing(DocumentRef document, MediationCase state) => document.Kind switch
    {
        _ => $"Case {state.CaseNumber} has no agreement recorded.",
    };

    /// <summary>The document's text from the case's current data, or null when the case has no such document now.</summary>
    public static async Task<DocumentText?> TextAsync(DocumentRef document, MediationCase state, OrgTree tree, IDocumentStore store,
        IQuerySession session, CancellationToken cancellation)
    {
        if (!Of(state).Contains(document)) return null;
        var parties = (await session.Query<Party>().Where(p => p.CaseId == state.Id).ToListAsync(cancellation)).ToDictionary(p => p.Id);
        return document.Kind switch
        {
            _ => await AgreementAsync(state, tree, store, parties, cancellation),
        };
    }

    /// <summary>The document in a format: Word needs no font; a PDF is drawn with the typeface, which it embeds.</summary>
    public static (byte[] Bytes, string ContentType) Render(DocumentText text, string format, SKTypeface? typeface) =>
        format == "pdf" ? (PdfFile.Of(text.Lines, typeface!), PdfFile.ContentType) : (DocxFile.Of(text.Lines), DocxFile.ContentType);

    static async Task<DocumentText> AgreementAsync(MediationCase state, OrgTree tree, IDocumentStore store, IReadOnlyDictionary<Guid, Party> parties,
        CancellationToken cancellation)
    {
        var agreement = state.Agreement!;
        // A grid is no committee: a case handled at a grid is mediated by its community's committee.
        var handling = tree.Find(state.HandlingNodeCode);
        var committeeCode = handling is { Level: Level.Grid, ParentCode: { } parent } ? parent : state.HandlingNodeCode;
        var number = await AgreementNumbers.ForAsync(store, state.Id, committeeCode, agreement.EffectiveAt ?? agreement.RecordedAt, cancellation);
        // The committee is named as its node is named now; a node renamed since the number was given keeps its count.
        var committee = tree.Find(number.NodeCode)?.Name ?? number.NodeCode;
        return new DocumentText("调解协议书", AgreementText.Of(agreement, parties, committee, number.Text(committee)));
    }
}
