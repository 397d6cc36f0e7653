namespace Mediation.Statistics.Projection;

/// <summary>
/// The two statements that replace the rows of cases rewritten in a daemon batch (<see cref="CaseRewrite"/>):
/// the first takes their current states out of the cube and their flows out of the months and deletes all
/// their rows; the second writes their rows and flows in both times and adds the new current states and
/// flows back. Two statements, because one statement cannot delete a row and insert its key again.
/// </summary>
static class RewriteSql
{
    /// <summary>Parameters: the rewritten cases' ids, <see cref="TakeAwayParameters"/> times (once per table).</summary>
    public const int TakeAwayParameters = 7;

    public static string TakeAway(string schema)
    {
        string Of(string alias) => string.Join(", ", StatisticsTables.AllColumns.Select(c => $"{alias}.{c}"));
        var ids = "case_id = any(?::uuid[])";
        return $"""
            with gone as materialized (select {Of("c")} from {schema}.{StatisticsTables.Current} c where c.{ids}),
            gone_flows as materialized (select occurred_at, node_code, flow from {schema}.{StatisticsTables.Flows} where {ids}),
            months as ({BatchSql.AddToMonths(schema, "gone_flows", sign: -1)}
            ),
            cube as ({BatchSql.AddToCube(schema, $"(select -1 as sign, {Of("gone")} from gone)")}),
            current_rows as (delete from {schema}.{StatisticsTables.Current} where {ids}),
            history_rows as (delete from {schema}.{StatisticsTables.History} where {ids}),
            superseded_rows as (delete from {schema}.{StatisticsTables.Superseded} where {ids}),
            flow_rows as (delete from {schema}.{StatisticsTables.Flows} where {ids})
            delete from {schema}.{StatisticsTables.SupersededFlows} where {ids}
            """;
    }

    /// <summary>
    /// Parameters: per state row its case, valid_from, valid_to, known_from, ended_known, known_to and the state
    /// columns (<see cref="StatisticsTables.StateColumns"/>); per flow its case, version, occurred_at, flow, node,
    /// level, known_from and known_to. A row or flow still known (no known_to) goes to the current, history or
    /// flows table; one no longer known to the superseded tables.
    /// </summary>
    public static string PutBack(string schema)
    {
        var state = StatisticsTables.StateColumns;
        var types = new[]
        {
            "timestamptz", "varchar", "varchar", "varchar", "varchar", "boolean", "varchar", "varchar", "varchar", "timestamptz", "varchar", "boolean",
            "timestamptz", "numeric", "varchar", "varchar", "int", "int", "int", "varchar", "timestamptz", "timestamptz", "varchar", "boolean", "boolean",
        };
        var columns = string.Join(", ", StatisticsTables.AllColumns);
        string Of(string alias) => string.Join(", ", StatisticsTables.AllColumns.Select(c => $"{alias}.{c}"));
        return $"""
            with r as (
              select * from unnest(?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                                   {string.Join(", ", types.Select(t => $"?::{t}[]"))})
                as t(case_id, valid_from, valid_to, known_from, ended_known, known_to, {string.Join(", ", state)})
            ),
            rf as materialized (select r.*, {StateFacts.Values} from r),
            current_rows as (
              insert into {schema}.{StatisticsTables.Current} (case_id, valid_from, known_from, {columns})
              select case_id, valid_from, known_from, {columns} from rf where known_to is null and valid_to is null
            ),
            history_rows as (
              insert into {schema}.{StatisticsTables.History} (case_id, valid_from, valid_to, known_from, ended_known, span, {columns})
              select case_id, valid_from, valid_to, known_from, ended_known, {StatisticsTables.SpanClass("valid_from", "valid_to")}, {columns}
              from rf where known_to is null and valid_to is not null
            ),
            superseded_rows as (
              insert into {schema}.{StatisticsTables.Superseded} (case_id, known_from, valid_from, valid_to, ended_known, known_to, {columns})
              select case_id, known_from, valid_from, valid_to, ended_known, known_to, {columns} from rf where known_to is not null
            ),
            fl as (
              select * from unnest(?::uuid[], ?::bigint[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::timestamptz[])
                as t(case_id, version, occurred_at, flow, node_code, level, known_from, known_to)
            ),
            flow_rows as (
              insert into {schema}.{StatisticsTables.Flows} (case_id, version, occurred_at, flow, node_code, level, recorded_at)
              select case_id, version, occurred_at, flow, node_code, level, known_from from fl where known_to is null
              returning occurred_at, node_code, flow
            ),
            superseded_flows as (
              insert into {schema}.{StatisticsTables.SupersededFlows} (case_id, version, known_from, known_to, occurred_at, flow, node_code, level)
              select case_id, version, known_from, known_to, occurred_at, flow, node_code, level from fl where known_to is not null
            ),
            months as ({BatchSql.AddToMonths(schema, "flow_rows")}
            )
            {BatchSql.AddToCube(schema, $"(select 1 as sign, {Of("rf")} from rf where known_to is null and valid_to is null)")}
            """;
    }
}
