using System.Globalization;
using System.Text.RegularExpressions;
using Marten;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Security.Keys;
using Npgsql;

namespace Mediation.Auditing.Chain;

/// <summary>
/// One line a day: the date (China Standard Time), the number of cases and of events recorded up to the
/// day's end, the chain key's id, and an HMAC over every case's chain head at that moment.
/// </summary>
public sealed partial record ChainDigest(DateOnly Day, long Cases, long Events, string KeyId, string Hmac)
{
    public string Line => $"{Day:yyyy-MM-dd} cases={Cases} events={Events} key={KeyId} hmac={Hmac}";

    public static ChainDigest? Parse(string line)
    {
        var match = LinePattern().Match(line.Trim());
        return match.Success
            ? new ChainDigest(DateOnly.ParseExact(match.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value),
                long.Parse(match.Groups[3].Value), match.Groups[4].Value, match.Groups[5].Value)
            : null;
    }

    [GeneratedRegex("^(\\d{4}-\\d{2}-\\d{2}) cases=(\\d+) events=(\\d+) key=([A-Za-z0-9_]{1,32}) hmac=([0-9a-f]{64})$")]
    private static partial Regex LinePattern();
}

/// <summary>A digest line kept outside, checked against the database as it is now.</summary>
public sealed record DigestCheck(ChainDigest Digest, bool Holds, IReadOnlyList<ChainProblem> Problems);

/// <summary>
/// The daily digest: what a county prints or sends upward, so that a rewrite the per-case check cannot
/// see (a whole case deleted, a case's tail cut back to an earlier head, everything re-chained by
/// someone holding the key) is evident against a line kept outside. Each line is recomputable from the
/// links at any time later, which is how a kept line is checked.
/// </summary>
public sealed class ChainDigests(IDocumentStore store, KeyRings rings, TimeProvider clock, ILogger<ChainDigests> logger)
{
    string Schema => store.Options.DatabaseSchemaName;

    /// <summary>Every day that has ended since the last line (or since the first link), each written once and logged.</summary>
    public Task<IReadOnlyList<ChainDigest>> WriteDueAsync(CancellationToken cancellation) => WriteDueAsync(clock.GetUtcNow(), cancellation);

    /// <summary>The lines of the days that have ended by <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<ChainDigest>> WriteDueAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        var yesterday = ChinaStandardTime.DateOf(now).AddDays(-1);
        await using var connection = await OpenAsync(cancellation);
        DateOnly from;
        await using (var bounds = new NpgsqlCommand(
                         $"select (select max(day) from {Schema}.{ChainSchema.Digests}), (select min(recorded_at) from {Schema}.{ChainSchema.Links})", connection))
        await using (var reader = await bounds.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            if (reader.IsDBNull(1)) return [];
            from = reader.IsDBNull(0) ? ChinaStandardTime.DateOf(reader.GetFieldValue<DateTimeOffset>(1)) : reader.GetFieldValue<DateOnly>(0).AddDays(1);
        }
        if (from > yesterday) return [];

        var ring = rings[KeyRings.Chain];
        var days = Enumerable.Range(0, yesterday.DayNumber - from.DayNumber + 1).Select(i => (from.AddDays(i), ring.CurrentId)).ToList();
        var digests = (await ComputeAsync(connection, days, cancellation)).Values.OrderBy(d => d.Day).ToList();
        foreach (var digest in digests)
        {
            await using var insert = new NpgsqlCommand(
                $"insert into {Schema}.{ChainSchema.Digests} (day, cases, events, key_id, hmac, written_at) values ($1, $2, $3, $4, $5, $6) on conflict (day) do nothing",
                connection)
            {
                Parameters =
                {
                    new() { Value = digest.Day }, new() { Value = digest.Cases }, new() { Value = digest.Events }, new() { Value = digest.KeyId },
                    new() { Value = Convert.FromHexString(digest.Hmac) }, new() { Value = clock.GetUtcNow() },
                },
            };
            if (await insert.ExecuteNonQueryAsync(cancellation) == 1) logger.LogInformation("Chain digest {Line}", digest.Line);
        }
        return digests;
    }

    public async Task<IReadOnlyList<ChainDigest>> ListAsync(DateOnly? from, DateOnly? to, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select day, cases, events, key_id, hmac from {Schema}.{ChainSchema.Digests} where day >= $1 and day <= $2 order by day", connection)
        {
            Parameters = { new() { Value = from ?? DateOnly.MinValue }, new() { Value = to ?? DateOnly.MaxValue } },
        };
        var digests = new List<ChainDigest>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            digests.Add(new ChainDigest(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(4))));
        return digests;
    }

    /// <summary>Each line recomputed from the links as they are now, and compared with the database's own copy.</summary>
    public async Task<IReadOnlyList<DigestCheck>> CheckAsync(IReadOnlyList<ChainDigest> lines, CancellationToken cancellation)
    {
        if (lines.Count == 0) return [];
        var ring = rings[KeyRings.Chain];
        await using var connection = await OpenAsync(cancellation);
        var known = lines.Where(l => ring.Find(l.KeyId) is not null).Select(l => (l.Day, l.KeyId)).Distinct().ToList();
        var now = await ComputeAsync(connection, known, cancellation);
        var stored = (await ListAsync(lines.Min(l => l.Day), lines.Max(l => l.Day), cancellation)).ToDictionary(d => d.Day);

        return lines.Select(line =>
        {
            var problems = new List<ChainProblem>();
            if (!now.TryGetValue((line.Day, line.KeyId), out var recomputed))
                problems.Add(new(ChainProblemKind.UnknownKey, null, $"the line was made with the chain key {line.KeyId}, which is not configured"));
            else if (recomputed.Cases < line.Cases)
                problems.Add(new(ChainProblemKind.CaseMissingAgainstDigest, null,
                    $"{line.Cases - recomputed.Cases} of the {line.Cases} cases recorded by the end of {line.Day:yyyy-MM-dd} are gone ({recomputed.Events} events now, {line.Events} then)"));
            else if (recomputed.Cases > line.Cases)
                problems.Add(new(ChainProblemKind.CaseAddedAgainstDigest, null,
                    $"{recomputed.Cases - line.Cases} cases more than the line counted are recorded by the end of {line.Day:yyyy-MM-dd}"));
            else if (recomputed.Events != line.Events || recomputed.Hmac != line.Hmac)
                problems.Add(new(ChainProblemKind.HeadsDifferAgainstDigest, null,
                    $"as many cases as the line counted, other chain heads ({recomputed.Events} events now, {line.Events} then): a case was rewritten or the chain re-made"));
            if (!stored.TryGetValue(line.Day, out var copy)) problems.Add(new(ChainProblemKind.DigestRowDiffers, null, "the database has no copy of this line"));
            else if (copy != line) problems.Add(new(ChainProblemKind.DigestRowDiffers, null, $"the database's copy reads {copy.Line}"));
            return new DigestCheck(line, problems.Count == 0, problems);
        }).ToList();
    }

    /// <summary>
    /// Every case's head at the end of each day asked for, in one pass over the links in order of
    /// recording: a link recorded after a day's end is not in that day's digest.
    /// </summary>
    async Task<Dictionary<(DateOnly, string), ChainDigest>> ComputeAsync(NpgsqlConnection connection, IReadOnlyList<(DateOnly Day, string KeyId)> wanted,
        CancellationToken cancellation)
    {
        var results = new Dictionary<(DateOnly, string), ChainDigest>();
        if (wanted.Count == 0) return results;
        var days = wanted.OrderBy(w => w.Day).ToList();
        var heads = new Dictionary<Guid, ChainHead>();
        var next = 0;
        void SealUpTo(DateTimeOffset recordedAt)
        {
            for (; next < days.Count && recordedAt >= ChinaStandardTime.EndOf(days[next].Day); next++)
            {
                var (day, keyId) = days[next];
                var events = heads.Values.Sum(h => h.Version);
                var hmac = ChainFormula.Digest(rings[KeyRings.Chain].Find(keyId)!, keyId, day, heads.Count, events, heads.Values);
                results[(day, keyId)] = new ChainDigest(day, heads.Count, events, keyId, Convert.ToHexStringLower(hmac));
            }
        }

        await using var command = new NpgsqlCommand(
            $"select stream_id, version, recorded_at, hash from {Schema}.{ChainSchema.Links} where recorded_at < $1 order by recorded_at, version",
            connection) { CommandTimeout = 0, Parameters = { new() { Value = ChinaStandardTime.EndOf(days[^1].Day) } } };
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                SealUpTo(reader.GetFieldValue<DateTimeOffset>(2));
                var (stream, version) = (reader.GetGuid(0), reader.GetInt64(1));
                if (!heads.TryGetValue(stream, out var head) || head.Version < version)
                    heads[stream] = new ChainHead(stream, version, reader.GetFieldValue<byte[]>(3));
            }
        }
        SealUpTo(DateTimeOffset.MaxValue);
        return results;
    }

    async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }
}

/// <summary>Sent every day shortly after midnight China Standard Time by a Wolverine recurring schedule.</summary>
public sealed record WriteChainDigests;

public static class WriteChainDigestsHandler
{
    public const string Cron = "5 0 * * *";

    public static Task Handle(WriteChainDigests _, ChainDigests digests, CancellationToken cancellation) => digests.WriteDueAsync(cancellation);
}
