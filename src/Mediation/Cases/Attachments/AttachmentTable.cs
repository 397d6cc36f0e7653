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
/// here to the SHA-256 there.
/// </summary>
public static class AttachmentTable
{
    public const string Name = "case_attachments";

    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").NotNull().AsPrimaryKey();
        table.AddColumn<Guid>("case_id").NotNull();
        table.AddColumn("content", "bytea").NotNull();
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_case") { Columns = ["case_id"] });
        return table;
    }

    /// <summary>The bytes of one attachment of a case; null when they are not stored.</summary>
    public static async Task<byte[]?> ContentAsync(IDocumentStore store, Guid caseId, Guid attachmentId, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"select content from {store.Options.DatabaseSchemaName}.{Name} where id = $1 and case_id = $2", connection)
        {
            Parameters = { new NpgsqlParameter { Value = attachmentId }, new NpgsqlParameter { Value = caseId } },
        };
        return await command.ExecuteScalarAsync(cancellation) as byte[];
    }
}
