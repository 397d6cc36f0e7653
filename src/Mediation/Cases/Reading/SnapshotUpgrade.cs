using Marten;
using Npgsql;

namespace Mediation.Cases.Reading;

/// <summary>
/// At start: a case snapshot stored before snapshots kept the case's acts (<see cref="MediationCase.Acts"/>)
/// would fold a late act or a correction over an empty history. Such snapshots are rebuilt from their
/// streams before the service takes requests; a snapshot is derived data, so this changes no fact.
/// </summary>
public sealed class SnapshotUpgrade(IDocumentStore store, ILogger<SnapshotUpgrade> logger) : IHostedService
{
    const int Page = 1000;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_mediationcase";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        // Snapshots are rebuilt in id order and case ids grow with time, so the newest snapshot tells whether
        // any is left: one key lookup on every start, instead of reading every document.
        await using (var newest = new NpgsqlCommand($"select data ? 'acts' from {table} order by id desc limit 1", connection))
            if (await newest.ExecuteScalarAsync(cancellationToken) is not false) return;

        var rebuilt = 0;
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<(Guid id, bool current)>();
            await using (var command = new NpgsqlCommand($"select id, data ? 'acts' from {table} where id > $1 order by id limit {Page}", connection))
            {
                command.Parameters.AddWithValue(after);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) page.Add((reader.GetGuid(0), reader.GetBoolean(1)));
            }
            if (page.Count == 0) break;
            foreach (var (id, _) in page.Where(p => !p.current)) await store.Advanced.RebuildSingleStreamAsync<MediationCase>(id, cancellationToken);
            rebuilt += page.Count(p => !p.current);
            after = page[^1].id;
        }
        logger.LogWarning("Rebuilt {Count} case snapshots stored before snapshots kept the cases' acts", rebuilt);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
