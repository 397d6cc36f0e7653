using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Mediation.Cases;

namespace Mediation.Statistics.Projection;

/// <summary>
/// The statistics read model (<see cref="StatisticsTables"/>), kept by the async daemon: each case's
/// statistical state over business time, so figures can be cut at any moment without replaying events.
/// Each event is reduced, in memory and without reading anything, to the columns it sets (or counters it
/// adds to: <see cref="StateChange"/>), and each case's changes in the batch are folded in order. A whole
/// daemon batch is then applied by one set-based statement (<see cref="BatchSql"/>): every case touched has
/// its successive states computed from its stored state (or, filed in the batch, its initial one), the
/// replaced states moved into history and the last one written to the current row. The statement runs
/// inside the daemon's batch transaction, after the batches before it, so the stored state it builds on
/// is always the committed one.
/// A case's history runs forward in business time (decisions refuse otherwise), so a new state never
/// starts before the current one. See docs/read-models.md.
/// </summary>
public sealed class StatisticsProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "Statistics";

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
        // Large pages: each is one statement, so a catch-up or a rebuild pays the statement's fixed costs
        // once per page (docs/benchmarks.md has the page sizes tried). The daemon loads the next page when a
        // page is written, and another whenever new events raise the high-water mark, while fewer than the
        // hopper's size wait: below a page, new events arriving during a catch-up could never start a load early.
        Options.BatchSize = 10000;
        Options.MaximumHopperSize = 3 * Options.BatchSize;
        foreach (var table in StatisticsTables.All) Options.DeleteDataInTableOnTeardown($"{schema}.{table}");

        _batchSql = BatchSql.For(schema);
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var changes = events
            .Select(e => (e, change: StateChange.Of(e.Data, _options)))
            .Where(x => x.change is not null)
            .ToList();

        // Each case's changes in this batch folded in order: what they have set so far after each event, whether
        // the event is the case's first here, and when the case's next event here happens (where the state
        // after this one ends). Only the stored state is left for SQL to add.
        var sofar = new StateChange[changes.Count];
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

        // The parameters of BatchSql.For, in its order.
        T[] Column<T>(Func<StateChange, T> select) => sofar.Select(select).ToArray();
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
}
