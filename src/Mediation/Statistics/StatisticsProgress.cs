using Npgsql;

namespace Mediation.Statistics;

/// <summary>How far the statistics projection has come: the recording time of the earliest event it has not applied yet.</summary>
public static class StatisticsProgress
{
    /// <summary>
    /// One value: the earliest recording time among the events above the projection's progress, or null when
    /// it has applied them all. Read through the key index from the progress row: written as a subquery
    /// correlated with that row, it is planned as the few rows it finds, not as a parallel scan.
    /// </summary>
    public static string EarliestPendingSql(string schema) => $"""
        select case when p.last_seq_id is null then (select min(timestamp) from {schema}.mt_events)
                    else (select min(e.timestamp) from {schema}.mt_events e where e.seq_id > p.last_seq_id) end
        from (values (1)) v left join {schema}.mt_event_progression p on p.name = @shard
        """;

    /// <summary>The projection's row in Marten's progress table.</summary>
    public static string Shard => $"{Projection.StatisticsProjection.ProjectionName}:All";

    public static void AddShard(NpgsqlCommand command) => command.Parameters.AddWithValue("shard", Shard);

    public static DateTimeOffset? Read(object? value) => value is DateTime pending ? new DateTimeOffset(pending, TimeSpan.Zero) : null;
}
