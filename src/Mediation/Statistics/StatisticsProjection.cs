using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Mediation.Cases;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Statistics;

/// <summary>
/// The statistics read model, kept by the async daemon: each case's statistical state over business
/// time, so figures can be cut at any moment without replaying events.
/// <list type="bullet">
/// <item><c>stats_case_current</c>: one row per case, its state since <c>valid_from</c>.</item>
/// <item><c>stats_case_history</c>: the earlier states, each valid in [<c>valid_from</c>, <c>valid_to</c>).</item>
/// <item><c>stats_flows</c>: one row per flow (filed, concluded, escalated, closed, reopened) at its business time.</item>
/// </list>
/// Each event is reduced, in memory and without reading anything, to the columns it sets (or
/// counters it adds to), and each case's changes in the batch are folded in order. A whole daemon batch
/// is then applied by one set-based statement (<see cref="BatchSql"/>): every case touched has its
/// successive states computed from its stored state (or, filed in the batch, its initial one), the
/// replaced states moved into history and the last one written to the current row. The statement runs
/// inside the daemon's batch transaction, after the batches before it, so the stored state it builds on
/// is always the committed one.
/// A case's history runs forward in business time (decisions refuse otherwise), so a new state never
/// starts before the current one. See docs/read-models.md.
/// </summary>
public sealed class StatisticsProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "Statistics";
    public const string CurrentTable = "stats_case_current";
    public const string HistoryTable = "stats_case_history";
    public const string FlowTable = "stats_flows";
    public const string FlowMonthTable = "stats_flow_months";
    public const string CubeTable = "stats_cube";

    /// <summary>
    /// What a case's state adds to each settlement figure (docs/domain.md, "Statistics"): <see cref="Measure.Value"/>
    /// when <see cref="Measure.Condition"/> holds, as SQL over a state row. The one definition for the cube
    /// below and for reading state rows directly.
    /// </summary>
    public static readonly Measure[] Measures =
    [
        new("received", "counted"),
        new("concluded", "concluded"),
        new("resolved", "resolved"),
        new("concluded_disputes", "concluded and kind = 'Dispute'"),
        new("resolved_disputes", "resolved and kind = 'Dispute'"),
        new("on_time", "on_time"),
        new("visits", "counted", "visits"),
        new("satisfied", "counted", "satisfied"),
        new("basically_satisfied", "counted", "basically_satisfied"),
        new("closed", "closed"),
        new("closed_visited", "closed and visits > 0"),
        new("agreements", "agreement"),
        new("performed", "performed"),
        new("amount", "agreement", "coalesce(amount, 0)"),
        new("resolved_grid", "resolved and level = 'Grid'"),
        new("resolved_community", "resolved and level = 'Community'"),
        new("resolved_street", "resolved and level = 'Street'"),
        new("resolved_county", "resolved and level = 'County'"),
    ];

    /// <summary>A settlement figure's share of one state row: <see cref="Value"/> if <see cref="Condition"/>, else 0.</summary>
    public sealed record Measure(string Column, string Condition, string Value = "1")
    {
        /// <summary>The share of one row, as SQL (the cube nets these).</summary>
        public string Expression => Value == "1" ? $"({Condition})::int" : $"case when {Condition} then {Value} else 0 end";

        /// <summary>
        /// The sum over many rows, as SQL: a filter skips the rows that add nothing (most rows, for most
        /// figures) instead of adding a zero for each. Never null.
        /// </summary>
        public string RowSum => Value == "1" ? $"count(*) filter (where {Condition})" : $"coalesce(sum({Value}) filter (where {Condition}), 0)";

        public string SqlType => Column == "amount" ? "numeric" : "bigint";
    }

    /// <summary>
    /// The dimensions the cube is kept for, as SQL over a state row. There is no row for the total: every
    /// case has exactly one kind, so the kind rows of a month and node add up to its total (see
    /// <see cref="TotalDimension"/>), and each batch writes a fifth fewer cube rows.
    /// </summary>
    public static readonly (string dimension, string expression)[] CubeDimensions =
        [("category", "category"), ("channel", "channel"), ("kind", "kind"), ("level", "level")];

    /// <summary>The dimension whose rows are summed for a total, or a grouping the cube has no dimension for.</summary>
    public const string TotalDimension = "kind";

    /// <summary>The state columns shared by current and history rows.</summary>
    static readonly string[] StateColumns =
    [
        "received_at", "node_code", "kind", "category", "channel", "counted", "status", "level", "assignee", "due_at",
        "outcome", "successful", "concluded_at", "amount", "performance", "visits", "satisfied", "basically_satisfied",
    ];

    /// <summary>
    /// Facts derived from the state columns, stored beside them so that a report over a county-year
    /// counts booleans instead of evaluating the same comparisons on every row of every query.
    /// </summary>
    public static readonly (string column, string expression)[] Derived =
    [
        ("open", "counted and status in ('Registered', 'Accepted', 'Assigned')"),
        ("concluded", "counted and status in ('Resolved', 'Closed', 'TransferredOut')"),
        ("resolved", "counted and successful and status in ('Resolved', 'Closed')"),
        ("on_time", "coalesce(counted and status in ('Resolved', 'Closed', 'TransferredOut') and concluded_at <= due_at, false)"),
        ("closed", "counted and status = 'Closed'"),
        ("agreement", "coalesce(counted and status in ('Resolved', 'Closed', 'TransferredOut') and outcome = 'AgreementReached', false)"),
        ("performed", "coalesce(counted and status in ('Resolved', 'Closed', 'TransferredOut') and outcome = 'AgreementReached' and performance = 'Full', false)"),
    ];

    static string DerivedNames => string.Join(", ", Derived.Select(d => d.column));
    static string DerivedValues => string.Join(", ", Derived.Select(d => $"{d.expression} as {d.column}"));
    static IEnumerable<string> AllColumns => StateColumns.Concat(Derived.Select(d => d.column));

    readonly StatisticsOptions _options;
    readonly string _batchSql;

    public StatisticsProjection(string schema, StatisticsOptions options)
    {
        Name = ProjectionName;
        _options = options;
        foreach (var type in new[]
                 {
                     typeof(CaseFiled), typeof(PetitionAccepted), typeof(PetitionNotAccepted), typeof(CaseAssigned), typeof(CaseEscalated),
                     typeof(CaseSentBack), typeof(DeadlineExtended), typeof(CaseTransferredOut), typeof(CaseResolved), typeof(PerformanceRecorded),
                     typeof(FollowUpRecorded), typeof(CaseClosed), typeof(CaseReopened), typeof(PetitionReviewRequested),
                 })
            IncludeType(type);

        Options.TeardownDataOnRebuild = true;
        // Pages of 10,000 events: catch-up of 113,000 events (bench/catchup.sh) 13,400 events/s at 4,000 per
        // page, 19,000-20,700 at 10,000; 15,000 per page caught up no faster and slowed the rebuild from 22 s
        // to 35 s (its event reads took 0.56 s a page instead of 0.03 s).
        // The daemon loads the next page when a page is written, and another whenever new events raise the
        // high-water mark, while fewer than this many events wait: the default of 5,000 is less than a page,
        // so new events arriving during a catch-up could never start a load early. A standing backlog is
        // still read and written in turn, one page at a time (PostgreSQL's log: each page's events are read
        // right after the previous page commits).
        Options.BatchSize = 10000;
        Options.MaximumHopperSize = 3 * Options.BatchSize;
        foreach (var table in new[] { CurrentTable, HistoryTable, FlowTable, FlowMonthTable, CubeTable }) Options.DeleteDataInTableOnTeardown($"{schema}.{table}");

        _batchSql = BatchSql(schema);
    }

    /// <summary>
    /// The class of a history row's length: <c>span = k</c> means it lasted at most 2^k hours, so if it was
    /// valid at a moment t it began after t - 2^k hours. An as-of query then finds the states valid at t
    /// with one short range of the (span, valid_from) index per class (<see cref="HistoryValidAt"/>) instead
    /// of reading every state that began before t or ended after it: as of the middle of a county-year,
    /// 11,600 rows out of 368,000, where either bound alone matches more than 170,000.
    /// </summary>
    public static string SpanClass(string validFrom, string validTo) =>
        $"least(ceil(ln(greatest(date_part('epoch', {validTo} - {validFrom}) / 3600, 1)) / ln(2)), {OpenEndedSpan})::smallint";

    /// <summary>States longer than 2^15 hours (three and a half years), and rows from before the span existed.</summary>
    public const int OpenEndedSpan = 16;

    /// <summary>
    /// The history rows valid at <paramref name="moment"/>, as a FROM item named <paramref name="alias"/>: one
    /// range of the span index per class, each with an hour to spare for the rounding of the logarithm at a power of two
    /// (the open-ended class reaches back a thousand years). Written as a join over the classes rather
    /// than one condition with an OR per class, so that each range is an index-only scan (an OR makes a
    /// bitmap, which visits the table: 11,600 rows on 7,800 pages).
    /// </summary>
    public static string HistoryValidAt(string schema, string moment, string alias) =>
        $"(values {SpanReaches}) as span_class(k, reach) cross join lateral (" +
        $"select * from {schema}.{HistoryTable} r where r.span = span_class.k and r.valid_from > {moment} - span_class.reach " +
        $"and r.valid_from <= {moment} and r.valid_to > {moment}) {alias}";

    /// <summary>Each span class and how far back its rows can begin, as SQL values.</summary>
    static readonly string SpanReaches = string.Join(", ", Enumerable.Range(0, OpenEndedSpan + 1).Select(k =>
        $"({k}, interval '{(k == OpenEndedSpan ? "1000 years" : $"{(1 << k) + 1} hours")}')"));

    /// <summary>
    /// The state columns reports read (through <c>SettlementQuery.StateRows</c>): carried in the
    /// indexes the as-of reports find state rows by, so those reads never visit the tables. A report
    /// reading another column is still right, only slower.
    /// </summary>
    public static readonly string[] ReportColumns =
    [
        "received_at", "node_code", "kind", "category", "channel", "counted", "level", "visits", "satisfied", "basically_satisfied",
        "amount", "due_at", "open", "concluded", "resolved", "on_time", "closed", "agreement", "performed",
    ];

    /// <summary>The tables, for Marten to create and migrate with the rest of the schema.</summary>
    public static IEnumerable<ISchemaObject> SchemaObjects(string schema) =>
        [StateTable(schema, CurrentTable, history: false), StateTable(schema, HistoryTable, history: true), FlowsTable(schema), FlowMonthsTable(schema), CubeTable_(schema)];

    static Table StateTable(string schema, string name, bool history)
    {
        var table = new Table(new PostgresqlObjectName(schema, name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn("valid_from", "timestamptz").NotNull();
        if (history) table.AddColumn("valid_to", "timestamptz").NotNull();
        table.AddColumn("received_at", "timestamptz").NotNull();
        table.AddColumn("node_code", "varchar").NotNull();
        table.AddColumn("kind", "varchar").NotNull();
        table.AddColumn("category", "varchar").NotNull();
        table.AddColumn("channel", "varchar").NotNull();
        table.AddColumn("counted", "boolean").NotNull();
        table.AddColumn("status", "varchar").NotNull();
        table.AddColumn("level", "varchar").NotNull();
        table.AddColumn("assignee", "varchar").AllowNulls();
        table.AddColumn("due_at", "timestamptz").NotNull();
        table.AddColumn("outcome", "varchar").AllowNulls();
        table.AddColumn("successful", "boolean").NotNull();
        table.AddColumn("concluded_at", "timestamptz").AllowNulls();
        table.AddColumn("amount", "numeric").AllowNulls();
        table.AddColumn("performance", "varchar").AllowNulls();
        table.AddColumn("visits", "integer").NotNull();
        table.AddColumn("satisfied", "integer").NotNull();
        table.AddColumn("basically_satisfied", "integer").NotNull();
        // The default only lets an older table take the columns; rebuild the projection after such an upgrade.
        foreach (var (column, _) in Derived) table.AddColumn(column, "boolean").NotNull().DefaultValueByExpression("false");
        if (history)
        {
            table.ModifyColumn("valid_from").AsPrimaryKey();
            // Rows from before the column existed take the open-ended class, which every as-of query reads in full.
            table.AddColumn("span", "smallint").NotNull().DefaultValueByExpression(OpenEndedSpan.ToString());
            // The one way reports find history rows (HistoryValidAt), whatever the period: the states valid
            // at a moment are few, and read from this index alone. No index on received_at: each index is
            // written for every history row the daemon adds, and this one carries the columns reports read.
            table.Indexes.Add(new IndexDefinition($"ix_{name}_span") { Columns = ["span", "valid_from"], IncludeColumns = ["valid_to", .. ReportColumns] });
        }
        else
        {
            table.Indexes.Add(new IndexDefinition($"ix_{name}_received") { Columns = ["received_at"] });
            // As of a past moment, the cases unchanged since then are read from this index alone; "now" is its last entry.
            table.Indexes.Add(new IndexDefinition($"ix_{name}_valid_from") { Columns = ["valid_from"], IncludeColumns = ReportColumns });
            // The backlog as of now reads only this index (an index-only scan over the open cases).
            table.Indexes.Add(new IndexDefinition($"ix_{name}_open") { Columns = ["valid_from", "level", "received_at", "due_at"], Predicate = "open" });
        }
        return table;
    }

    static Table FlowsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, FlowTable, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn<long>("version").NotNull().AsPrimaryKey();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        table.AddColumn("flow", "varchar").NotNull();
        table.AddColumn("node_code", "varchar").NotNull();
        table.AddColumn("level", "varchar").NotNull();
        table.Indexes.Add(new IndexDefinition($"ix_{FlowTable}_occurred") { Columns = ["occurred_at"] });
        return table;
    }

    /// <summary>
    /// Flows counted per month of China Standard Time and node: a year's flows are twelve rows per
    /// node and kind of flow, and only the days at the edges of a period are read from stats_flows.
    /// </summary>
    static Table FlowMonthsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, FlowMonthTable, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("month", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("node_code", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("flow", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("count", "bigint").NotNull();
        table.FillFactor = UpsertFillFactor;
        return table;
    }

    /// <summary>
    /// The current state of every case summed per month of receipt (China Standard Time), node, and
    /// value of each grouping dimension: a county-year is a few thousand rows per dimension instead of a
    /// row per case. Kept in step with stats_case_current by adding each changed case's new state and
    /// subtracting its old one; it answers reports "as of now", where whole months are concerned.
    /// </summary>
    static Table CubeTable_(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, CubeTable, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("month", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("node_code", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("dimension", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("value", "varchar").NotNull().AsPrimaryKey();
        foreach (var m in Measures) table.AddColumn(m.Column, m.SqlType).NotNull();
        table.FillFactor = UpsertFillFactor;
        return table;
    }

    /// <summary>
    /// The cube and the month counts are updated in place by every batch, their keys never change: room left
    /// on each page lets PostgreSQL write the new row version beside the old one (a heap-only update), with no
    /// new index entry and the old version pruned on the next visit. Full pages made every update a move to
    /// another page, an index insert, and a table twice its live size.
    /// </summary>
    const int UpsertFillFactor = 50;

    const string MonthOfReceipt = "(date_trunc('month', received_at at time zone 'UTC' + interval '8 hours') - interval '8 hours') at time zone 'UTC'";

    /// <summary>
    /// Adds to the cube the state rows of <paramref name="rows"/> (with a column <c>sign</c>: 1 to add,
    /// -1 to take away). The rows are first netted over all dimensions at once, so a case whose
    /// command moved no figure and no dimension (an assignment, a session, a supervision order: most
    /// commands) cancels out before anything is fanned out to the five dimensions or written.
    /// </summary>
    static string AddToCube(string schema, string rows)
    {
        var measures = string.Join(", ", Measures.Select(m => m.Column));
        // Netted to int (the change one batch makes fits): sum() over bigint would accumulate in numeric, several
        // times slower and wider, and the fan-out below sums these again.
        var netted = string.Join(", ", Measures.Select(m => m.SqlType == "numeric"
            ? $"sum(sign * ({m.Expression})) as {m.Column}"
            : $"sum(sign * ({m.Expression}))::int as {m.Column}"));
        var moved = string.Join(" or ", Measures.Select(m => $"sum(sign * ({m.Expression})) <> 0"));
        var sums = string.Join(", ", Measures.Select(m => $"sum(n.{m.Column})"));
        var updates = string.Join(", ", Measures.Select(m => $"{m.Column} = {CubeTable}.{m.Column} + excluded.{m.Column}"));
        var dimensions = string.Join(", ", CubeDimensions.Select(d => $"('{d.dimension}', n.{d.expression})"));
        return $"""
            insert into {schema}.{CubeTable} (month, node_code, dimension, value, {measures})
              select n.month, n.node_code, d.dimension, d.value, {sums}
              from (
                select {MonthOfReceipt} as month, node_code, category, channel, kind, level, {netted}
                from {rows} r
                group by 1, 2, 3, 4, 5, 6
                having {moved}
              ) n cross join lateral (values {dimensions}) as d(dimension, value)
              group by 1, 2, 3, 4
              on conflict (month, node_code, dimension, value) do update set {updates}
            """;
    }

    /// <summary>Adds the flows a statement inserted (the CTE <paramref name="inserted"/>, returning occurred_at, node_code, flow) to the months.</summary>
    static string AddToMonths(string schema, string inserted) => $"""
        insert into {schema}.{FlowMonthTable} (month, node_code, flow, count)
          select (date_trunc('month', occurred_at at time zone 'UTC' + interval '8 hours') - interval '8 hours') at time zone 'UTC',
                 node_code, flow, count(*)
          from {inserted} group by 1, 2, 3
          on conflict (month, node_code, flow) do update set count = {FlowMonthTable}.count + excluded.count
        """;

    /// <summary>What one event does to a case's statistical state: the columns it sets and the counters it adds to.</summary>
    sealed class Change
    {
        public bool? Counted;
        public string? Status;
        public string? Level;
        public (string? value, bool set) Assignee;
        public DateTimeOffset? DueAt;
        public (string? value, bool set) Outcome;
        public bool? Successful;
        public (DateTimeOffset? value, bool set) ConcludedAt;
        public (decimal? value, bool set) Amount;
        public (string? value, bool set) Performance;
        public int Visits, Satisfied, Basically;
        public string? Flow;

        /// <summary>The level a flow is counted at; null: the case's level after the event.</summary>
        public string? FlowLevel;

        /// <summary>
        /// This change followed by <paramref name="next"/>: each column as the later of the two set it,
        /// counters added up. Folding a case's changes in a batch this way gives its state relative to the
        /// stored one after each event; the flow stays the event's own.
        /// </summary>
        public Change Then(Change next) => new()
        {
            Counted = next.Counted ?? Counted,
            Status = next.Status ?? Status,
            Level = next.Level ?? Level,
            Assignee = next.Assignee.set ? next.Assignee : Assignee,
            DueAt = next.DueAt ?? DueAt,
            Outcome = next.Outcome.set ? next.Outcome : Outcome,
            Successful = next.Successful ?? Successful,
            ConcludedAt = next.ConcludedAt.set ? next.ConcludedAt : ConcludedAt,
            Amount = next.Amount.set ? next.Amount : Amount,
            Performance = next.Performance.set ? next.Performance : Performance,
            Visits = Visits + next.Visits,
            Satisfied = Satisfied + next.Satisfied,
            Basically = Basically + next.Basically,
            Flow = next.Flow,
            FlowLevel = next.FlowLevel,
        };

        public Change Reopened(Level level)
        {
            Status = "Assigned";
            Outcome = (null, true);
            Successful = false;
            ConcludedAt = (null, true);
            Amount = (null, true);
            Performance = (null, true);
            Level = level.ToString();
            Flow = "Reopened";
            FlowLevel = Level;
            return this;
        }
    }

    Change? ChangeOf(object data) => data switch
    {
        PetitionAccepted a => new Change { Counted = true, Status = "Accepted", DueAt = a.DueAt },
        PetitionNotAccepted => new Change { Status = "NotAccepted" },
        CaseAssigned a => new Change { Status = "Assigned", Level = "Grid", Assignee = (a.Assignee, true) },
        CaseEscalated e => new Change { Level = e.ToLevel.ToString(), Assignee = (null, true), Flow = "Escalated", FlowLevel = e.ToLevel.ToString() },
        CaseSentBack b => new Change { Level = b.ToLevel.ToString(), Assignee = (b.ToAssignee, true) },
        DeadlineExtended d => new Change { DueAt = d.DueAt },
        CaseTransferredOut t => new Change
        {
            Status = "TransferredOut", Outcome = ("TransferredOut", true), Successful = false, ConcludedAt = (t.OccurredAt, true),
            Amount = (null, true), Performance = (null, true), Level = t.Level.ToString(), Flow = "Concluded", FlowLevel = t.Level.ToString(),
        },
        CaseResolved r => new Change
        {
            Status = "Resolved",
            Outcome = (StatisticsOptions.OutcomeCode(r.Outcome, r.Opinion), true),
            Successful = _options.IsSuccessful(r.Outcome, r.Opinion),
            ConcludedAt = (r.OccurredAt, true),
            Amount = (r.Outcome == Cases.Outcome.AgreementReached ? r.Amount ?? 0m : null, true),
            Performance = (null, true),
            Level = r.Level.ToString(),
            Flow = "Concluded",
            FlowLevel = r.Level.ToString(),
        },
        PerformanceRecorded p => new Change { Performance = (p.Result.ToString(), true) },
        FollowUpRecorded f => new Change
        {
            Visits = 1,
            Satisfied = f.Satisfaction == Satisfaction.Satisfied ? 1 : 0,
            Basically = f.Satisfaction == Satisfaction.BasicallySatisfied ? 1 : 0,
        },
        CaseClosed => new Change { Status = "Closed", Flow = "Closed" },
        CaseReopened o => new Change().Reopened(o.Level),
        // A review re-opens a petition at the level above, with the review's own deadline.
        PetitionReviewRequested v => new Change { DueAt = v.DueAt, Assignee = (null, true) }.Reopened(v.Level),
        _ => null,
    };

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var changes = events
            .Select(e => (e, change: ChangeOf(e.Data)))
            .Where(x => x.change is not null)
            .ToList();

        // Each case's changes in this batch folded in order: what they have set so far after each event, whether
        // the event is the case's first here, and when the case's next event here happens (where the state
        // after this one ends). Only the stored state is left for SQL to add.
        var sofar = new Change[changes.Count];
        var first = new bool[changes.Count];
        var nextAt = new DateTimeOffset?[changes.Count];
        var latest = new Dictionary<Guid, int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (e, change) = changes[i];
            if (latest.TryGetValue(e.StreamId, out var previous))
            {
                sofar[i] = sofar[previous].Then(change!);
                nextAt[previous] = ((ICaseEvent)e.Data).OccurredAt;
            }
            else
            {
                sofar[i] = change!;
                first[i] = true;
            }
            latest[e.StreamId] = i;
        }

        var filed = events.Where(e => e.Data is CaseFiled).ToList();
        if (filed.Count == 0 && changes.Count == 0) return Task.CompletedTask;
        var f = filed.Select(e => (CaseFiled)e.Data).ToList();

        T[] Column<T>(Func<Change, T> select) => sofar.Select(select).ToArray();
        operations.QueueSqlCommand(_batchSql,
            f.Select(x => x.CaseId).ToArray(),
            f.Select(x => x.OccurredAt).ToArray(),
            f.Select(x => x.NodeCode).ToArray(),
            f.Select(x => x.Kind.ToString()).ToArray(),
            f.Select(x => x.Category).ToArray(),
            f.Select(x => x.Channel.ToString()).ToArray(),
            f.Select(x => x.Kind != CaseKind.Petition).ToArray(),
            f.Select(x => x.Level.ToString()).ToArray(),
            f.Select(x => x.DueAt).ToArray(),
            filed.Select(e => e.Version).ToArray(),
            f.Select(x => latest.ContainsKey(x.CaseId)).ToArray(),
            changes.Select(x => x.e.StreamId).ToArray(),
            changes.Select(x => ((ICaseEvent)x.e.Data).OccurredAt).ToArray(),
            changes.Select(x => x.e.Version).ToArray(),
            nextAt, first,
            Column(c => c.Counted is not null), Column(c => c.Counted ?? false),
            Column(c => c.Status is not null), Column(c => c.Status),
            Column(c => c.Level is not null), Column(c => c.Level),
            Column(c => c.Assignee.set), Column(c => c.Assignee.value),
            Column(c => c.DueAt is not null), Column(c => c.DueAt ?? default),
            Column(c => c.Outcome.set), Column(c => c.Outcome.value),
            Column(c => c.Successful is not null), Column(c => c.Successful ?? false),
            Column(c => c.ConcludedAt.set), Column(c => c.ConcludedAt.value),
            Column(c => c.Amount.set), Column(c => c.Amount.value),
            Column(c => c.Performance.set), Column(c => c.Performance.value),
            Column(c => c.Visits), Column(c => c.Satisfied), Column(c => c.Basically),
            Column(c => c.Flow), Column(c => c.FlowLevel),
            latest.Keys.ToArray());
        return Task.CompletedTask;
    }

    /// <summary>
    /// One statement per daemon batch. <c>f</c>: the cases filed in the batch, and whether they changed in it
    /// too. <c>e</c>: per event (in batch order), its business time, when the case's next event in the batch
    /// happens, whether it is the case's first in the batch, and per column whether the case's events so far
    /// in the batch set it and to what (folded in <see cref="ApplyAsync"/>). <c>b</c>: the stored state of each
    /// case concerned, read from stats_case_current, or the initial state of a case filed in the batch.
    /// <c>s</c>: each case's state after each of its events: the value set so far, else the stored value;
    /// counters added to the stored ones. The stored state and every state but the last are valid until the
    /// next event (history; empty intervals are skipped); the last becomes current (<c>final</c>), inserted
    /// for a new case and updated for a stored one.
    /// A case filed and changed in the same batch (a backlog, a busy window) is written once, in its final
    /// state, and reaches the cube once; as two statements, filing then transitions, its current row was
    /// inserted, then updated with every index entry again, and its initial state was added to the cube and
    /// taken away again.
    /// </summary>
    static string BatchSql(string schema)
    {
        string[] set = ["counted", "status", "level", "assignee", "due_at", "outcome", "successful", "concluded_at", "amount", "performance"];
        string[] types = ["boolean", "varchar", "varchar", "varchar", "timestamptz", "varchar", "boolean", "timestamptz", "numeric", "varchar"];
        var input = string.Join(", ", set.Select((c, i) => $"?::boolean[], ?::{types[i]}[]"));
        var inputNames = string.Join(", ", set.Select(c => $"{c}_set, {c}"));
        var values = string.Join(",\n    ", set.Select(c => $"case when e.{c}_set then e.{c} else b.{c} end as {c}"));
        var columns = string.Join(", ", AllColumns);
        string Of(string alias) => string.Join(", ", AllColumns.Select(c => $"{alias}.{c}"));
        return $"""
            with f as (
              select * from unnest(?::uuid[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::boolean[], ?::varchar[], ?::timestamptz[], ?::bigint[], ?::boolean[])
                as t(case_id, received_at, node_code, kind, category, channel, counted, level, due_at, version, changed)
            ),
            e as (
              select * from unnest(?::uuid[], ?::timestamptz[], ?::bigint[], ?::timestamptz[], ?::boolean[], {input},
                                   ?::int[], ?::int[], ?::int[], ?::varchar[], ?::varchar[])
                as t(case_id, at, version, next_at, first, {inputNames}, visits_sum, satisfied_sum, basically_sum, flow, flow_level)
            ),
            -- Stored states read once by key (joined to the events instead, the planner read the whole table in
            -- key order for each join). A case filed again (never, but a replay must not count it twice) keeps
            -- its stored state.
            b as materialized (
              select case_id, valid_from, {columns}, false as new, true as changed
              from {schema}.{CurrentTable} where case_id = any(?::uuid[])
              union all
              select case_id, valid_from, {string.Join(", ", StateColumns)}, {DerivedValues}, true as new, changed from (
                select case_id, received_at as valid_from, received_at, node_code, kind, category, channel, counted, 'Registered'::varchar as status, level,
                       null::varchar as assignee, due_at, null::varchar as outcome, false as successful, null::timestamptz as concluded_at,
                       null::numeric as amount, null::varchar as performance, 0 as visits, 0 as satisfied, 0 as basically_satisfied, changed
                from f where not exists (select 1 from {schema}.{CurrentTable} c where c.case_id = f.case_id)) initial
            ),
            s as (
              select e.case_id, e.version, e.at, e.first, e.flow, e.flow_level, b.new, greatest(e.at, b.valid_from) as valid_from,
                -- greatest() skips nulls: the last state of a case in the batch has no end.
                case when e.next_at is not null then greatest(e.next_at, b.valid_from) end as valid_to,
                b.received_at, b.node_code, b.kind, b.category, b.channel,
                {values},
                b.visits + e.visits_sum as visits, b.satisfied + e.satisfied_sum as satisfied,
                b.basically_satisfied + e.basically_sum as basically_satisfied
              from e join b using (case_id)
            ),
            t as (select s.*, {DerivedValues} from s),
            final as (
              select case_id, valid_from, {columns}, new from t where valid_to is null
              union all
              select case_id, valid_from, {columns}, new from b where new and not changed
            ),
            stored_to_history as (
              insert into {schema}.{HistoryTable} (case_id, valid_from, valid_to, span, {columns})
              select b.case_id, b.valid_from, t.valid_from, {SpanClass("b.valid_from", "t.valid_from")}, {Of("b")}
              from b join t on t.case_id = b.case_id and t.first
              where b.valid_from < t.valid_from
            ),
            batch_to_history as (
              insert into {schema}.{HistoryTable} (case_id, valid_from, valid_to, span, {columns})
              select case_id, valid_from, valid_to, {SpanClass("valid_from", "valid_to")}, {columns} from t
              where valid_to is not null and valid_from < valid_to
            ),
            flows as (
              insert into {schema}.{FlowTable} (case_id, version, occurred_at, flow, node_code, level)
              select case_id, version, received_at, 'Filed', node_code, level from f
              union all
              select case_id, version, at, flow, node_code, coalesce(flow_level, level) from s where flow is not null
              on conflict do nothing
              returning occurred_at, node_code, flow
            ),
            flow_months as ({AddToMonths(schema, "flows")}
            ),
            filed as (
              insert into {schema}.{CurrentTable} (case_id, valid_from, {columns})
              select case_id, valid_from, {columns} from final where new
            ),
            cube as ({AddToCube(schema, $"(select -1 as sign, {Of("b")} from b where not b.new union all select 1 as sign, {Of("final")} from final)")})
            update {schema}.{CurrentTable} c
            set valid_from = t.valid_from, {string.Join(", ", AllColumns.Skip(5).Select(col => $"{col} = t.{col}"))}
            from final t
            where t.case_id = c.case_id and not t.new
            """;
    }
}
