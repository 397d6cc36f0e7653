using Marten;
using Mediation.Cases;
using Mediation.Statistics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mediation.Telemetry;

/// <summary>
/// Counts, every <see cref="TelemetryOptions.GaugePeriod"/>, what only the database knows: open and overdue
/// cases by level (from the case table's indexed columns) and how far the statistics projection is behind.
/// Every node counts the same database, so each reports the same values: a dashboard takes one of them.
/// </summary>
public sealed class ServiceGauges(IDocumentStore store, ServiceMetrics metrics, IOptions<TelemetryOptions> options, TimeProvider clock,
    ILogger<ServiceGauges> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.GaugePeriod, clock);
        do
        {
            try
            {
                metrics.Update(await ReadAsync(stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // The database's own health check and the requests say it is gone; the gauges keep their last values.
                logger.LogDebug("The gauges could not be counted: {Reason}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    async Task<GaugeReading> ReadAsync(CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var now = clock.GetUtcNow();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var batch = new NpgsqlBatch(connection);
        var cases = new NpgsqlBatchCommand($"""
            select level, count(*), count(*) filter (where due_at < @now)
            from {schema}.mt_doc_mediationcase where status = any(@open) group by level
            """);
        cases.Parameters.AddWithValue("now", now);
        cases.Parameters.AddWithValue("open", CaseRules.OpenStatuses.Select(s => s.ToString()).ToArray());
        // Events above the projection's progress, and when the earliest of them was recorded, in one row.
        var lag = new NpgsqlBatchCommand($"""
            select coalesce((select max(seq_id) from {schema}.mt_events), 0)
                 - coalesce((select last_seq_id from {schema}.mt_event_progression where name = @shard), 0),
                   ({StatisticsProgress.EarliestPendingSql(schema)})
            """);
        lag.Parameters.AddWithValue("shard", StatisticsProgress.Shard);
        batch.BatchCommands.Add(cases);
        batch.BatchCommands.Add(lag);

        var open = new Dictionary<Level, long>();
        var overdue = new Dictionary<Level, long>();
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (!Enum.TryParse<Level>(reader.GetString(0), out var level)) continue;
            open[level] = reader.GetInt64(1);
            overdue[level] = reader.GetInt64(2);
        }
        await reader.NextResultAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var lagEvents = Math.Max(0, reader.GetInt64(0));
        var pending = StatisticsProgress.Read(reader.IsDBNull(1) ? null : reader.GetValue(1));
        var lagSeconds = pending is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        return new GaugeReading(open, overdue, lagEvents, lagSeconds);
    }
}
