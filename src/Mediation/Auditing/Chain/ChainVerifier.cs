using System.Text.Json;
using Marten;
using Mediation.Cases;
using Mediation.Cases.Attachments;
using Mediation.Cases.Reading;
using Mediation.Security.Keys;
using Npgsql;

namespace Mediation.Auditing.Chain;

/// <summary>What verify found wrong, one kind per way a case can be tampered with.</summary>
public enum ChainProblemKind
{
    /// <summary>An event's row no longer matches its link (data, metadata, times, type, stream or version).</summary>
    EventChanged,
    /// <summary>A stored link was changed: the event still matches the link that follows it.</summary>
    LinkChanged,
    /// <summary>An event has no link (the links were deleted, or the event was put there by SQL).</summary>
    LinkMissing,
    /// <summary>A version inside the case is gone (the event, or the event and its link).</summary>
    EventMissing,
    /// <summary>The chain or its head says the case runs further than its events do.</summary>
    TailMissing,
    HeadMissing,
    /// <summary>The head is not the last link, or not at the last version.</summary>
    HeadDiffers,
    /// <summary>The stream's version (what commands check against) is not its last event's.</summary>
    StreamVersionDiffers,
    /// <summary>The stored case (what reads, lists and jurisdiction use) is not what its events make.</summary>
    SnapshotDiffers,
    SnapshotMissing,
    /// <summary>A link, or a digest line, names a key the chain ring no longer holds.</summary>
    UnknownKey,
    /// <summary>What remains of a case (its parties, its snapshot) shows it existed; its events are gone.</summary>
    CaseMissing,
    /// <summary>Fewer cases are recorded up to a day than that day's digest line counted.</summary>
    CaseMissingAgainstDigest,
    /// <summary>More cases are recorded up to a day than that day's digest line counted (history inserted since).</summary>
    CaseAddedAgainstDigest,
    /// <summary>As many cases as the line counted, but other heads: a case rewritten, or everything re-chained.</summary>
    HeadsDifferAgainstDigest,
    /// <summary>The database's own copy of a digest line was changed or deleted.</summary>
    DigestRowDiffers,
    /// <summary>
    /// An attachment's stored bytes are not those its event recorded (their SHA-256 differs), or are gone without an
    /// erasure of a party of the case on record since it was added.
    /// </summary>
    AttachmentAltered,
}

public sealed record ChainProblem(ChainProblemKind Kind, long? Version, string Detail);

/// <summary>The tamper check of one case: intact, or every problem found with its kind.</summary>
public sealed record CaseCheck(Guid CaseId, long Events, bool Intact, IReadOnlyList<ChainProblem> Problems);

/// <summary>
/// Checks a case against its chain: each event against its link (recomputed with the key the link
/// names), the links against each other, the head and the stream version against the last event, and
/// the stored case against the case rebuilt from its events. Every problem is named with its kind.
/// </summary>
public sealed class ChainVerifier(IDocumentStore store, KeyRings rings)
{
    string Schema => store.Options.DatabaseSchemaName;

    /// <summary>Every case any table knows of, checked a few at a time.</summary>
    public async Task<IReadOnlyList<CaseCheck>> VerifyAllAsync(CancellationToken cancellation)
    {
        var ids = new List<Guid>();
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync(cancellation);
            await using var command = new NpgsqlCommand($"""
                select stream_id from {Schema}.mt_events where type <> '{ChainSchema.TombstoneType}'
                union select id from {Schema}.mt_streams s where not {ChainSchema.IsTombstoneStream(Schema, "s")}
                union select stream_id from {Schema}.{ChainSchema.Heads} union select stream_id from {Schema}.{ChainSchema.Links}
                union select id from {Schema}.mt_doc_mediationcase union select (data ->> 'caseId')::uuid from {Schema}.mt_doc_party
                union select case_id from {Schema}.{AttachmentTable.Name}
                order by 1
                """, connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) if (!reader.IsDBNull(0)) ids.Add(reader.GetGuid(0));
        }
        var checks = new CaseCheck[ids.Count];
        await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation },
            async (i, token) => checks[i] = await VerifyCaseAsync(ids[i], token));
        return checks;
    }

    public async Task<CaseCheck> VerifyCaseAsync(Guid id, CancellationToken cancellation)
    {
        var events = new List<SealedEvent>();
        var links = new Dictionary<long, StoredLink>();
        StoredHead? head = null;
        long? streamVersion = null;
        string? snapshot = null;
        Dictionary<string, object?> columns = new();
        var hasParties = false;
        var attachments = new List<StoredAttachment>();
        var duplicated = CaseReadModel.DuplicatedColumns.ToList();

        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync(cancellation);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var sql in new[]
                     {
                         $"select {StoredChain.EventColumns} from {Schema}.mt_events where stream_id = $1 order by version",
                         $"select {StoredChain.LinkColumns} from {Schema}.{ChainSchema.Links} where stream_id = $1",
                         $"select version, key_id, hash from {Schema}.{ChainSchema.Heads} where stream_id = $1",
                         $"select version from {Schema}.mt_streams where id = $1",
                         $"select data::text, {string.Join(", ", duplicated.Select(d => d.Column))} from {Schema}.mt_doc_mediationcase where id = $1",
                         $"select exists (select 1 from {Schema}.mt_doc_party where (data ->> 'caseId')::uuid = $1)",
                         // Hashed where the bytes are, so that a case's files never travel for the check. Content marked erased
                         // is accounted for by an erasure of a party of the case in the access log, written after the attachment was.
                         $"""
                          select coalesce(e.version, 0), coalesce(e.data ->> 'attachmentId', a.id::text), e.data ->> 'sha256', encode(sha256(a.content), 'hex'),
                                 a.erased_at is not null,
                                 exists (select 1 from {Schema}.{AccessLogTable} l where (l.data ->> 'caseId')::uuid = $1
                                         and l.data ->> 'action' = '{AccessAction.Erase}' and (l.data ->> 'at')::timestamptz >= e.timestamp)
                          from (select version, data, timestamp from {Schema}.mt_events where stream_id = $1 and type = '{AttachmentEventType}') e
                          full join (select id, content, erased_at from {Schema}.{AttachmentTable.Name} where case_id = $1) a on a.id::text = e.data ->> 'attachmentId'
                          """,
                     })
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql) { Parameters = { new NpgsqlParameter { Value = id } } });
            await using var reader = await batch.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) events.Add(StoredChain.ReadEvent(reader));
            await reader.NextResultAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) links[reader.GetInt64(0)] = StoredChain.ReadLink(reader);
            await reader.NextResultAsync(cancellation);
            if (await reader.ReadAsync(cancellation)) head = new StoredHead(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2));
            await reader.NextResultAsync(cancellation);
            if (await reader.ReadAsync(cancellation)) streamVersion = reader.IsDBNull(0) ? -1 : reader.GetInt64(0);
            await reader.NextResultAsync(cancellation);
            if (await reader.ReadAsync(cancellation))
            {
                snapshot = reader.GetString(0);
                for (var i = 0; i < duplicated.Count; i++) columns[duplicated[i].Column] = reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1);
            }
            await reader.NextResultAsync(cancellation);
            if (await reader.ReadAsync(cancellation)) hasParties = reader.GetBoolean(0);
            await reader.NextResultAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                attachments.Add(new StoredAttachment(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4), reader.GetBoolean(5)));
        }

        var problems = new List<ChainProblem>();
        if (events.Count == 0 && links.Count == 0 && head is null)
        {
            var remains = new[]
            {
                snapshot is null ? null : "stored case", streamVersion is null ? null : "stream", hasParties ? "parties" : null,
                attachments.Count > 0 ? "attachments" : null,
            }.OfType<string>().ToList();
            if (remains.Count > 0)
                problems.Add(new(ChainProblemKind.CaseMissing, null, $"the case's {string.Join(" and ", remains)} remain; its events and chain are gone"));
            return new CaseCheck(id, 0, problems.Count == 0, problems);
        }
        problems.AddRange(Judge(events, links, head, streamVersion, rings[KeyRings.Chain]));
        problems.AddRange(AttachmentProblems(attachments));
        if (events.Count > 0) problems.AddRange(await SnapshotProblemsAsync(id, snapshot, columns, duplicated, cancellation));
        return new CaseCheck(id, events.Count, problems.Count == 0, problems);
    }

    static readonly string AttachmentEventType = JasperFx.Events.EventTypeExtensions.GetEventTypeName(typeof(AttachmentAdded));

    /// <summary>The access log's table: an erasure written there accounts for the attachments it emptied.</summary>
    const string AccessLogTable = "mt_doc_accesslogentry";

    /// <summary>
    /// An attachment as verify reads it: the version and SHA-256 of its event, the SHA-256 of its stored bytes, whether its
    /// row is marked erased, and whether an erasure of a party of the case was logged after the attachment was recorded.
    /// </summary>
    sealed record StoredAttachment(long Version, string Id, string? Recorded, string? Stored, bool MarkedErased, bool ErasureLogged)
    {
        public bool Erased => Stored is null && MarkedErased && ErasureLogged;
    }

    /// <summary>
    /// Each attachment's stored bytes against the SHA-256 its event recorded (the chain covers the event); bytes gone
    /// count as erased only where the row says so and an erasure of a party of the case is on record since it was added.
    /// </summary>
    static IEnumerable<ChainProblem> AttachmentProblems(IEnumerable<StoredAttachment> attachments) => attachments
        .Where(a => !string.Equals(a.Recorded, a.Stored, StringComparison.OrdinalIgnoreCase) && !(a.Erased && a.Recorded is not null))
        .Select(a => new ChainProblem(ChainProblemKind.AttachmentAltered, a.Version == 0 ? null : a.Version,
            a.Recorded is null ? $"attachment {a.Id} is stored, but no event of the case added it"
            : a.Stored is null && a.MarkedErased ? $"the content of attachment {a.Id} is gone, marked erased, but no erasure of a party of the case is on record since it was added"
            : a.Stored is null ? $"the content of attachment {a.Id} is gone"
            : $"the content of attachment {a.Id} is not what its event recorded (SHA-256 {a.Stored}, recorded {a.Recorded})"));

    /// <summary>The chain of one case against its events, head and stream version.</summary>
    public static IEnumerable<ChainProblem> Judge(IReadOnlyList<SealedEvent> events, IReadOnlyDictionary<long, StoredLink> links, StoredHead? head,
        long? streamVersion, KeyRing ring)
    {
        var byVersion = events.ToDictionary(e => e.Version);
        var lastEvent = byVersion.Count > 0 ? byVersion.Keys.Max() : 0;
        var chainEnd = Math.Max(links.Count > 0 ? links.Keys.Max() : 0, head?.Version ?? 0);
        if (chainEnd > lastEvent)
            yield return new(ChainProblemKind.TailMissing, lastEvent + 1,
                $"the chain runs to version {chainEnd}; the events end at {(lastEvent == 0 ? "none" : lastEvent)}");

        var recomputed = new Dictionary<long, byte[]>();
        var changedLinks = new HashSet<long>();
        // The link before, as stored; recomputed where it is missing or was found changed.
        byte[]? Previous(long version) =>
            version == 1 ? null
            : links.TryGetValue(version - 1, out var stored) && !changedLinks.Contains(version - 1) ? stored.Hash
            : recomputed.GetValueOrDefault(version - 1);
        bool PreviousKnown(long version) => version == 1 || links.ContainsKey(version - 1) || recomputed.ContainsKey(version - 1);
        bool Holds(long version, byte[]? previous) =>
            byVersion.TryGetValue(version, out var e) && links.TryGetValue(version, out var link) && ring.Find(link.KeyId) is { } key
            && ChainFormula.Link(key, link.KeyId, e, previous).AsSpan().SequenceEqual(link.Hash);

        for (var version = 1L; version <= lastEvent; version++)
        {
            var hasEvent = byVersion.TryGetValue(version, out var e);
            var hasLink = links.TryGetValue(version, out var link);
            if (!hasEvent)
            {
                yield return new(ChainProblemKind.EventMissing, version, hasLink ? "the event is gone; its link remains" : "the event and its link are gone");
                continue;
            }
            if (!hasLink)
            {
                yield return new(ChainProblemKind.LinkMissing, version, "the event has no link");
                if (PreviousKnown(version)) recomputed[version] = ChainFormula.Link(ring.Current, ring.CurrentId, e!, Previous(version));
                continue;
            }
            if (ring.Find(link!.KeyId) is not { } key)
            {
                yield return new(ChainProblemKind.UnknownKey, version, $"the link was made with the chain key {link.KeyId}, which is not configured");
                continue;
            }
            if (!PreviousKnown(version)) continue;
            var mac = ChainFormula.Link(key, link.KeyId, e!, Previous(version));
            recomputed[version] = mac;
            if (mac.AsSpan().SequenceEqual(link.Hash))
            {
                if (link.RecordedAt != e!.RecordedAt)
                    yield return new(ChainProblemKind.LinkChanged, version, "the link's recording time is not the event's");
                continue;
            }
            // The next link was computed over this one: if it holds with the hash recomputed from the
            // event but not with the stored one, the stored link was changed, not the event.
            var linkChanged = links.ContainsKey(version + 1)
                ? Holds(version + 1, mac) && !Holds(version + 1, link.Hash)
                : head is not null && head.Version == version && head.Hash.AsSpan().SequenceEqual(mac);
            if (linkChanged) changedLinks.Add(version);
            yield return linkChanged
                ? new(ChainProblemKind.LinkChanged, version, "the stored link was changed; the event matches the chain")
                : new(ChainProblemKind.EventChanged, version, "the event is not as it was recorded");
        }

        if (lastEvent > 0)
        {
            if (head is null) yield return new(ChainProblemKind.HeadMissing, null, "the case has no chain head");
            else if (head.Version < lastEvent)
                yield return new(ChainProblemKind.HeadDiffers, head.Version, $"the head is at version {head.Version}; the events run to {lastEvent}");
            else if (head.Version == lastEvent && links.TryGetValue(lastEvent, out var last) && !head.Hash.AsSpan().SequenceEqual(last.Hash)
                     && !(recomputed.TryGetValue(lastEvent, out var expected) && head.Hash.AsSpan().SequenceEqual(expected)))
                yield return new(ChainProblemKind.HeadDiffers, head.Version, "the head is not the last link");

            if (streamVersion is null) yield return new(ChainProblemKind.StreamVersionDiffers, null, "the case has events but no stream");
            else if (streamVersion != lastEvent)
                yield return new(ChainProblemKind.StreamVersionDiffers, streamVersion, $"the stream is at version {streamVersion}; its events end at {lastEvent}");
        }
    }

    /// <summary>The stored case against the case its events make now, and the columns lists filter on against both.</summary>
    async Task<IEnumerable<ChainProblem>> SnapshotProblemsAsync(Guid id, string? stored, IReadOnlyDictionary<string, object?> columns,
        IReadOnlyList<(string Column, Func<MediationCase, object?> Value)> duplicated, CancellationToken cancellation)
    {
        MediationCase? rebuilt;
        try
        {
            await using var session = store.QuerySession();
            rebuilt = await session.Events.AggregateStreamAsync<MediationCase>(id, token: cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [new(ChainProblemKind.SnapshotDiffers, null, $"the events no longer make a case: {e.Message}")];
        }
        if (rebuilt is null) return [];
        if (stored is null) return [new(ChainProblemKind.SnapshotMissing, null, "the stored case is gone")];

        var differing = new List<string>();
        using (var expected = JsonDocument.Parse(store.Options.Serializer().ToJson(rebuilt)))
        using (var actual = JsonDocument.Parse(stored))
        {
            var actualFields = actual.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
            foreach (var field in expected.RootElement.EnumerateObject())
                if (!actualFields.Remove(field.Name, out var value)
                    || !CanonicalJson.Of(value).AsSpan().SequenceEqual(CanonicalJson.Of(field.Value.GetRawText())))
                    differing.Add(field.Name);
            differing.AddRange(actualFields.Keys);
        }
        foreach (var (column, value) in duplicated)
            if (Comparable(value(rebuilt)) != Comparable(columns.GetValueOrDefault(column)))
                differing.Add($"column {column}");
        return differing.Count == 0 ? [] : [new(ChainProblemKind.SnapshotDiffers, rebuilt.Version, $"differs from its events in {string.Join(", ", differing)}")];
    }

    static string? Comparable(object? value) => value switch
    {
        null => null,
        DateTimeOffset time => ChainFormula.UnixMicroseconds(time).ToString(),
        DateTime time => ChainFormula.UnixMicroseconds(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))).ToString(),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
