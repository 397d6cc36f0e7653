using Marten;
using Npgsql;

namespace Mediation.Security.Keys;

/// <summary>
/// First at start: the keys are loaded (or the service stops, saying which setting is missing), and the
/// token key an earlier version generated and kept in the database is deleted, so that backups taken
/// from now on hold no key. Tokens it signed are refused from then on.
/// </summary>
public sealed class KeyStartup(IServiceProvider services, IDocumentStore store, ILogger<KeyStartup> logger) : IHostedService
{
    public const string LegacySecretTable = "mt_doc_servicesecret";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rings = services.GetRequiredService<KeyRings>();
        if (rings.GeneratedInto is { } file)
            logger.LogWarning("Development: generated keys for {Rings} into {File}. Never use generated keys in Production: configure {Section} (README, Keys)",
                string.Join(", ", rings.GeneratedRings), file, KeyRings.Section);
        logger.LogInformation("Keys in force: token {Token}, chain {Chain}, data protection {DataProtection}",
            rings[KeyRings.Token].CurrentId, rings[KeyRings.Chain].CurrentId, rings[KeyRings.DataProtection].CurrentId);

        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand($"select to_regclass('{schema}.{LegacySecretTable}') is not null", connection))
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true) return;
        await using var drop = new NpgsqlCommand($"""
            drop table {schema}.{LegacySecretTable};
            do $$
            declare f regprocedure;
            begin
              for f in select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                       where n.nspname = '{schema}' and p.proname like 'mt\_%\_servicesecret' loop
                execute 'drop function ' || f;
              end loop;
            end $$;
            """, connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
        logger.LogWarning("Deleted the token signing key an earlier version kept in the database ({Table}); tokens it signed are refused, sign in again",
            $"{schema}.{LegacySecretTable}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
