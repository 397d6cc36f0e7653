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
        var schema = store.Options.DatabaseSchemaName;
        var rebuilt = 0;
        while (true)
        {
            var ids = new List<Guid>();
            await using (var connection = store.Storage.Database.CreateConnection())
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(
                    $"select id from {schema}.mt_doc_mediationcase where not (data ? 'acts') limit {Page}", connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));
            }
            if (ids.Count == 0) break;
            foreach (var id in ids) await store.Advanced.RebuildSingleStreamAsync<MediationCase>(id, cancellationToken);
            rebuilt += ids.Count;
        }
        if (rebuilt > 0) logger.LogWarning("Rebuilt {Count} case snapshots stored before snapshots kept the cases' acts", rebuilt);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
