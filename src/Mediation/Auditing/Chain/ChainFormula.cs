using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mediation.Auditing.Chain;

/// <summary>
/// One event as a link seals it: every column of its <c>mt_events</c> row that says what happened, to
/// which case, when, by whom and in which order. Business time (<c>occurredAt</c>) is inside the data.
/// </summary>
public sealed record SealedEvent(
    Guid StreamId, long Version, Guid EventId, string Type, string? DotNetType, string Data, byte[]? BinaryData,
    string? Headers, string? CorrelationId, string? UserName, string? TenantId, bool Archived, DateTimeOffset RecordedAt);

/// <summary>A case's chain as of some moment: its last link.</summary>
public sealed record ChainHead(Guid StreamId, long Version, byte[] Hash);

/// <summary>
/// The formulas of the chain. They must never change: links and digest lines are checked with them for
/// as long as they are kept. A new formula needs a new name in its first field and both kept.
/// </summary>
public static class ChainFormula
{
    public const int HashBytes = 32;

    /// <summary>PostgreSQL keeps microseconds: a time is sealed as it will be read back.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>
    /// HMAC-SHA256 under a chain key over the key's id, the previous link (none for version 1) and the
    /// event. Every field is length-prefixed, so no value can run into the next; JSON is canonical
    /// (<see cref="CanonicalJson"/>), times are microseconds since 1970.
    /// </summary>
    public static byte[] Link(byte[] key, string keyId, SealedEvent e, byte[]? previous)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Text(mac, "mediation event chain v1");
        Text(mac, keyId);
        Bytes(mac, previous);
        Id(mac, e.StreamId);
        Number(mac, e.Version);
        Id(mac, e.EventId);
        Text(mac, e.Type);
        Text(mac, e.DotNetType);
        Bytes(mac, CanonicalJson.Of(e.Data));
        Bytes(mac, e.BinaryData);
        // Marten stores absent headers as JSON null; an SQL null reads the same.
        Bytes(mac, CanonicalJson.Of(e.Headers ?? "null"));
        Text(mac, e.CorrelationId);
        Text(mac, e.UserName);
        Text(mac, e.TenantId);
        Number(mac, e.Archived ? 1 : 0);
        Number(mac, UnixMicroseconds(e.RecordedAt));
        return mac.GetHashAndReset();
    }

    /// <summary>
    /// A day's digest: HMAC-SHA256 under a chain key over the day, the number of cases and events, and
    /// every case's head as of the day's end, ordered by case id as PostgreSQL orders uuids.
    /// </summary>
    public static byte[] Digest(byte[] key, string keyId, DateOnly day, long cases, long events, IEnumerable<ChainHead> heads)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Text(mac, "mediation chain digest v1");
        Text(mac, keyId);
        Text(mac, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Number(mac, cases);
        Number(mac, events);
        foreach (var head in heads.OrderBy(h => h.StreamId, UuidOrder.Instance))
        {
            Id(mac, head.StreamId);
            Number(mac, head.Version);
            Bytes(mac, head.Hash);
        }
        return mac.GetHashAndReset();
    }

    public static long UnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    static void Text(IncrementalHash mac, string? value) => Bytes(mac, value is null ? null : Encoding.UTF8.GetBytes(value));

    static void Bytes(IncrementalHash mac, byte[]? value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value?.Length ?? -1);
        mac.AppendData(length);
        if (value is not null) mac.AppendData(value);
    }

    static void Number(IncrementalHash mac, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        mac.AppendData(bytes);
    }

    static void Id(IncrementalHash mac, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        mac.AppendData(bytes);
    }
}

/// <summary>uuids in PostgreSQL's order (their 16 bytes as written), which is not <see cref="Guid.CompareTo(Guid)"/>'s.</summary>
public sealed class UuidOrder : IComparer<Guid>
{
    public static readonly UuidOrder Instance = new();

    public int Compare(Guid x, Guid y)
    {
        Span<byte> a = stackalloc byte[16], b = stackalloc byte[16];
        x.TryWriteBytes(a, bigEndian: true, out _);
        y.TryWriteBytes(b, bigEndian: true, out _);
        return a.SequenceCompareTo(b);
    }
}
