using Npgsql;

namespace Mediation.Auditing.Chain;

/// <summary>A link as stored.</summary>
public sealed record StoredLink(long Version, DateTimeOffset RecordedAt, string KeyId, byte[] Hash);

/// <summary>A case's chain head as stored.</summary>
public sealed record StoredHead(long Version, string KeyId, byte[] Hash);

/// <summary>Reading events, links and heads back as PostgreSQL holds them, for verify and for the upgrade.</summary>
public static class StoredChain
{
    /// <summary>The columns of <c>mt_events</c> a link seals, in <see cref="ReadEvent"/>'s order.</summary>
    public const string EventColumns =
        "stream_id, version, id, type, mt_dotnet_type, data::text, bdata, headers::text, correlation_id, user_name, tenant_id, coalesce(is_archived, false), timestamp";

    public static SealedEvent ReadEvent(NpgsqlDataReader row) => new(
        row.GetGuid(0), row.GetInt64(1), row.GetGuid(2), row.GetString(3), Text(row, 4), row.GetString(5),
        row.IsDBNull(6) ? null : row.GetFieldValue<byte[]>(6), Text(row, 7), Text(row, 8), Text(row, 9), Text(row, 10),
        row.GetBoolean(11), row.GetFieldValue<DateTimeOffset>(12));

    public const string LinkColumns = "version, recorded_at, key_id, hash";

    public static StoredLink ReadLink(NpgsqlDataReader row, int first = 0) =>
        new(row.GetInt64(first), row.GetFieldValue<DateTimeOffset>(first + 1), row.GetString(first + 2), row.GetFieldValue<byte[]>(first + 3));

    static string? Text(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
