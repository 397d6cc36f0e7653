using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mediation.Statistics;

/// <summary>
/// Part of readiness: the statistics projection is running and keeping up. Degraded when the earliest
/// event it has not applied was recorded longer ago than <see cref="StatisticsOptions.ReadyLag"/> (the
/// daemon stopped, or not running on any node, or far behind); commands and case reads still work.
/// </summary>
public sealed class ProjectionHealthCheck(IDocumentStore store, IOptions<StatisticsOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? earliest;
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(StatisticsProgress.EarliestPendingSql(store.Options.DatabaseSchemaName), connection);
            StatisticsProgress.AddShard(command);
            earliest = StatisticsProgress.Read(await command.ExecuteScalarAsync(cancellationToken));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The database check says why; this one only cannot tell how far the statistics are.
            return HealthCheckResult.Unhealthy("The statistics' progress cannot be read", e);
        }
        if (earliest is not { } pending) return HealthCheckResult.Healthy();
        var lag = clock.GetUtcNow() - pending;
        return lag <= options.Value.ReadyLag
            ? HealthCheckResult.Healthy($"statistics {lag.TotalSeconds:0} s behind")
            : HealthCheckResult.Degraded($"statistics {lag.TotalSeconds:0} s behind (more than {options.Value.ReadyLag.TotalSeconds:0} s): is the projection daemon running?");
    }
}
