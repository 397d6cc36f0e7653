using Marten;
using Npgsql;
using Mediation.Common;
using Mediation.Hosting;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases.Filing;

/// <summary>
/// Human-readable case numbers, <c>2026-000123</c>, counted per year of receipt in <c>case_numbers</c>, a
/// table of the schema (created and checked with the rest of it, so the service needs no right to create
/// anything when it runs). Numbers may have gaps (a refused or rolled-back filing uses one up); they are
/// never reused.
/// </summary>
public sealed class CaseNumbers : IAsyncDisposable
{
    public const string TableName = "case_numbers";

    readonly string _allocate;
    readonly string _schema;
    readonly NpgsqlDataSource _source;

    public CaseNumbers(IDocumentStore store, DatabaseServer server)
    {
        _schema = store.Options.DatabaseSchemaName;
        // One statement on a connection of its own, committed on its own: the year's row is locked only while
        // the statement runs, never for the filing's transaction, so concurrent filings hardly wait on each other.
        // A year's first number continues from the sequence earlier versions counted that year with, if the
        // database has one (null when it has none, or when it never handed out a number); once the year has
        // its row the sequence is not looked at again.
        _allocate = $"""
            with bumped as (
              update {_schema}.{TableName} set last_number = last_number + 1 where year = @year returning last_number),
            started as (
              insert into {_schema}.{TableName} as n (year, last_number)
              select @year, coalesce(pg_sequence_last_value(to_regclass(@legacy)), 0) + 1 where not exists (select from bumped)
              on conflict (year) do update set last_number = n.last_number + 1
              returning last_number)
            select last_number from bumped union all select last_number from started
            """;
        // Its commit does not wait for the WAL to reach the disk (synchronous_commit off, on these connections
        // only). That is safe: PostgreSQL writes the WAL in order and never keeps a later record without the
        // earlier ones, and a case's filing commits after its number's record. So every number a durable case
        // carries is durable; a crash can lose only the last numbers of filings that did not survive it either,
        // and those are free to be used again. Waiting here would add a disk flush to every filing.
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        connection.Options = $"{connection.Options} -c synchronous_commit=off".Trim();
        _source = NpgsqlDataSource.Create(connection);
    }

    /// <summary>The table, created and migrated with the rest of the schema.</summary>
    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("year", "integer").NotNull().AsPrimaryKey();
        table.AddColumn("last_number", "bigint").NotNull();
        return table;
    }

    /// <summary>The per-year sequence of earlier versions, which a year's first number continues from.</summary>
    public static string LegacySequence(string schema, int year) => $"{schema}.case_number_{year}";

    public async Task<string> NextAsync(DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        var year = receivedAt.ToOffset(ChinaStandardTime.Offset).Year;
        await using var connection = await _source.OpenConnectionAsync(cancellation);
        await using var next = new NpgsqlCommand(_allocate, connection);
        next.Parameters.AddWithValue("year", year);
        next.Parameters.AddWithValue("legacy", LegacySequence(_schema, year));
        var number = (long)(await next.ExecuteScalarAsync(cancellation))!;
        return $"{year}-{number:D6}";
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
