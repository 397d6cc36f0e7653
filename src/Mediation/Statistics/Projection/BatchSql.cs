using Mediation.Cases;

namespace Mediation.Statistics.Projection;

/// <summary>
/// The one statement that applies a daemon batch of state changes (folded by <see cref="StatisticsProjection"/>)
/// to the statistics tables. Its parameters, in order, are those <see cref="StatisticsProjection.ApplyAsync"/> queues.
/// </summary>
static class BatchSql
{
    /// <summary>
    /// One statement per daemon batch. <c>f</c>: the cases filed in the batch, and whether they changed in it
    /// too. <c>e</c>: per event (in batch order), its business time, when the case's next event in the batch
    /// happens, whether it is the case's first in the batch, and per column whether the case's events so far
    /// in the batch set it and to what. <c>b</c>: the stored state of each case concerned, read from
    /// stats_case_current, or the initial state of a case filed in the batch.
    /// <c>s</c>: each case's state after each of its events: the value set so far, else the stored value;
    /// counters added to the stored ones. The stored state and every state but the last are valid until the
    /// next event (history; empty intervals are skipped); the last becomes current (<c>final</c>), inserted
    /// for a new case and updated for a stored one.
    /// A case filed and changed in the same batch (a backlog, a busy window) is written once, in its final
    /// state, and reaches the cube once: written as filing then transitions, its current row would be
    /// inserted, then updated with every index entry again, and its initial state added to the cube and
    /// taken away again.
    /// </summary>
    public static string For(string schema)
    {
        string[] set = ["counted", "status", "level", "assignee", "due_at", "outcome", "successful", "concluded_at", "amount", "performance", "confirmation",
            "risk", "decided_at", "satisfaction", "leader_assigned"];
        string[] types = ["boolean", "varchar", "varchar", "varchar", "timestamptz", "varchar", "boolean", "timestamptz", "numeric", "varchar", "varchar",
            "varchar", "timestamptz", "varchar", "boolean"];
        var input = string.Join(", ", set.Select((c, i) => $"?::boolean[], ?::{types[i]}[]"));
        var inputNames = string.Join(", ", set.Select(c => $"{c}_set, {c}"));
        var values = string.Join(",\n    ", set.Select(c => $"case when e.{c}_set then e.{c} else b.{c} end as {c}"));
        var columns = string.Join(", ", StatisticsTables.AllColumns);
        string Of(string alias) => string.Join(", ", StatisticsTables.AllColumns.Select(c => $"{alias}.{c}"));
        var current = $"{schema}.{StatisticsTables.Current}";
        return $"""
            with f as (
              select * from unnest(?::uuid[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::boolean[], ?::varchar[], ?::timestamptz[], ?::bigint[], ?::boolean[], ?::timestamptz[],
                                   ?::varchar[], ?::boolean[])
                as t(case_id, received_at, node_code, kind, category, channel, counted, level, due_at, version, changed, recorded_at, risk, repeat_petition)
            ),
            e as (
              select * from unnest(?::uuid[], ?::timestamptz[], ?::bigint[], ?::timestamptz[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], {input},
                                   ?::int[], ?::int[], ?::int[], ?::varchar[], ?::varchar[])
                as t(case_id, at, version, next_at, first, recorded_at, next_recorded_at, {inputNames}, visits_sum, satisfied_sum, basically_sum, flow, flow_level)
            ),
            -- Stored states read once by key: joined to the events instead, the planner reads the whole table
            -- in key order for each join. A case filed again (never, but a replay must not count it twice)
            -- keeps its stored state.
            b as materialized (
              select case_id, valid_from, known_from, {columns}, false as new, true as changed
              from {current} where case_id = any(?::uuid[])
              union all
              select case_id, valid_from, known_from, {string.Join(", ", StatisticsTables.StateColumns)}, {StateFacts.Values}, true as new, changed from (
                select case_id, received_at as valid_from, recorded_at as known_from, received_at, node_code, kind, category, channel, counted, '{CaseStatus.Registered}'::varchar as status, level,
                       null::varchar as assignee, due_at, null::varchar as outcome, false as successful, null::timestamptz as concluded_at,
                       null::numeric as amount, null::varchar as performance, null::varchar as confirmation, 0 as visits, 0 as satisfied, 0 as basically_satisfied,
                       risk, case when kind = '{CaseKind.Petition}' then due_at end as acceptance_due_at, null::timestamptz as decided_at,
                       null::varchar as satisfaction, repeat_petition, false as leader_assigned, changed
                from f where not exists (select 1 from {current} c where c.case_id = f.case_id)) initial
            ),
            s as (
              select e.case_id, e.version, e.at, e.first, e.flow, e.flow_level, b.new, greatest(e.at, b.valid_from) as valid_from,
                e.recorded_at as known_from, e.next_recorded_at as ended_known,
                -- greatest() skips nulls: the last state of a case in the batch has no end.
                case when e.next_at is not null then greatest(e.next_at, b.valid_from) end as valid_to,
                b.received_at, b.node_code, b.kind, b.category, b.channel, b.acceptance_due_at, b.repeat_petition,
                {values},
                b.visits + e.visits_sum as visits, b.satisfied + e.satisfied_sum as satisfied,
                b.basically_satisfied + e.basically_sum as basically_satisfied
              from e join b using (case_id)
            ),
            t as (select s.*, {StateFacts.Values} from s),
            final as (
              select case_id, valid_from, known_from, {columns}, new from t where valid_to is null
              union all
              select case_id, valid_from, known_from, {columns}, new from b where new and not changed
            ),
            stored_to_history as (
              insert into {schema}.{StatisticsTables.History} (case_id, valid_from, valid_to, known_from, ended_known, span, {columns})
              select b.case_id, b.valid_from, t.valid_from, b.known_from, t.known_from, {StatisticsTables.SpanClass("b.valid_from", "t.valid_from")}, {Of("b")}
              from b join t on t.case_id = b.case_id and t.first
              where b.valid_from < t.valid_from
            ),
            batch_to_history as (
              insert into {schema}.{StatisticsTables.History} (case_id, valid_from, valid_to, known_from, ended_known, span, {columns})
              select case_id, valid_from, valid_to, known_from, ended_known, {StatisticsTables.SpanClass("valid_from", "valid_to")}, {columns} from t
              where valid_to is not null and valid_from < valid_to
            ),
            -- A state replaced at the same business time lasted no time there, but it was known until it was replaced.
            replaced as (
              insert into {schema}.{StatisticsTables.Superseded} (case_id, known_from, valid_from, valid_to, ended_known, known_to, {columns})
              select b.case_id, b.known_from, b.valid_from, null::timestamptz, null::timestamptz, t.known_from, {Of("b")}
              from b join t on t.case_id = b.case_id and t.first
              where b.valid_from >= t.valid_from and b.known_from < t.known_from
              union all
              select case_id, known_from, valid_from, null::timestamptz, null::timestamptz, ended_known, {columns} from t
              where valid_to is not null and valid_from >= valid_to and known_from < ended_known
              on conflict do nothing
            ),
            flows as (
              insert into {schema}.{StatisticsTables.Flows} (case_id, version, occurred_at, flow, node_code, level, recorded_at)
              select case_id, version, received_at, 'Filed', node_code, level, recorded_at from f
              union all
              select case_id, version, at, flow, node_code, coalesce(flow_level, level), known_from from s where flow is not null
              on conflict do nothing
              returning occurred_at, node_code, flow
            ),
            flow_months as ({AddToMonths(schema, "flows")}
            ),
            filed as (
              insert into {current} (case_id, valid_from, known_from, {columns})
              select case_id, valid_from, known_from, {columns} from final where new
            ),
            cube as ({AddToCube(schema, $"(select -1 as sign, {Of("b")} from b where not b.new union all select 1 as sign, {Of("final")} from final)")})
            update {current} c
            set valid_from = t.valid_from, known_from = t.known_from, {string.Join(", ", StatisticsTables.AllColumns.Skip(5).Select(col => $"{col} = t.{col}"))}
            from final t
            where t.case_id = c.case_id and not t.new
            """;
    }

    const string MonthOfReceipt = "(date_trunc('month', received_at at time zone 'UTC' + interval '8 hours') - interval '8 hours') at time zone 'UTC'";

    /// <summary>
    /// Adds to the cube the state rows of <paramref name="rows"/> (with a column <c>sign</c>: 1 to add,
    /// -1 to take away). The rows are first netted over all dimensions at once, so a case whose
    /// command moved no figure and no dimension (an assignment, a session, a supervision order: most
    /// commands) cancels out before anything is fanned out to the dimensions or written.
    /// </summary>
    public static string AddToCube(string schema, string rows)
    {
        var measures = Measures.All;
        var columns = string.Join(", ", measures.Select(m => m.Column));
        // Netted to int (the change one batch makes fits): sum() over bigint would accumulate in numeric, slower
        // and wider, and the fan-out below sums these again.
        var netted = string.Join(", ", measures.Select(m => m.SqlType == "numeric"
            ? $"sum(sign * ({m.Expression})) as {m.Column}"
            : $"sum(sign * ({m.Expression}))::int as {m.Column}"));
        var moved = string.Join(" or ", measures.Select(m => $"sum(sign * ({m.Expression})) <> 0"));
        var sums = string.Join(", ", measures.Select(m => $"sum(n.{m.Column})"));
        var updates = string.Join(", ", measures.Select(m => $"{m.Column} = {StatisticsTables.Cube}.{m.Column} + excluded.{m.Column}"));
        var dimensions = string.Join(", ", Measures.CubeDimensions.Select(d => $"('{d.dimension}', n.{d.expression})"));
        return $"""
            insert into {schema}.{StatisticsTables.Cube} (month, node_code, dimension, value, {columns})
              select n.month, n.node_code, d.dimension, d.value, {sums}
              from (
                select {MonthOfReceipt} as month, node_code, {string.Join(", ", Measures.CubeDimensions.Select(d => d.expression))}, {netted}
                from {rows} r
                group by {string.Join(", ", Enumerable.Range(1, 2 + Measures.CubeDimensions.Length))}
                having {moved}
              ) n cross join lateral (values {dimensions}) as d(dimension, value)
              group by 1, 2, 3, 4
              on conflict (month, node_code, dimension, value) do update set {updates}
            """;
    }

    /// <summary>Adds the flows a statement inserted (the CTE <paramref name="inserted"/>, returning occurred_at, node_code, flow) to the months, or with <paramref name="sign"/> -1 takes them away.</summary>
    public static string AddToMonths(string schema, string inserted, int sign = 1) => $"""
        insert into {schema}.{StatisticsTables.FlowMonths} (month, node_code, flow, count)
          select (date_trunc('month', occurred_at at time zone 'UTC' + interval '8 hours') - interval '8 hours') at time zone 'UTC',
                 node_code, flow, {sign} * count(*)
          from {inserted} group by 1, 2, 3
          on conflict (month, node_code, flow) do update set count = {StatisticsTables.FlowMonths}.count + excluded.count
        """;
}
