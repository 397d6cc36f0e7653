using Marten;
using Mediation.Cases.Deadlines;
using Wolverine;

namespace Mediation.Cases.Dispatching;

/// <summary>A durable scheduled check at a department task's due date, like the case's own (<see cref="DeadlineDue"/>).</summary>
public sealed record DepartmentTaskDue(Guid CaseId, string UnitCode, DateTimeOffset DueAt);

public static class DepartmentTaskWatch
{
    /// <summary>Schedules a check for each task a command opened (a dispatch), at its due date.</summary>
    public static async ValueTask ScheduleAsync(IMessageBus bus, MediationCase? before, MediationCase after, DateTimeOffset now)
    {
        foreach (var task in (after.Tasks ?? []).Where(t => t.IsOpen))
        {
            if (before?.Tasks?.Any(t => t.IsOpen && t.UnitCode == task.UnitCode && t.DueAt == task.DueAt) == true) continue;
            await bus.ScheduleAsync(new DepartmentTaskDue(after.Id, task.UnitCode, task.DueAt), task.DueAt > now ? task.DueAt : now);
        }
    }

    /// <summary>A task still open at the due date it was scheduled for is recorded overdue, once.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(DepartmentTaskDue due, MediationCase? state, DateTimeOffset now) =>
        DepartmentTask.OpenOf(state?.Tasks, due.UnitCode) is { } task && task.DueAt == due.DueAt && !task.OverdueRecorded && now >= task.DueAt
            ? [new DepartmentTaskOverdue(task.UnitCode, task.DueAt, task.DueAt)]
            : [];
}

public static class DepartmentTaskDueHandler
{
    public static Task Handle(DepartmentTaskDue message, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken cancellation) =>
        DueCheck.RunAsync(message, message.CaseId, message.DueAt, DepartmentTaskWatch.Decide, session, bus, clock, cancellation);
}
