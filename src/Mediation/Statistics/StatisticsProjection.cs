using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Mediation.Cases;
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
/// Each event is one SQL statement that moves the current row into history and updates it. The
/// transition runs in the database, in event order, inside the daemon's batch transaction, so it
/// needs no state in memory and a batch applied twice is impossible (progress commits with it).
/// A case's history runs forward in business time (decisions refuse otherwise), so a new state never
/// starts before the current one. See docs/read-models.md.
/// </summary>
public sealed partial class StatisticsProjection : EventProjection
{
    public const string ProjectionName = "Statistics";
    public const string CurrentTable = "stats_case_current";
    public const string HistoryTable = "stats_case_history";
    public const string FlowTable = "stats_flows";

    /// <summary>The state columns shared by current and history rows.</summary>
    public static readonly string[] StateColumns =
    [
        "received_at", "node_code", "kind", "category", "channel", "counted", "status", "level", "assignee", "due_at",
        "outcome", "successful", "concluded_at", "amount", "performance", "visits", "satisfied", "basically_satisfied",
    ];

    readonly StatisticsOptions _options;
    readonly string _current;
    readonly string _history;
    readonly string _flows;
    readonly string _moveToHistory;

    public StatisticsProjection(string schema, StatisticsOptions options)
    {
        Name = ProjectionName;
        _options = options;
        _current = $"{schema}.{CurrentTable}";
        _history = $"{schema}.{HistoryTable}";
        _flows = $"{schema}.{FlowTable}";
        SchemaObjects.Add(StateTable(schema, CurrentTable, history: false));
        SchemaObjects.Add(StateTable(schema, HistoryTable, history: true));
        SchemaObjects.Add(FlowsTable(schema));
        Options.TeardownDataOnRebuild = true;
        Options.DeleteDataInTableOnTeardown(_current);
        Options.DeleteDataInTableOnTeardown(_history);
        Options.DeleteDataInTableOnTeardown(_flows);

        var columns = string.Join(", ", StateColumns);
        // Parameters 1 and 2 of every transition: the case and the business time of the event.
        _moveToHistory =
            $"insert into {_history} (case_id, valid_from, valid_to, {columns}) " +
            $"select case_id, valid_from, ?, {columns} from {_current} where case_id = ? and valid_from < ?";
    }

    static Table StateTable(string schema, string name, bool history)
    {
        var table = new Table(new PostgresqlObjectName(schema, name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("case_id").NotNull();
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
        if (history)
        {
            table.ModifyColumn("case_id").AsPrimaryKey();
            table.ModifyColumn("valid_from").AsPrimaryKey();
            table.Indexes.Add(new IndexDefinition($"ix_{name}_valid_to") { Columns = ["valid_to"] });
            table.Indexes.Add(new IndexDefinition($"ix_{name}_received") { Columns = ["received_at", "valid_to"] });
        }
        else
        {
            table.ModifyColumn("case_id").AsPrimaryKey();
            table.Indexes.Add(new IndexDefinition($"ix_{name}_received") { Columns = ["received_at"] });
            table.Indexes.Add(new IndexDefinition($"ix_{name}_assignee") { Columns = ["assignee"], Predicate = "assignee is not null" });
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

    public void Project(IEvent<CaseFiled> e, IDocumentOperations ops)
    {
        var f = e.Data;
        ops.QueueSqlCommand(
            $"insert into {_current} (case_id, valid_from, {string.Join(", ", StateColumns)}) " +
            "values (?, ?, ?, ?, ?, ?, ?, ?, 'Registered', ?, null, ?, null, false, null, null, null, 0, 0, 0) on conflict (case_id) do nothing",
            f.CaseId, f.OccurredAt, f.OccurredAt, f.NodeCode, f.Kind.ToString(), f.Category, f.Channel.ToString(),
            f.Kind != CaseKind.Petition, f.Level.ToString(), f.DueAt);
        Flow(ops, e, "Filed", f.Level);
    }

    public void Project(IEvent<PetitionAccepted> e, IDocumentOperations ops) =>
        Transition(ops, e, Sql("counted", "true"), Sql("status", "'Accepted'"), Set("due_at", e.Data.DueAt));

    public void Project(IEvent<PetitionNotAccepted> e, IDocumentOperations ops) =>
        Transition(ops, e, Sql("status", "'NotAccepted'"));

    public void Project(IEvent<CaseAssigned> e, IDocumentOperations ops) =>
        Transition(ops, e, Sql("status", "'Assigned'"), Sql("level", "'Grid'"), Set("assignee", e.Data.Assignee));

    public void Project(IEvent<CaseEscalated> e, IDocumentOperations ops)
    {
        Transition(ops, e, Set("level", e.Data.ToLevel.ToString()), Sql("assignee", "null"));
        Flow(ops, e, "Escalated", e.Data.ToLevel);
    }

    public void Project(IEvent<CaseSentBack> e, IDocumentOperations ops) =>
        Transition(ops, e, Set("level", e.Data.ToLevel.ToString()), Set("assignee", e.Data.ToAssignee));

    public void Project(IEvent<DeadlineExtended> e, IDocumentOperations ops) =>
        Transition(ops, e, Set("due_at", e.Data.DueAt));

    public void Project(IEvent<CaseTransferredOut> e, IDocumentOperations ops)
    {
        Transition(ops, e, Sql("status", "'TransferredOut'"), Sql("outcome", "'TransferredOut'"), Sql("successful", "false"),
            Set("concluded_at", e.Data.OccurredAt), Set("level", e.Data.Level.ToString()));
        Flow(ops, e, "Concluded", e.Data.Level);
    }

    public void Project(IEvent<CaseResolved> e, IDocumentOperations ops)
    {
        var r = e.Data;
        Transition(ops, e, Sql("status", "'Resolved'"), Set("outcome", StatisticsOptions.OutcomeCode(r.Outcome, r.Opinion)),
            Set("successful", _options.IsSuccessful(r.Outcome, r.Opinion)), Set("concluded_at", r.OccurredAt),
            Set("amount", r.Outcome == Outcome.AgreementReached ? r.Amount ?? 0m : null), Sql("performance", "null"),
            Set("level", r.Level.ToString()));
        Flow(ops, e, "Concluded", r.Level);
    }

    public void Project(IEvent<PerformanceRecorded> e, IDocumentOperations ops) =>
        Transition(ops, e, Set("performance", e.Data.Result.ToString()));

    public void Project(IEvent<FollowUpRecorded> e, IDocumentOperations ops) =>
        Transition(ops, e, Sql("visits", "visits + 1"),
            Sql("satisfied", e.Data.Satisfaction == Satisfaction.Satisfied ? "satisfied + 1" : "satisfied"),
            Sql("basically_satisfied", e.Data.Satisfaction == Satisfaction.BasicallySatisfied ? "basically_satisfied + 1" : "basically_satisfied"));

    public void Project(IEvent<CaseClosed> e, IDocumentOperations ops)
    {
        Transition(ops, e, Sql("status", "'Closed'"));
        FlowAtCurrentLevel(ops, e, "Closed");
    }

    public void Project(IEvent<CaseReopened> e, IDocumentOperations ops)
    {
        Transition(ops, e, [.. Reopened(e.Data.Level)]);
        Flow(ops, e, "Reopened", e.Data.Level);
    }

    /// <summary>A review re-opens a petition at the level above, with the review's own deadline.</summary>
    public void Project(IEvent<PetitionReviewRequested> e, IDocumentOperations ops)
    {
        Transition(ops, e, [.. Reopened(e.Data.Level), Set("due_at", e.Data.DueAt), Sql("assignee", "null")]);
        Flow(ops, e, "Reopened", e.Data.Level);
    }

    static Change[] Reopened(Level level) =>
    [
        Sql("status", "'Assigned'"), Sql("outcome", "null"), Sql("successful", "false"), Sql("concluded_at", "null"),
        Sql("amount", "null"), Sql("performance", "null"), Set("level", level.ToString()),
    ];

    /// <summary>A column set to a SQL expression, or (<see cref="Set"/>) to a parameter.</summary>
    readonly record struct Change(string Column, string Expression, object? Value, bool IsParameter);

    static Change Sql(string column, string expression) => new(column, expression, null, false);
    static Change Set(string column, object? value) => new(column, "?", value ?? DBNull.Value, true);

    /// <summary>
    /// Moves the case's current state into history (unless it began at this very instant) and applies
    /// <paramref name="changes"/> from the event's business time on.
    /// </summary>
    void Transition(IDocumentOperations ops, IEvent e, params Change[] changes)
    {
        var at = ((ICaseEvent)e.Data).OccurredAt;
        var sets = string.Join(", ", changes.Select(c => $"{c.Column} = {c.Expression}"));
        object[] values = [at, e.StreamId, at, .. changes.Where(c => c.IsParameter).Select(c => c.Value!), at, e.StreamId];
        ops.QueueSqlCommand(
            $"with moved as ({_moveToHistory}) update {_current} set {sets}, valid_from = greatest(valid_from, ?) where case_id = ?",
            values);
    }

    void Flow(IDocumentOperations ops, IEvent e, string flow, Level level) =>
        ops.QueueSqlCommand(
            $"insert into {_flows} (case_id, version, occurred_at, flow, node_code, level) " +
            $"select case_id, ?, ?, ?, node_code, ? from {_current} where case_id = ? on conflict do nothing",
            e.Version, ((ICaseEvent)e.Data).OccurredAt, flow, level.ToString(), e.StreamId);

    void FlowAtCurrentLevel(IDocumentOperations ops, IEvent e, string flow) =>
        ops.QueueSqlCommand(
            $"insert into {_flows} (case_id, version, occurred_at, flow, node_code, level) " +
            $"select case_id, ?, ?, ?, node_code, level from {_current} where case_id = ? on conflict do nothing",
            e.Version, ((ICaseEvent)e.Data).OccurredAt, flow, e.StreamId);
}
