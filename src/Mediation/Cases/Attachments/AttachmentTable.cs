using Marten;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases.Attachments;

/// <summary>
/// <c>case_attachments</c>: the bytes of each attachment, by its id and its case. Everything else about
/// it (name, type, size, SHA-256, who added it and when) is in its <see cref="AttachmentAdded"/> event,
/// written in the same transaction; the chain covers the event, and <c>audit verify</c> holds the bytes
/// here to the SHA-256 there. The erasure of a party of the case removes the bytes and keeps the row,
/// with the moment they went (<c>erased_at</c>).
/// </summary>
public static class AttachmentTable
{
    public const string Name = "case_attachments";

    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").NotNull().AsPrimaryKey();
        table.AddColumn<Guid>("case_id").NotNull();
        // Null once erased.
        table.AddColumn("content", "bytea").AllowNulls();
        table.AddColumn("erased_at", "timestamptz").AllowNulls();
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_case") { Columns = ["case_id"] });
        // Weasel compares a column's nullability only when asked: an older table's content is NOT NULL, and the
        // schema patch must drop that for erasure to empty it. The table has no defaults to compare falsely.
        table.DetectColumnDrift = true;
        return table;
    }

    /// <summary>
    /// Queues into <paramref name="session"/>'s transaction the removal of the content of every attachment of
    /// the case not erased yet: a scan or a photo may show any party of the case, and the service cannot read it.
    /// </summary>
    public static void QueueErasure(IDocumentSession session, Guid caseId, DateTimeOffset at) =>
        session.QueueSqlCommand(
            $"update {session.DocumentStore.Options.DatabaseSchemaName}.{Name} set content = null, erased_at = ? where case_id = ? and erased_at is null",
            at, caseId);

    /// <summary>When the content of each erased attachment of the case was erased, by attachment id.</summary>
    public static async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> ErasedAsync(IQuerySession session, Guid caseId, CancellationToken cancellation)
    {
        var erased = new Dictionary<Guid, DateTimeOffset>();
        await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select id, erased_at from {session.DocumentStore.Options.DatabaseSchemaName}.{Name} where case_id = $1 and erased_at is not null", connection)
        {
            Parameters = { new NpgsqlParameter { Value = caseId } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) erased[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return erased;
    }

    /// <summary>The stored bytes of every attachment of a case, by attachment id, in one read; an emptied one is absent.</summary>
    public static async Task<IReadOnlyDictionary<Guid, byte[]>> ContentsAsync(IDocumentStore store, Guid caseId, CancellationToken cancellation)
    {
        var contents = new Dictionary<Guid, byte[]>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select id, content from {store.Options.DatabaseSchemaName}.{Name} where case_id = $1 and content is not null", connection)
        {
            Parameters = { new NpgsqlParameter { Value = caseId } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) contents[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
        return contents;
    }

    /// <summary>The bytes of one attachment of a case, and when they were erased with a party of the case; both null when there is no such row.</summary>
    public static async Task<(byte[]? Content, DateTimeOffset? ErasedAt)> ContentAsync(IDocumentStore store, Guid caseId, Guid attachmentId,
        CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select content, erased_at from {store.Options.DatabaseSchemaName}.{Name} where id = $1 and case_id = $2", connection)
        {
            Parameters = { new NpgsqlParameter { Value = attachmentId }, new NpgsqlParameter { Value = caseId } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation)) return (null, null);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }
}
