using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Mediation.Cases;
using Mediation.Cases.Recording;

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
/// Every state row carries its recording time too (when it became known, and when its end did), so that
/// figures can also be cut at a moment of recording (<c>knownAt</c>). A case whose batch holds an act placed
/// before one already recorded, or a correction, is instead rebuilt whole (<see cref="CaseRewrite"/>): its
/// rows replaced, the ones no longer true kept as superseded. See docs/read-models.md.
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
                     typeof(CaseSentBack), typeof(DeadlineExtended), typeof(CaseTransferredOut), typeof(CaseResolved), typeof(ConfirmationApplied),
                     typeof(ConfirmationRuled), typeof(PerformanceRecorded),
                     typeof(FollowUpRecorded), typeof(CaseClosed), typeof(CaseReopened), typeof(PetitionReviewRequested), typeof(ActCorrected),
                     typeof(RiskRegraded), typeof(LeaderAssigned),
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
        _takeAway = RewriteSql.TakeAway(schema);
        _putBack = RewriteSql.PutBack(schema);
    }

    readonly string _takeAway, _putBack;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // A case an act recorded late or a correction rewrote in this batch is rebuilt whole from its events;
        // every other case's changes are folded on, a batch at a time.
        var rewritten = events.Where(e => e.Data is ActCorrected || LateEntry.IsPlacedEarlier(e.Headers)).Select(e => e.StreamId).ToHashSet();
        if (rewritten.Count > 0)
        {
            await RewriteAsync(operations, rewritten, events[^1].Sequence, cancellation);
            events = events.Where(e => !rewritten.Contains(e.StreamId)).ToList();
        }
        Fold(operations, events);
    }

    /// <summary>Replaces every row of <paramref name="cases"/> with their rows worked out from their events up to <paramref name="through"/>.</summary>
    async Task RewriteAsync(IDocumentOperations operations, HashSet<Guid> cases, long through, CancellationToken cancellation)
    {
        var ids = cases.ToArray();
        var stored = await ((IQuerySession)operations).Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(ids) && e.Sequence <= through)
            .OrderBy(e => e.Sequence).ToListAsync(cancellation);
        var rows = new List<(Guid id, StateRow row)>();
        var flows = new List<(Guid id, FlowRow flow)>();
        foreach (var events in stored.GroupBy(e => e.StreamId))
        {
            var (caseRows, caseFlows) = CaseRewrite.Of(events.ToList(), _options);
            rows.AddRange(caseRows.Select(r => (events.Key, r)));
            flows.AddRange(caseFlows.Select(f => (events.Key, f)));
        }

        operations.QueueSqlCommand(_takeAway, Enumerable.Repeat<object>(ids, RewriteSql.TakeAwayParameters).ToArray());
        T[] Rows<T>(Func<StateRow, T> select) => rows.Select(r => select(r.row)).ToArray();
        T[] Flows<T>(Func<FlowRow, T> select) => flows.Select(f => select(f.flow)).ToArray();
        operations.QueueSqlCommand(_putBack,
            rows.Select(r => r.id).ToArray(), Rows(r => r.ValidFrom), Rows(r => r.ValidTo), Rows(r => r.KnownFrom), Rows(r => r.EndedKnown), Rows(r => r.KnownTo),
            Rows(r => r.State.ReceivedAt), Rows(r => r.State.NodeCode), Rows(r => r.State.Kind), Rows(r => r.State.Category), Rows(r => r.State.Channel),
            Rows(r => r.State.Counted), Rows(r => r.State.Status), Rows(r => r.State.Level), Rows(r => r.State.Assignee), Rows(r => r.State.DueAt),
            Rows(r => r.State.Outcome), Rows(r => r.State.Successful), Rows(r => r.State.ConcludedAt), Rows(r => r.State.Amount), Rows(r => r.State.Performance),
            Rows(r => r.State.Confirmation),
            Rows(r => r.State.Visits), Rows(r => r.State.Satisfied), Rows(r => r.State.BasicallySatisfied),
            Rows(r => r.State.Risk), Rows(r => r.State.AcceptanceDueAt), Rows(r => r.State.DecidedAt), Rows(r => r.State.Satisfaction), Rows(r => r.State.RepeatPetition),
            Rows(r => r.State.LeaderAssigned),
            flows.Select(f => f.id).ToArray(), Flows(f => f.Version), Flows(f => f.OccurredAt), Flows(f => f.Flow), Flows(f => f.NodeCode), Flows(f => f.Level),
            Flows(f => f.KnownFrom), Flows(f => f.KnownTo));
    }

    void Fold(IDocumentOperations operations, IReadOnlyList<IEvent> events)
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
        var nextRecordedAt = new DateTimeOffset?[changes.Count];
        var latest = new Dictionary<Guid, int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (e, change) = changes[i];
            if (latest.TryGetValue(e.StreamId, out var previous))
            {
                sofar[i] = sofar[previous].Then(change!);
                nextAt[previous] = ((ICaseEvent)e.Data).OccurredAt;
                nextRecordedAt[previous] = e.Timestamp;
            }
            else
            {
                sofar[i] = change!;
                first[i] = true;
            }
            latest[e.StreamId] = i;
        }

        var filed = events.Where(e => e.Data is CaseFiled).ToList();
        if (filed.Count == 0 && changes.Count == 0) return;
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
            filed.Select(e => e.Timestamp).ToArray(),
            f.Select(x => x.GradedColour().ToString()).ToArray(),
            f.Select(x => x.RepeatPetition).ToArray(),
            changes.Select(x => x.e.StreamId).ToArray(),
            changes.Select(x => ((ICaseEvent)x.e.Data).OccurredAt).ToArray(),
            changes.Select(x => x.e.Version).ToArray(),
            nextAt, first,
            changes.Select(x => x.e.Timestamp).ToArray(), nextRecordedAt,
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
            Column(c => c.Confirmation.set), Column(c => c.Confirmation.value),
            Column(c => c.Risk is not null), Column(c => c.Risk),
            Column(c => c.DecidedAt.set), Column(c => c.DecidedAt.value),
            Column(c => c.Satisfaction.set), Column(c => c.Satisfaction.value),
            Column(c => c.LeaderAssigned is not null), Column(c => c.LeaderAssigned ?? false),
            Column(c => c.Visits), Column(c => c.Satisfied), Column(c => c.Basically),
            Column(c => c.Flow), Column(c => c.FlowLevel),
            latest.Keys.ToArray());
    }
}
