using Marten;
using Npgsql;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases.Filing;

/// <summary>
/// Human-readable case numbers, counted per county and year of receipt in <c>case_number_series</c>, a table
/// of the schema (created and checked with the rest of it, so the service needs no right to create anything
/// when it runs). While the service holds one county its numbers are <c>2026-000123</c>; once it holds
/// several (a city's), each carries its county's code, <c>KA-2026-000123</c>, so that a number names one case
/// across the service. Numbers may have gaps (a refused or rolled-back filing uses one up); they are never
/// reused.
/// </summary>
public sealed class CaseNumbers : IAsyncDisposable
{
    public const string TableName = "case_number_series";

    /// <summary>The count per year alone, of versions before counties numbered their own: a sole county continues from it.</summary>
    public const string YearTableName = "case_numbers";

    readonly string _allocate;
    readonly string _schema;
    readonly NpgsqlDataSource _source;

    public CaseNumbers(IDocumentStore store, DatabaseServer server)
    {
        _schema = store.Options.DatabaseSchemaName;
        // One statement on a connection of its own, committed on its own: the series' row is locked only while
        // the statement runs, never for the filing's transaction, so concurrent filings hardly wait on each other.
        // A sole county's first number of a year continues from what earlier versions counted that year with,
        // the year's count or else its sequence (none when the database has neither, or when it never handed out
        // a number); once the series has its row they are not looked at again.
        _allocate = $"""
            with bumped as (
              update {_schema}.{TableName} set last_number = last_number + 1 where county = @county and year = @year returning last_number),
            started as (
              insert into {_schema}.{TableName} as n (county, year, last_number)
              select @county, @year, 1 + case when @continues then coalesce(
                  (select last_number from {_schema}.{YearTableName} where year = @year), pg_sequence_last_value(to_regclass(@legacy)), 0) else 0 end
              where not exists (select from bumped)
              on conflict (county, year) do update set last_number = n.last_number + 1
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

    /// <summary>The tables, created and migrated with the rest of the schema.</summary>
    public static IEnumerable<ISchemaObject> SchemaObjects(string schema)
    {
        var series = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        series.AddColumn("county", "text").NotNull().AsPrimaryKey();
        series.AddColumn("year", "integer").NotNull().AsPrimaryKey();
        series.AddColumn("last_number", "bigint").NotNull();
        yield return series;

        var years = new Table(new PostgresqlObjectName(schema, YearTableName, SchemaUtils.IdentifierUsage.General));
        years.AddColumn("year", "integer").NotNull().AsPrimaryKey();
        years.AddColumn("last_number", "bigint").NotNull();
        yield return years;
    }

    /// <summary>The per-year sequence of still earlier versions, which a sole county's year continues from when the year has no count.</summary>
    public static string LegacySequence(string schema, int year) => $"{schema}.case_number_{year}";

    /// <summary>The next number of the county <paramref name="node"/> lies in, for a case received at <paramref name="receivedAt"/>.</summary>
    public async Task<string> NextAsync(OrgTree org, OrgNode node, DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        var county = org.CountyOf(node.Id) ?? throw new InvalidOperationException($"{node.Id} lies in no county: cases are filed at a county or below");
        var several = org.Counties > 1;
        var year = receivedAt.ToOffset(ChinaStandardTime.Offset).Year;
        await using var connection = await _source.OpenConnectionAsync(cancellation);
        await using var next = new NpgsqlCommand(_allocate, connection);
        next.Parameters.AddWithValue("county", county.Id);
        next.Parameters.AddWithValue("year", year);
        next.Parameters.AddWithValue("continues", !several);
        next.Parameters.AddWithValue("legacy", LegacySequence(_schema, year));
        var number = (long)(await next.ExecuteScalarAsync(cancellation))!;
        return several ? $"{county.Id}-{year}-{number:D6}" : $"{year}-{number:D6}";
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
