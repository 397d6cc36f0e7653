using System.Security.Cryptography;
using System.Text;
using Marten;
using Mediation.Security.Keys;
using Npgsql;
using NpgsqlTypes;

namespace Mediation.Auditing.Chain;

/// <summary>What the upgrade found in the SHA-256 chain of an earlier version, and whether it sealed it.</summary>
public sealed record LegacyUpgrade(bool Found, bool Sealed, long Cases, long Events, DateTimeOffset? FirstRecorded, DateTimeOffset? LastRecorded,
    string? HeadsFingerprint, IReadOnlyList<(Guid CaseId, long Version, string Problem)> Broken, string? Refusal);

/// <summary>
/// The event chain of earlier versions: a trigger kept a plain SHA-256 per event in <c>mt_event_chain</c>.
/// Anyone who could write to the database could recompute it, so a database that still has it is not
/// silently taken over: the service refuses to start on it, and <c>audit upgrade-chain</c> (an
/// operator's decision) first checks the old chain with its formula written out here, says what it
/// sealed, then links every existing event with the keyed chain and drops the trigger, its functions
/// and its table, in one transaction that keeps writers out.
/// </summary>
public sealed class LegacyChain(IDocumentStore store, KeyRings rings)
{
    public const string Table = "mt_event_chain", Trigger = "mt_chain_event";

    public static string Refusal(string schema) =>
        $"This database still has the SHA-256 event chain of an earlier version ({schema}.{Table} and its trigger). " +
        "The service does not take it over silently: stop every instance, then run `Mediation audit upgrade-chain` " +
        "(README, Tamper evidence), which checks the old chain, says what it sealed and links the events with the keyed chain.";

    string Schema => store.Options.DatabaseSchemaName;

    public async Task<bool> IsPresentAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select to_regclass('{Schema}.{Table}') is not null or to_regprocedure('{Schema}.{Trigger}()') is not null " +
            $"or exists (select 1 from pg_trigger where tgname = '{Trigger}' and tgrelid = to_regclass('{Schema}.mt_events'))", connection);
        return await command.ExecuteScalarAsync(cancellation) is true;
    }

    public async Task<LegacyUpgrade> UpgradeAsync(bool acceptBroken, CancellationToken cancellation)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        if (!await IsPresentAsync(connection, cancellation)) return new(false, false, 0, 0, null, null, null, [], null);

        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await Execute(connection, $"lock table {Schema}.mt_events, {Schema}.mt_streams in exclusive mode", cancellation);
        if (await Scalar(connection, $"select to_regclass('{Schema}.{Table}') is null", cancellation) is true)
            return Refused("the trigger or its function exists but its table is gone: nothing to check the events against");
        if (await Scalar(connection, $"select exists (select 1 from {Schema}.{ChainSchema.Links})", cancellation) is true)
            return Refused($"{Schema}.{ChainSchema.Links} holds links already; it must be empty to seal the events of the old chain");

        var (cases, events, first, last, broken, fingerprint) = await CheckAsync(connection, cancellation);
        if (broken.Count > 0 && !acceptBroken)
            return new(true, false, cases, events, first, last, fingerprint, broken,
                "the old chain does not hold for every case (listed); run again with --accept-broken to seal the events as they are now, keeping this list");

        await SealAsync(connection, cancellation);
        await Execute(connection, $"""
            drop trigger if exists {Trigger} on {Schema}.mt_events;
            drop function if exists {Schema}.{Trigger}();
            drop function if exists {Schema}.mt_event_hash(text, bigint, text, jsonb, timestamptz, text);
            drop table {Schema}.{Table};
            """, cancellation);
        await transaction.CommitAsync(cancellation);
        return new(true, true, cases, events, first, last, fingerprint, broken, null);

        LegacyUpgrade Refused(string why) => new(true, false, 0, 0, null, null, null, [], why);
    }

    /// <summary>The old chain checked with its own formula (written out, not the function in the database).</summary>
    async Task<(long cases, long events, DateTimeOffset? first, DateTimeOffset? last, List<(Guid, long, string)> broken, string fingerprint)> CheckAsync(
        NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"""
            with e as (select stream_id, version, type, data, timestamp, user_name from {Schema}.mt_events),
            c as (select stream_id, version, hash from {Schema}.{Table}),
            links as (
              select coalesce(e.stream_id, c.stream_id) as stream_id, coalesce(e.version, c.version) as version,
                e.stream_id is null as event_missing, c.stream_id is null as link_missing, c.hash as stored, e.timestamp,
                encode(sha256(convert_to(coalesce(lag(c.hash) over w, '') || '|' || e.version || '|' || e.type || '|' || e.data::text || '|' ||
                  extract(epoch from e.timestamp)::text || '|' || coalesce(e.user_name, ''), 'UTF8')), 'hex') as expected,
                coalesce(e.version, c.version) - coalesce(lag(coalesce(e.version, c.version)) over w, 0) as step
              from e full join c on c.stream_id = e.stream_id and c.version = e.version
              window w as (partition by coalesce(e.stream_id, c.stream_id) order by coalesce(e.version, c.version))
            )
            select stream_id, count(*) filter (where not event_missing), max(version), min(timestamp), max(timestamp),
              (array_agg(stored order by version desc))[1],
              min(version) filter (where event_missing or link_missing or stored is distinct from expected or step <> 1),
              (array_agg(case when event_missing then 'the event is missing' when link_missing then 'the event has no link'
                              when step <> 1 then 'a version is missing before it' else 'the event or its link was changed' end order by version)
                filter (where event_missing or link_missing or stored is distinct from expected or step <> 1))[1]
            from links group by stream_id order by stream_id
            """, connection) { CommandTimeout = 0 };
        long cases = 0, events = 0;
        DateTimeOffset? first = null, last = null;
        var broken = new List<(Guid, long, string)>();
        var heads = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            cases++;
            events += reader.GetInt64(1);
            if (!reader.IsDBNull(3) && (first is null || reader.GetFieldValue<DateTimeOffset>(3) < first)) first = reader.GetFieldValue<DateTimeOffset>(3);
            if (!reader.IsDBNull(4) && (last is null || reader.GetFieldValue<DateTimeOffset>(4) > last)) last = reader.GetFieldValue<DateTimeOffset>(4);
            heads.Append($"{reader.GetGuid(0)} {reader.GetInt64(2)} {(reader.IsDBNull(5) ? "-" : reader.GetString(5))}\n");
            if (!reader.IsDBNull(6)) broken.Add((reader.GetGuid(0), reader.GetInt64(6), reader.GetString(7)));
        }
        return (cases, events, first, last, broken, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(heads.ToString()))));
    }

    /// <summary>Every stored event linked with the keyed chain, as if the service had appended it, and every case's head.</summary>
    async Task SealAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var ring = rings[KeyRings.Chain];
        var links = new List<(Guid stream, long version, DateTimeOffset at, byte[] hash)>();
        await using (var read = new NpgsqlCommand($"select {StoredChain.EventColumns} from {Schema}.mt_events order by stream_id, version", connection)
                     { CommandTimeout = 0 })
        await using (var reader = await read.ExecuteReaderAsync(cancellation))
        {
            byte[]? previous = null;
            var stream = Guid.Empty;
            while (await reader.ReadAsync(cancellation))
            {
                var e = StoredChain.ReadEvent(reader);
                if (e.StreamId != stream) (stream, previous) = (e.StreamId, null);
                previous = ChainFormula.Link(ring.Current, ring.CurrentId, e, previous);
                links.Add((e.StreamId, e.Version, e.RecordedAt, previous));
            }
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
                         $"copy {Schema}.{ChainSchema.Links} (stream_id, version, recorded_at, key_id, hash) from stdin (format binary)", cancellation))
        {
            foreach (var link in links) await Row(copy, link.stream, link.version, link.at, ring.CurrentId, link.hash, cancellation);
            await copy.CompleteAsync(cancellation);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
                         $"copy {Schema}.{ChainSchema.Heads} (stream_id, version, recorded_at, key_id, hash) from stdin (format binary)", cancellation))
        {
            foreach (var head in links.GroupBy(l => l.stream).Select(g => g.MaxBy(l => l.version)))
                await Row(copy, head.stream, head.version, head.at, ring.CurrentId, head.hash, cancellation);
            await copy.CompleteAsync(cancellation);
        }
    }

    static async Task Row(NpgsqlBinaryImporter copy, Guid stream, long version, DateTimeOffset at, string keyId, byte[] hash, CancellationToken cancellation)
    {
        await copy.StartRowAsync(cancellation);
        await copy.WriteAsync(stream, NpgsqlDbType.Uuid, cancellation);
        await copy.WriteAsync(version, NpgsqlDbType.Bigint, cancellation);
        await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellation);
        await copy.WriteAsync(keyId, NpgsqlDbType.Varchar, cancellation);
        await copy.WriteAsync(hash, NpgsqlDbType.Bytea, cancellation);
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellation);
    }

    static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellation);
    }
}
