using Mediation.Cases.Deadlines;
using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Organisation;

namespace Mediation.Cases;

/// <summary>A command on an existing case; <see cref="OccurredAt"/> is its business time (default: now).</summary>
public interface ICaseCommand
{
    /// <summary>The command as refusals name it ("escalate", "record a session").</summary>
    static abstract string Name { get; }

    DateTimeOffset? OccurredAt { get; }

    /// <summary>Why an act is recorded late (补录): required once it is recorded long after its business time.</summary>
    string? LateReason { get; }

    /// <summary>The business time the command asks for, where a command names it otherwise (a session's <c>heldAt</c>).</summary>
    DateTimeOffset? BusinessTime => OccurredAt;

    /// <summary>
    /// Whether the command is taken by an archived case: only a supervisor's correction is, and it reopens the
    /// file; every other command is refused while the case is archived (<see cref="Archiving.CaseFileRules.Writable"/>).
    /// </summary>
    static virtual bool ReopensArchivedFile => false;

    /// <summary>
    /// Whether the users of a department the case was dispatched to may take the command, though they do not handle
    /// the case (<see cref="Security.CurrentUser.TakesPart"/>): a department's feedback on its task.
    /// </summary>
    static virtual bool TakenFromDepartments => false;
}

/// <summary>
/// Decides what a command means for a case: the events to append, or a refusal. Pure: everything it
/// may consult is in its arguments.
/// </summary>
public delegate IReadOnlyList<ICaseEvent> CaseDecision<in TCommand>(TCommand command, MediationCase state, DecisionContext context);

/// <summary>
/// What a decision may consult besides the command and the case: the clock, the organisation tree, the
/// policies, and <see cref="At"/>, the business time the command is placed at (default: now).
/// </summary>
public sealed record DecisionContext(DateTimeOffset Now, OrgTree Org, DeadlinePolicy Deadlines)
{
    /// <summary>How far ahead of the clock a business time may lie (clocks of clerks' machines drift).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The earliest business time the service accepts at all.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, ChinaStandardTime.Offset);

    public RecordingPolicy Recording { get; init; } = new();

    /// <summary>What a case file must hold before closing, and how long an archived one is kept.</summary>
    public Archiving.CaseFilePolicy CaseFile { get; init; } = new();

    /// <summary>The months locked for nodes once their reports were sent.</summary>
    public IReadOnlyList<Periods.PeriodLock> Locks { get; init; } = [];

    /// <summary>Whether the one deciding may enter acts into a locked month (a supervisor).</summary>
    public bool MayEnterLockedPeriods { get; init; }

    /// <summary>The business time of the command being decided (<see cref="Recording.CaseTimeline"/> places it).</summary>
    public DateTimeOffset At
    {
        get => _at ?? Now;
        init => _at = value;
    }

    readonly DateTimeOffset? _at;
}
