using Marten;
using Npgsql;

namespace Mediation.Auditing.Chain;

/// <summary>
/// At start, after Marten has created its tables (and the chain's, empty if they were missing): the
/// service refuses a database that still carries the earlier SHA-256 chain, and says so loudly when
/// cases have no chain head. It never links events it did not append.
/// </summary>
public sealed class ChainStartup(IDocumentStore store, LegacyChain legacy, ILogger<ChainStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        if (await legacy.IsPresentAsync(connection, cancellationToken)) throw new InvalidOperationException(LegacyChain.Refusal(schema));

        await using var unchained = new NpgsqlCommand(
            $"select count(*) from {schema}.mt_streams s where not exists (select 1 from {schema}.{ChainSchema.Heads} h where h.stream_id = s.id) " +
            $"and not {ChainSchema.IsTombstoneStream(schema, "s")}",
            connection) { CommandTimeout = 0 };
        if (await unchained.ExecuteScalarAsync(cancellationToken) is long count and > 0)
            logger.LogError("{Count} cases have no chain head: their chain was deleted or they were written around the service. " +
                            "Nothing is re-chained; run `audit verify` to see which", count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
