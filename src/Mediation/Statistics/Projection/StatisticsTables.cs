using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Statistics.Projection;

/// <summary>
/// The statistics tables (docs/read-models.md), created and migrated by Marten with the rest of the schema.
/// <list type="bullet">
/// <item><c>stats_case_current</c>: one row per case, its state since <c>valid_from</c>.</item>
/// <item><c>stats_case_history</c>: the earlier states, each valid in [<c>valid_from</c>, <c>valid_to</c>).</item>
/// <item><c>stats_case_superseded</c>: states no longer known to be true, since <c>known_to</c> (a late entry or a correction rewrote the case).</item>
/// <item><c>stats_flows</c>: one row per flow (filed, concluded, escalated, closed, reopened) at its business time;
/// <c>stats_flows_superseded</c>: flows no longer known since <c>known_to</c>.</item>
/// <item><c>stats_flow_months</c> and <c>stats_cube</c>: the flows and the current states summed per month.</item>
/// </list>
/// </summary>
public static class StatisticsTables
{
    public const string Current = "stats_case_current";
    public const string History = "stats_case_history";
    public const string Superseded = "stats_case_superseded";
    public const string Flows = "stats_flows";
    public const string SupersededFlows = "stats_flows_superseded";
    public const string FlowMonths = "stats_flow_months";
    public const string Cube = "stats_cube";

    public static readonly string[] All = [Current, History, Superseded, Flows, SupersededFlows, FlowMonths, Cube];

    /// <summary>The state columns shared by current and history rows, the derived facts aside.</summary>
    public static readonly string[] StateColumns =
    [
        "received_at", "node_code", "kind", "category", "channel", "counted", "status", "level", "assignee", "due_at",
        "outcome", "successful", "concluded_at", "amount", "performance", "confirmation", "visits", "satisfied", "basically_satisfied",
        "risk", "acceptance_due_at", "decided_at", "satisfaction", "repeat_petition", "leader_assigned",
    ];

    /// <summary>The state columns, then the derived facts.</summary>
    public static IEnumerable<string> AllColumns => StateColumns.Concat(StateFacts.All.Select(d => d.column));

    /// <summary>
    /// The state columns reports read (through <see cref="StateRows.ValidAt"/>): carried in the
    /// indexes the as-of reports find state rows by, so those reads never visit the tables. A report
    /// reading another column is still right, only slower.
    /// </summary>
    public static readonly string[] ReportColumns =
    [
        "received_at", "node_code", "kind", "category", "channel", "counted", "level", "visits", "satisfied", "basically_satisfied",
        "amount", "due_at", "open", "concluded", "resolved", "on_time", "closed", "agreement", "performed", "confirmation_applied", "confirmed",
        "risk", "repeat_petition", "decided", "timely_accepted", "evaluated", "evaluated_satisfied", "leader_assigned",
    ];

    public static IEnumerable<ISchemaObject> SchemaObjects(string schema) =>
        [
            StateTable(schema, Current, history: false), StateTable(schema, History, history: true), SupersededTable(schema),
            FlowsTable(schema), SupersededFlowsTable(schema), FlowMonthsTable(schema), CubeTable(schema),
        ];

    /// <summary>
    /// The class of a history row's length: <c>span = k</c> means it lasted at most 2^k hours, so if it was
    /// valid at a moment t it began after t - 2^k hours. An as-of query then finds the states valid at t
    /// with one short range of the (span, valid_from) index per class (<see cref="HistoryValidAt"/>) instead
    /// of reading every state that began before t or ended after it: either bound alone matches a large
    /// part of the table, while the states valid at t are few.
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
    /// bitmap scan, which visits the table).
    /// </summary>
    public static string HistoryValidAt(string schema, string moment, string alias) =>
        $"(values {SpanReaches}) as span_class(k, reach) cross join lateral (" +
        $"select * from {schema}.{History} r where r.span = span_class.k and r.valid_from > {moment} - span_class.reach " +
        $"and r.valid_from <= {moment} and r.valid_to > {moment}) {alias}";

    /// <summary>Each span class and how far back its rows can begin, as SQL values.</summary>
    static readonly string SpanReaches = string.Join(", ", Enumerable.Range(0, OpenEndedSpan + 1).Select(k =>
        $"({k}, interval '{(k == OpenEndedSpan ? "1000 years" : $"{(1 << k) + 1} hours")}')"));

    /// <summary>
    /// The recording-time columns every state row has: <c>known_from</c>, when the service came to know the
    /// state (the recording time of the event that made it); and for a row whose <c>valid_to</c> is set,
    /// <c>ended_known</c>, when that end became known. Before <c>ended_known</c> the row was the case's latest
    /// state, valid on without end. Rows from before the columns existed read as known since ever.
    /// </summary>
    static void KnownColumns(Table table, bool ended)
    {
        table.AddColumn("known_from", "timestamptz").NotNull().DefaultValueByExpression("'-infinity'");
        if (ended) table.AddColumn("ended_known", "timestamptz").NotNull().DefaultValueByExpression("'-infinity'");
    }

    static Table StateTable(string schema, string name, bool history)
    {
        var table = new Table(new PostgresqlObjectName(schema, name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn("valid_from", "timestamptz").NotNull();
        if (history) table.AddColumn("valid_to", "timestamptz").NotNull();
        KnownColumns(table, ended: history);
        StateColumnsOf(table);
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
            table.Indexes.Add(new IndexDefinition($"ix_{name}_open") { Columns = ["valid_from", "level", "received_at", "due_at", "risk"], Predicate = "open" });
        }
        return table;
    }

    static void StateColumnsOf(Table table)
    {
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
        // The judicial confirmation of the agreement: Applied, then the ruling (Confirmed or Rejected); null without an application.
        table.AddColumn("confirmation", "varchar").AllowNulls();
        table.AddColumn("visits", "integer").NotNull();
        table.AddColumn("satisfied", "integer").NotNull();
        table.AddColumn("basically_satisfied", "integer").NotNull();
        // The defaults only let an older table take the columns; rebuild the projection after such an upgrade.
        table.AddColumn("risk", "varchar").NotNull().DefaultValueByExpression("'Blue'");
        // A petition's deadline for the acceptance decision, and when it was decided (accepted or not).
        table.AddColumn("acceptance_due_at", "timestamptz").AllowNulls();
        table.AddColumn("decided_at", "timestamptz").AllowNulls();
        // The latest follow-up's satisfaction since the case was last concluded.
        table.AddColumn("satisfaction", "varchar").AllowNulls();
        table.AddColumn("repeat_petition", "boolean").NotNull().DefaultValueByExpression("false");
        // A leader answers for the case (领导包案).
        table.AddColumn("leader_assigned", "boolean").NotNull().DefaultValueByExpression("false");
        // The default only lets an older table take the columns; rebuild the projection after such an upgrade.
        foreach (var (column, _) in StateFacts.All) table.AddColumn(column, "boolean").NotNull().DefaultValueByExpression("false");
    }

    /// <summary>
    /// States the service once knew and knows no longer: when an act recorded late or a correction rewrites
    /// a case's history, its rows move here with <c>known_to</c>, the recording time of that act. A report
    /// as known at a moment before it still finds them; a report as known now never reads this table.
    /// </summary>
    static Table SupersededTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Superseded, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn("known_from", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("valid_from", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("valid_to", "timestamptz").AllowNulls();
        table.AddColumn("ended_known", "timestamptz").AllowNulls();
        table.AddColumn("known_to", "timestamptz").NotNull();
        StateColumnsOf(table);
        table.Indexes.Add(new IndexDefinition($"ix_{Superseded}_received") { Columns = ["received_at"] });
        return table;
    }

    static Table FlowsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Flows, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn<long>("version").NotNull().AsPrimaryKey();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        table.AddColumn("flow", "varchar").NotNull();
        table.AddColumn("node_code", "varchar").NotNull();
        table.AddColumn("level", "varchar").NotNull();
        table.AddColumn("recorded_at", "timestamptz").NotNull().DefaultValueByExpression("'-infinity'");
        table.Indexes.Add(new IndexDefinition($"ix_{Flows}_occurred") { Columns = ["occurred_at"] });
        return table;
    }

    /// <summary>Flows no longer known since <c>known_to</c> (moved by a correction of their act's time or a late act before them).</summary>
    static Table SupersededFlowsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, SupersededFlows, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull().AsPrimaryKey();
        table.AddColumn<long>("version").NotNull().AsPrimaryKey();
        table.AddColumn("known_from", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("known_to", "timestamptz").NotNull();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        table.AddColumn("flow", "varchar").NotNull();
        table.AddColumn("node_code", "varchar").NotNull();
        table.AddColumn("level", "varchar").NotNull();
        table.Indexes.Add(new IndexDefinition($"ix_{SupersededFlows}_occurred") { Columns = ["occurred_at"] });
        return table;
    }

    /// <summary>
    /// Flows counted per month of China Standard Time and node: a year's flows are twelve rows per
    /// node and kind of flow, and only the days at the edges of a period are read from stats_flows.
    /// </summary>
    static Table FlowMonthsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, FlowMonths, SchemaUtils.IdentifierUsage.General));
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
    static Table CubeTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Cube, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("month", "timestamptz").NotNull().AsPrimaryKey();
        table.AddColumn("node_code", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("dimension", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("value", "varchar").NotNull().AsPrimaryKey();
        // The default only lets an older cube take a new measure's column; rebuild the projection after such an upgrade.
        foreach (var m in Measures.All) table.AddColumn(m.Column, m.SqlType).NotNull().DefaultValueByExpression("0");
        table.FillFactor = UpsertFillFactor;
        return table;
    }

    /// <summary>
    /// The cube and the month counts are updated in place by every batch, their keys never change: room left
    /// on each page lets PostgreSQL write the new row version beside the old one (a heap-only update), with no
    /// new index entry and the old version pruned on the next visit. On a full page every update moves the
    /// row to another page and adds an index entry, and the table grows to twice its live size.
    /// </summary>
    const int UpsertFillFactor = 50;
}
