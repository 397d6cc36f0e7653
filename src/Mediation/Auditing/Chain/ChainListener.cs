using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Mediation.Security.Keys;
using Npgsql;

namespace Mediation.Auditing.Chain;

/// <summary>
/// Links every event a session appends, in the service and in the session's own transaction: Marten
/// has given the events their versions and recording times before its listeners run and builds the
/// statements after them, so the links and the head's move commit or roll back with the events. The
/// recording time is cut to microseconds here, before it is sealed, because that is what PostgreSQL
/// keeps. An append whose starting version is not known is refused rather than linked to a guess.
/// </summary>
public sealed class ChainListener(IServiceProvider services, ILogger<ChainListener> logger) : DocumentSessionListenerBase
{
    /// <summary>Beyond this many cases the remembered links are dropped and read again as needed.</summary>
    const int RememberedCases = 100_000;

    KeyRing? _ring;
    KeyRing Ring => _ring ??= services.GetRequiredService<KeyRings>()[KeyRings.Chain];

    /// <summary>
    /// The last link this process committed for each case, by version: the next command on a case
    /// usually follows it, and then needs no read. Only committed links enter it, and a link is only
    /// used for the exact version the append follows, so another instance's appends are read instead.
    /// </summary>
    readonly ConcurrentDictionary<Guid, (long Version, byte[] Hash)> _committed = new();

    readonly ConditionalWeakTable<IDocumentSession, List<(Guid Stream, long Version, byte[] Hash)>> _pending = new();

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var streams = session.PendingChanges.Streams().Where(s => s.Events.Count > 0).ToList();
        if (streams.Count == 0) return;
        foreach (var stream in streams)
        {
            if (stream.ActionType != StreamActionType.Start && stream.ExpectedVersionOnServer is null or <= 0)
                throw new InvalidOperationException(
                    $"Events appended to case {stream.Id} without the version they follow cannot be chained: fetch the stream for writing first.");
        }

        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var previous = await PreviousLinksAsync(session, schema, streams.Where(s => s.ActionType != StreamActionType.Start).ToList(), token);
        var serializer = session.DocumentStore.Options.Serializer();
        var ring = Ring;
        var key = ring.Current;

        var ids = new List<Guid>();
        var versions = new List<long>();
        var times = new List<DateTimeOffset>();
        var hashes = new List<byte[]>();
        var heads = new List<(Guid, long, byte[])>();
        foreach (var stream in streams)
        {
            var from = stream.ActionType == StreamActionType.Start ? 0 : stream.ExpectedVersionOnServer!.Value;
            byte[]? link = null;
            if (from > 0 && !previous.TryGetValue(stream.Id, out link))
                logger.LogError("Case {Case} has no chain link at version {Version}: its chain continues from a missing link (run audit verify)", stream.Id, from);
            var before = link;
            var expected = from;
            foreach (var e in stream.Events.OrderBy(e => e.Version))
            {
                if (e.Version != ++expected)
                    throw new InvalidOperationException($"Case {stream.Id}: event version {e.Version} where {expected} was due; not chained.");
                e.Timestamp = ChainFormula.Microseconds(e.Timestamp);
                link = ChainFormula.Link(key, ring.CurrentId, Sealed(stream.Id, e, serializer), link);
                ids.Add(stream.Id);
                versions.Add(e.Version);
                times.Add(e.Timestamp);
                hashes.Add(link);
            }

            var last = stream.Events.Max(e => e.Version);
            var at = stream.Events.Max(e => e.Timestamp);
            heads.Add((stream.Id, last, link!));
            if (from == 0)
                session.QueueSqlCommand($"insert into {schema}.{ChainSchema.Heads} (stream_id, version, recorded_at, key_id, hash) values (?, ?, ?, ?, ?)",
                    stream.Id, last, at, ring.CurrentId, link!);
            else if (before is not null)
                // Moved only from the link it was at: a head someone changed (or left behind a deleted link)
                // stays as they left it, for verify to see.
                session.QueueSqlCommand(
                    $"update {schema}.{ChainSchema.Heads} set version = ?, recorded_at = ?, key_id = ?, hash = ? where stream_id = ? and version = ? and hash = ?",
                    last, at, ring.CurrentId, link!, stream.Id, from, before);
        }
        session.QueueSqlCommand(
            $"insert into {schema}.{ChainSchema.Links} (stream_id, version, recorded_at, key_id, hash) " +
            "select s, v, t, ?, h from unnest(?::uuid[], ?::bigint[], ?::timestamptz[], ?::bytea[]) as l(s, v, t, h)",
            ring.CurrentId, ids.ToArray(), versions.ToArray(), times.ToArray(), hashes.ToArray());
        _pending.AddOrUpdate(session, heads);
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (!_pending.TryGetValue(session, out var heads)) return Task.CompletedTask;
        _pending.Remove(session);
        if (_committed.Count > RememberedCases) _committed.Clear();
        foreach (var (stream, version, hash) in heads) _committed[stream] = (version, hash);
        return Task.CompletedTask;
    }

    static SealedEvent Sealed(Guid streamId, IEvent e, ISerializer serializer) => new(
        streamId, e.Version, e.Id, e.EventTypeName, e.DotNetTypeName, serializer.ToJson(e.Data), null,
        serializer.ToJson(e.Headers), e.CorrelationId, e.UserName, e.TenantId, false, e.Timestamp);

    /// <summary>The link each append follows: remembered from this process's own commit, else read, all in one round trip.</summary>
    async Task<Dictionary<Guid, byte[]>> PreviousLinksAsync(IDocumentSession session, string schema, IReadOnlyList<StreamAction> appends,
        CancellationToken token)
    {
        var links = new Dictionary<Guid, byte[]>();
        var unknown = new List<StreamAction>();
        foreach (var append in appends)
            if (_committed.TryGetValue(append.Id, out var last) && last.Version == append.ExpectedVersionOnServer) links[append.Id] = last.Hash;
            else unknown.Add(append);
        if (unknown.Count == 0) return links;

        var command = new NpgsqlCommand(
            $"select l.stream_id, l.hash from {schema}.{ChainSchema.Links} l join unnest(@ids, @versions) as p(s, v) on l.stream_id = p.s and l.version = p.v");
        command.Parameters.AddWithValue("ids", unknown.Select(s => s.Id).ToArray());
        command.Parameters.AddWithValue("versions", unknown.Select(s => s.ExpectedVersionOnServer!.Value).ToArray());
        await using var reader = await session.ExecuteReaderAsync(command, token);
        while (await reader.ReadAsync(token)) links[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
        return links;
    }
}
