using Mediation.Common;

namespace Mediation.Cases.Recording;

/// <summary>
/// Places a command at its business time in a case's history (docs/domain.md, "Late entries"): the
/// decision is taken on the case as it stood then, and every act recorded for a later time must still be
/// allowed where it stands once the new acts are in place. Pure.
/// </summary>
public static class CaseTimeline
{
    /// <summary>The events of <paramref name="command"/> placed at its business time, or a refusal.</summary>
    public static IReadOnlyList<ICaseEvent> Decide<TCommand>(TCommand command, MediationCase state, DecisionContext context, CaseDecision<TCommand> decide)
        where TCommand : ICaseCommand
    {
        // Archived is a matter of now, not of the business time: an act dated before the archiving is refused too.
        if (!TCommand.ReopensArchivedFile) Archiving.CaseFileRules.Writable(state, TCommand.Name);
        var at = Within(command.BusinessTime ?? context.Now, state.ReceivedAt, context, "occurredAt");
        Unlocked(state.NodeCode, at, command.LateReason, context);
        if (context.Now - at > context.Recording.LateEntryAfter && string.IsNullOrWhiteSpace(command.LateReason))
            throw new CaseRefusal.InvalidField("lateReason", RefusalCode.LateEntryNeedsReason,
                $"is required: the act happened more than {context.Recording.LateEntryAfter.TotalDays:0} days before it is recorded",
                (int)context.Recording.LateEntryAfter.TotalDays);

        var then = state.AsOf(at);
        var events = decide(command, then, context with { At = at });
        var after = events.Aggregate(then, (s, e) => s.Step(e));
        CheckLater(TCommand.Name, state, after, state.Acts.Where(a => a.Event.OccurredAt > at), context);
        return events;
    }

    /// <summary>
    /// An act dated into a month locked for the node a case was filed at (or one above it) is entered only
    /// by a supervisor, and with a reason: the report sent for that month is changed by it.
    /// </summary>
    public static void Unlocked(string nodeCode, DateTimeOffset at, string? reason, DecisionContext context)
    {
        if (Periods.PeriodLocks.Covering(context.Locks, context.Org, nodeCode, at) is not { } locked) return;
        if (!context.MayEnterLockedPeriods) throw new CaseRefusal.PeriodLocked(locked);
        if (string.IsNullOrWhiteSpace(reason))
            throw new CaseRefusal.InvalidField("lateReason", RefusalCode.LockedPeriodNeedsReason,
                $"is required: {locked.Month} is locked for {locked.NodeCode} since {locked.LockedAt.ToOffset(ChinaStandardTime.Offset):O}",
                locked.Month, locked.NodeCode);
    }

    /// <summary>
    /// A business time (of a command, or a corrected one) given in <paramref name="field"/>: not ahead of the
    /// clock beyond its drift, and not before <paramref name="receivedAt"/>, when the case was received.
    /// </summary>
    public static DateTimeOffset Within(DateTimeOffset at, DateTimeOffset receivedAt, DecisionContext context, string field)
    {
        if (at > context.Now + DecisionContext.FutureTolerance)
            throw new CaseRefusal.InvalidField(field, RefusalCode.InTheFuture,
                $"must not be in the future (now is {context.Now.ToOffset(ChinaStandardTime.Offset):O})", context.Now.ToOffset(ChinaStandardTime.Offset));
        if (at < receivedAt)
            throw new CaseRefusal.InvalidField(field, RefusalCode.BeforeReceipt,
                $"must not be before the case was received ({receivedAt.ToOffset(ChinaStandardTime.Offset):O})", receivedAt.ToOffset(ChinaStandardTime.Offset));
        return at;
    }

    /// <summary>
    /// Folds <paramref name="later"/> on <paramref name="from"/>, each act checked where it stands; the first
    /// that is no longer allowed refuses <paramref name="command"/>, naming that act.
    /// </summary>
    public static MediationCase CheckLater(string command, MediationCase state, MediationCase from, IEnumerable<CaseAct> later, DecisionContext context)
    {
        var s = from;
        foreach (var act in later)
        {
            try
            {
                ActRules.Check(act.Event, s, context);
            }
            catch (CaseRefusal why)
            {
                throw new CaseRefusal.Contradicts(command, state, act, why);
            }
            s = s.Step(act.Event);
        }
        return s;
    }

    /// <summary>Every act of <paramref name="acts"/> (in business-time order, the filing first) allowed where it stands: for a correction.</summary>
    public static void CheckAll(string command, MediationCase state, IReadOnlyList<CaseAct> acts, DecisionContext context) =>
        CheckLater(command, state, new MediationCase().Step(acts[0].Event), acts.Skip(1), context);
}
