using Marten;
using Mediation.Common;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases.Documents;

/// <summary>
/// The number an agreement's document carries, <c>（2026）城关街道人调字第3号</c>: counted per committee (the node
/// handling the case when the document is first generated) and year (of the agreement's effect, or of its
/// recording while it is not yet in effect, in China Standard Time). Given on first generation and kept in
/// <c>agreement_numbers</c>, so every later generation of the same agreement carries the same number.
/// </summary>
public static class AgreementNumbers
{
    public const string TableName = "agreement_numbers";

    public sealed record Number(string NodeCode, int Year, int Value)
    {
        /// <summary>The customary form: the year in full-width brackets, the committee's name, 人调字, and the number.</summary>
        public string Text(string committeeName) => $"（{Year}）{committeeName}人调字第{Value}号";
    }

    /// <summary>The table, created and migrated with the rest of the schema.</summary>
    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("case_id", "uuid").NotNull().AsPrimaryKey();
        table.AddColumn("node_code", "text").NotNull();
        table.AddColumn("year", "integer").NotNull();
        table.AddColumn("number", "integer").NotNull();
        return table;
    }

    /// <summary>The case's agreement number, given now (the next of its committee and year) if it has none yet.</summary>
    public static async Task<Number> ForAsync(IDocumentStore store, Guid caseId, string nodeCode, DateTimeOffset at, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var year = at.ToOffset(ChinaStandardTime.Offset).Year;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        // Two first generations at one committee in one year must not both take the same next number: the
        // transaction holds a lock on that counter until it commits.
        await using (var lockCounter = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext($1))", connection, transaction)
            { Parameters = { new NpgsqlParameter { Value = $"{TableName}:{nodeCode}:{year}" } } })
            await lockCounter.ExecuteNonQueryAsync(cancellation);
        await using var given = new NpgsqlCommand($"""
            insert into {schema}.{TableName} (case_id, node_code, year, number)
            select $1, $2, $3, coalesce(max(number), 0) + 1 from {schema}.{TableName} where node_code = $2 and year = $3
            on conflict (case_id) do nothing
            """, connection, transaction)
        {
            Parameters = { new NpgsqlParameter { Value = caseId }, new NpgsqlParameter { Value = nodeCode }, new NpgsqlParameter { Value = year } },
        };
        await given.ExecuteNonQueryAsync(cancellation);
        await using var read = new NpgsqlCommand($"select node_code, year, number from {schema}.{TableName} where case_id = $1", connection, transaction)
            { Parameters = { new NpgsqlParameter { Value = caseId } } };
        Number number;
        await using (var reader = await read.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            number = new Number(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
        }
        await transaction.CommitAsync(cancellation);
        return number;
    }
}
