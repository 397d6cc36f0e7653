using Marten;
using Mediation.CodeTables;
using Mediation.Organisation;
using Mediation.Security;
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
    public const string Agreement = "agreement";
    public const string AcceptanceNotice = "acceptance-notice";
    public const string NotAcceptanceNotice = "not-acceptance-notice";
    public const string SessionRecord = "session-record";

    /// <summary>The kinds of document a case can be printed as.</summary>
    public static readonly string[] Kinds = [AcceptanceNotice, NotAcceptanceNotice, SessionRecord, Agreement];

    /// <summary>The formats each document comes in.</summary>
    public static readonly string[] Formats = ["docx", "pdf"];

    /// <summary>
    /// The documents the case has now, in the order of the acts they record (business time, as the case is
    /// folded): the acceptance decision's notice, each session's record (by the version of its event), and the
    /// agreement in force where its text was recorded.
    /// </summary>
    public static IReadOnlyList<DocumentRef> Of(MediationCase state)
    {
        var documents = new List<DocumentRef>();
        var agreementAt = 0;
        foreach (var act in state.Acts)
            switch (act.Event)
            {
                case PetitionAccepted: documents.Add(new DocumentRef(AcceptanceNotice)); break;
                case PetitionNotAccepted: documents.Add(new DocumentRef(NotAcceptanceNotice)); break;
                case MediationSessionHeld: documents.Add(new DocumentRef(SessionRecord, act.Version)); break;
                case AgreementRecorded: agreementAt = documents.Count; break;
            }
        if (state.Agreement is not null) documents.Insert(agreementAt, new DocumentRef(Agreement));
        return documents;
    }

    /// <summary>The versions of the case's sessions, each the version of its event, in the order they were held.</summary>
    public static IReadOnlyList<long> SessionVersions(MediationCase state) =>
        Of(state).Where(d => d.Kind == SessionRecord).Select(d => d.Version!.Value).ToList();

    /// <summary>Why the case has no such document now, for the refusal.</summary>
    public static string Missing(DocumentRef document, MediationCase state)
    {
        var decided = state.Acts.Select(a => a.Event).FirstOrDefault(e => e is PetitionAccepted or PetitionNotAccepted);
        var acceptance = state.Kind != CaseKind.Petition ? $"it is a {state.Kind}: only a petition is accepted or not accepted"
            : decided is PetitionAccepted ? "its petition was accepted"
            : decided is PetitionNotAccepted ? "its petition was not accepted"
            : $"its petition awaits the decision on acceptance (status {state.Status})";
        var sessions = SessionVersions(state);
        return document.Kind switch
        {
            AcceptanceNotice or NotAcceptanceNotice => $"Case {state.CaseNumber} has no {document.Kind}: {acceptance}.",
            SessionRecord when sessions.Count == 0 => $"Case {state.CaseNumber} has no mediation session recorded (status {state.Status}).",
            SessionRecord => $"Version {document.Version} of case {state.CaseNumber} is no mediation session " +
                             $"({state.Acts.FirstOrDefault(a => a.Version == document.Version)?.Event.GetType().Name ?? "a correction"}); " +
                             $"its sessions are versions {string.Join(", ", sessions)}.",
            _ => $"Case {state.CaseNumber} has no agreement recorded (status {state.Status}).",
        };
    }

    /// <summary>
    /// The document's text from the case's current data, or null when the case has no such document now; the
    /// copy for no reader in particular, which withholds the accuser of an Accusation petition (see the overload).
    /// </summary>
    public static Task<DocumentText?> TextAsync(DocumentRef document, MediationCase state, OrgTree tree, IDocumentStore store,
        IQuerySession session, CancellationToken cancellation) =>
        TextAsync(document, state, tree, store, session, null, cancellation);

    /// <summary>
    /// The document's text for <paramref name="reader"/>: the parties in full, except the accuser of an
    /// Accusation petition for a reader outside the unit handling the case now (and for no reader, null).
    /// </summary>
    public static async Task<DocumentText?> TextAsync(DocumentRef document, MediationCase state, OrgTree tree, IDocumentStore store,
        IQuerySession session, CurrentUser? reader, CancellationToken cancellation)
    {
        if (!Of(state).Contains(document)) return null;
        return await TextAsync(document, state, tree, store, await SourcesAsync(state, session, reader, cancellation), cancellation);
    }

    /// <summary>Every document the case has now, in the order of <see cref="Of"/>, for <paramref name="reader"/> as <see cref="TextAsync(DocumentRef, MediationCase, OrgTree, IDocumentStore, IQuerySession, CurrentUser?, CancellationToken)"/> gives each.</summary>
    public static async Task<IReadOnlyList<DocumentText>> AllAsync(MediationCase state, OrgTree tree, IDocumentStore store, IQuerySession session,
        CurrentUser? reader, CancellationToken cancellation)
    {
        var sources = await SourcesAsync(state, session, reader, cancellation);
        var texts = new List<DocumentText>();
        foreach (var document in Of(state)) texts.Add(await TextAsync(document, state, tree, store, sources, cancellation));
        return texts;
    }

    /// <summary>What every document of a case is written from besides the case: its parties as the reader may see them, its category's name.</summary>
    sealed record Sources(DocumentParties Parties, string Category);

    static async Task<Sources> SourcesAsync(MediationCase state, IQuerySession session, CurrentUser? reader, CancellationToken cancellation) => new(
        await DocumentParties.LoadAsync(state, reader, session, cancellation),
        (await session.LoadAsync<Category>(state.Category, cancellation))?.NameZh ?? state.Category);

    /// <summary>A document the case has (<see cref="Of"/>), written from the case and its sources.</summary>
    static async Task<DocumentText> TextAsync(DocumentRef document, MediationCase state, OrgTree tree, IDocumentStore store, Sources sources,
        CancellationToken cancellation)
    {
        var (parties, category) = sources;
        if (document.Kind == Agreement) return await AgreementAsync(state, tree, store, parties, cancellation);

        var act = document.Kind switch
        {
            AcceptanceNotice => state.Acts.First(a => a.Event is PetitionAccepted),
            NotAcceptanceNotice => state.Acts.First(a => a.Event is PetitionNotAccepted),
            _ => state.Acts.First(a => a.Version == document.Version),
        };
        // The unit that acted is the one handling the case when it did, named as the organisation tree names it now.
        var unitCode = state.AsOf(act.Event.OccurredAt).HandlingNodeCode;
        var unit = tree.Find(unitCode)?.Name ?? unitCode;
        return act.Event switch
        {
            PetitionAccepted accepted => new DocumentText(AcceptanceNoticeText.Title, AcceptanceNoticeText.Of(state, accepted, unit, category, parties)),
            PetitionNotAccepted notAccepted => new DocumentText(NotAcceptanceNoticeText.Title, NotAcceptanceNoticeText.Of(state, notAccepted, unit, category, parties)),
            _ => SessionRecordAt(state, act, unit, category, parties),
        };
    }

    static DocumentText SessionRecordAt(MediationCase state, CaseAct act, string unit, string category, DocumentParties parties)
    {
        var ordinal = SessionVersions(state).ToList().IndexOf(act.Version) + 1;
        return new DocumentText(SessionRecordText.TitleOf(ordinal), SessionRecordText.Of(state, (MediationSessionHeld)act.Event, ordinal, unit, category, parties));
    }

    /// <summary>The document in a format: Word needs no font; a PDF is drawn with the typeface, which it embeds.</summary>
    public static (byte[] Bytes, string ContentType) Render(DocumentText text, string format, SKTypeface? typeface) =>
        format == "pdf" ? (PdfFile.Of(text.Lines, typeface!), PdfFile.ContentType) : (DocxFile.Of(text.Lines), DocxFile.ContentType);

    static async Task<DocumentText> AgreementAsync(MediationCase state, OrgTree tree, IDocumentStore store, DocumentParties parties,
        CancellationToken cancellation)
    {
        var agreement = state.Agreement!;
        var number = await AgreementNumbers.ForAsync(store, state.Id, NumbersPerUnit.UnitOf(tree, state.HandlingNodeCode), agreement.EffectiveAt ?? agreement.RecordedAt, cancellation);
        // The committee is named as its node is named now; a node renamed since the number was given keeps its count.
        var committee = tree.Find(number.NodeCode)?.Name ?? number.NodeCode;
        return new DocumentText("调解协议书", AgreementText.Of(agreement, parties, committee, number.Text(committee)));
    }
}
