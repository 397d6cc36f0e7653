using System.Collections.Concurrent;
using Marten;
using Npgsql;
using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Cases.Filing;

/// <summary>
/// Human-readable case numbers, <c>2026-000123</c>: one PostgreSQL sequence per year of receipt, so
/// concurrent filings never collide and never wait on each other. Numbers may have gaps (a refused or
/// rolled-back filing uses one up); they are never reused.
/// </summary>
public sealed class CaseNumbers(IDocumentStore store)
{
    readonly ConcurrentDictionary<int, Task> _sequences = new();

    public async Task<string> NextAsync(DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        var year = receivedAt.ToOffset(ChinaStandardTime.Offset).Year;
        var sequence = $"{store.Options.DatabaseSchemaName}.case_number_{year}";
        await _sequences.GetOrAdd(year, _ => CreateAsync(sequence));
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var next = new NpgsqlCommand($"select nextval('{sequence}')", connection);
        var number = (long)(await next.ExecuteScalarAsync(cancellation))!;
        return $"{year}-{number:D6}";
    }

    async Task CreateAsync(string sequence)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        // Two services creating the same year's sequence at once: the advisory lock makes one wait.
        await using var create = new NpgsqlCommand(
            $"select pg_advisory_xact_lock(hashtext('{sequence}')); create sequence if not exists {sequence} minvalue 1 start 1;", connection);
        await using var transaction = await connection.BeginTransactionAsync();
        create.Transaction = transaction;
        await create.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
