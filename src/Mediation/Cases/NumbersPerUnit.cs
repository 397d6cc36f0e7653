using Marten;
using Mediation.Common;
using Mediation.Organisation;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases;

/// <summary>
/// A series of numbers a unit gives its cases' papers, counted per unit and year (an agreement's
/// <c>人调字第3号</c>, a case file's <c>人调卷字第3号</c>): a case's number is given once, the next of its unit and
/// year, and kept in the series' table (one row per case), so every later use of it finds the same number.
/// </summary>
public sealed class NumbersPerUnit(string tableName)
{
    public string TableName { get; } = tableName;

    public sealed record Number(string NodeCode, int Year, int Value);

    /// <summary>
    /// The unit that numbers a case's papers and keeps its file: the node handling it, or a grid's community (a
    /// grid is no mediation committee: its cases are mediated under the community's).
    /// </summary>
    public static string UnitOf(OrgTree tree, string handlingNodeCode) =>
        tree.Find(handlingNodeCode) is { Level: Level.Grid, ParentCode: { } community } ? community : handlingNodeCode;

    /// <summary>The series' table, created and migrated with the rest of the schema.</summary>
    public ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("case_id", "uuid").NotNull().AsPrimaryKey();
        table.AddColumn("node_code", "text").NotNull();
        table.AddColumn("year", "integer").NotNull();
        table.AddColumn("number", "integer").NotNull();
        return table;
    }

    /// <summary>
    /// The case's number, given now if it has none yet: the next of <paramref name="nodeCode"/> in the year of
    /// <paramref name="at"/> (China Standard Time). Committed on a connection of its own.
    /// </summary>
    public async Task<Number> ForAsync(IDocumentStore store, Guid caseId, string nodeCode, DateTimeOffset at, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var year = at.ToOffset(ChinaStandardTime.Offset).Year;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        // Two first numbers of one unit in one year must not both take the same next number: the
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
