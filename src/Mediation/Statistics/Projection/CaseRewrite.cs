using JasperFx.Events;
using Mediation.Cases;
using Mediation.Cases.Correcting;

namespace Mediation.Statistics.Projection;

/// <summary>One state row of a case, in both times: valid in business time from <see cref="ValidFrom"/>, known in recording time from <see cref="KnownFrom"/>.</summary>
sealed class StateRow(DateTimeOffset validFrom, DateTimeOffset? validTo, DateTimeOffset knownFrom, StatisticalState state)
{
    public DateTimeOffset ValidFrom { get; } = validFrom;
    public DateTimeOffset? ValidTo { get; set; } = validTo;
    public DateTimeOffset KnownFrom { get; } = knownFrom;
    /// <summary>When <see cref="ValidTo"/> became known (null while the row is the case's latest state).</summary>
    public DateTimeOffset? EndedKnown { get; set; } = validTo is null ? null : knownFrom;
    /// <summary>When the row stopped being known to be true (null: it still is).</summary>
    public DateTimeOffset? KnownTo { get; set; }
    public StatisticalState State { get; } = state;
}

/// <summary>One flow of a case (filed, concluded, escalated, closed, reopened), known in recording time from <see cref="KnownFrom"/>.</summary>
sealed class FlowRow(long version, DateTimeOffset occurredAt, string flow, string nodeCode, string level, DateTimeOffset knownFrom)
{
    public long Version { get; } = version;
    public DateTimeOffset OccurredAt { get; } = occurredAt;
    public string Flow { get; } = flow;
    public string NodeCode { get; } = nodeCode;
    public string Level { get; } = level;
    public DateTimeOffset KnownFrom { get; } = knownFrom;
    public DateTimeOffset? KnownTo { get; set; }

    public bool SameAs(FlowRow other) =>
        OccurredAt == other.OccurredAt && Flow == other.Flow && NodeCode == other.NodeCode && Level == other.Level;
}

/// <summary>
/// A case's statistical rows in both times, worked out from all its events: what the batch statement
/// builds a row at a time, for a case whose history an act recorded late or a correction rewrote. The
/// events are replayed in recording order; after each, the case's acts (as corrected by then) are folded
/// in business-time order (ties in recording order) into its states over business time, and compared
/// with the states known before: a state still there stays (its end set if it had none), one no longer
/// there is superseded at that recording time, a new one is known from it. Flows likewise, by event.
/// </summary>
static class CaseRewrite
{
    public static (List<StateRow> rows, List<FlowRow> flows) Of(IReadOnlyList<IEvent> events, StatisticsOptions options)
    {
        var acts = new Dictionary<long, ICaseEvent>();
        var rows = new List<StateRow>();
        var flows = new List<FlowRow>();
        foreach (var e in events.OrderBy(e => e.Version))
        {
            switch (e.Data)
            {
                case ActCorrected c when acts.TryGetValue(c.CorrectedVersion, out var corrected):
                    acts[c.CorrectedVersion] = Correction.Apply(corrected, c.Changes);
                    break;
                case ActCorrected:
                    continue;
                case ICaseEvent act:
                    acts[e.Version] = act;
                    break;
                default:
                    continue;
            }
            if (!acts.Values.OfType<CaseFiled>().Any()) continue;
            var (states, known) = Timeline(acts, options);
            Compare(rows, states, e.Timestamp);
            Compare(flows, known, e.Timestamp);
        }
        // A state or flow known and superseded at the same recording time was never known at any moment.
        rows.RemoveAll(r => r.KnownTo == r.KnownFrom);
        flows.RemoveAll(f => f.KnownTo == f.KnownFrom);
        return (rows, flows);
    }

    /// <summary>The case's states over business time, each from when it began, and its flows, as its acts now say.</summary>
    static (List<(DateTimeOffset from, StatisticalState state)> states, List<FlowRow> flows) Timeline(Dictionary<long, ICaseEvent> acts, StatisticsOptions options)
    {
        var (filedVersion, filed) = acts.Where(a => a.Value is CaseFiled).Select(a => (a.Key, (CaseFiled)a.Value)).First();
        var state = StatisticalState.Filed(filed);
        var states = new List<(DateTimeOffset from, StatisticalState state)> { (filed.OccurredAt, state) };
        var flows = new List<FlowRow> { new(filedVersion, filed.OccurredAt, "Filed", filed.NodeCode, filed.Level.ToString(), default) };
        foreach (var (version, act) in acts.Where(a => a.Value is not CaseFiled).OrderBy(a => a.Value.OccurredAt).ThenBy(a => a.Key))
        {
            // An extension adds its days to the due date where it stands, as the case does (a corrected receipt moves both).
            var change = act is DeadlineExtended d ? new StateChange { DueAt = state.DueAt.AddDays(d.Days) } : StateChange.Of(act, options);
            if (change is null) continue;
            state = state.With(change);
            var from = act.OccurredAt > filed.OccurredAt ? act.OccurredAt : filed.OccurredAt;
            // A state that lasts no time is not a state: the later one at the same moment replaces it.
            if (states[^1].from == from) states[^1] = (from, state);
            else states.Add((from, state));
            if (change.Flow is { } flow) flows.Add(new FlowRow(version, act.OccurredAt, flow, state.NodeCode, change.FlowLevel ?? state.Level, default));
        }
        return (states, flows);
    }

    static void Compare(List<StateRow> rows, List<(DateTimeOffset from, StatisticalState state)> states, DateTimeOffset at)
    {
        var active = rows.Where(r => r.KnownTo is null).ToList();
        for (var i = 0; i < states.Count; i++)
        {
            var (from, state) = states[i];
            DateTimeOffset? to = i + 1 < states.Count ? states[i + 1].from : null;
            var row = active.FirstOrDefault(r => r.ValidFrom == from && r.State == state);
            if (row is not null)
            {
                active.Remove(row);
                if (row.ValidTo == to) continue;
                if (row.ValidTo is null)
                {
                    row.ValidTo = to;
                    row.EndedKnown = at;
                    continue;
                }
                row.KnownTo = at;
            }
            rows.Add(new StateRow(from, to, at, state));
        }
        foreach (var gone in active) gone.KnownTo = at;
    }

    static void Compare(List<FlowRow> known, List<FlowRow> now, DateTimeOffset at)
    {
        var active = known.Where(f => f.KnownTo is null).ToDictionary(f => f.Version);
        foreach (var flow in now)
        {
            if (active.Remove(flow.Version, out var existing))
            {
                if (existing.SameAs(flow)) continue;
                existing.KnownTo = at;
            }
            known.Add(new FlowRow(flow.Version, flow.OccurredAt, flow.Flow, flow.NodeCode, flow.Level, at));
        }
        foreach (var gone in active.Values) gone.KnownTo = at;
    }
}
