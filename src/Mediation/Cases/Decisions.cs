using Mediation.Cases.Deadlines;
using Mediation.Common;
using Mediation.Organisation;

namespace Mediation.Cases;

/// <summary>A command on an existing case; <see cref="OccurredAt"/> is its business time (default: now).</summary>
public interface ICaseCommand
{
    /// <summary>The command as refusals name it ("escalate", "record a session").</summary>
    static abstract string Name { get; }

    DateTimeOffset? OccurredAt { get; }
}

/// <summary>
/// Decides what a command means for a case: the events to append, or a refusal. Pure: everything it
/// may consult is in its arguments.
/// </summary>
public delegate IReadOnlyList<ICaseEvent> CaseDecision<in TCommand>(TCommand command, MediationCase state, DecisionContext context);

/// <summary>What a decision may consult besides the command and the case.</summary>
public sealed record DecisionContext(DateTimeOffset Now, OrgTree Org, DeadlinePolicy Deadlines)
{
    /// <summary>How far ahead of the clock a business time may lie (clocks of clerks' machines drift).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The earliest business time the service accepts at all.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, ChinaStandardTime.Offset);

    /// <summary>
    /// The business time of a command: the one given, or now. It may not lie in the future, and a
    /// case's history runs forward: nothing is dated before the case's latest recorded act.
    /// </summary>
    public DateTimeOffset BusinessTime(DateTimeOffset? requested, MediationCase state)
    {
        var at = requested ?? Now;
        if (at > Now + FutureTolerance)
            throw new CaseRefusal.InvalidField("occurredAt", RefusalCode.InTheFuture, $"must not be in the future (now is {Now.ToOffset(ChinaStandardTime.Offset):O})");
        if (at < state.LastOccurredAt)
            throw new CaseRefusal.InvalidField("occurredAt", RefusalCode.BeforeHistory,
                $"must not be earlier than the case's latest recorded event at {state.LastOccurredAt.ToOffset(ChinaStandardTime.Offset):O}: a case's history runs forward");
        return at;
    }
}
