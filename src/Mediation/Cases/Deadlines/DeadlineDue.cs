using Marten;
using Wolverine;

namespace Mediation.Cases.Deadlines;

/// <summary>
/// A durable scheduled message, stored by Wolverine in PostgreSQL with the events that set the due
/// date, delivered at the due time (also after a restart).
/// </summary>
public sealed record DeadlineDue(Guid CaseId, DateTimeOffset DueAt);

public static class DeadlineWatch
{
    /// <summary>
    /// Schedules a check at the due date of a case open after a command, when the command opened it or moved
    /// its due date (filing, acceptance, an extension, a reopening or review, a late act or a correction); and
    /// the warning and the end of the window for judicial confirmation when the command made the agreement
    /// take effect, or moved when it did.
    /// </summary>
    public static async ValueTask ScheduleAsync(IMessageBus bus, MediationCase? before, MediationCase after, DeadlinePolicy policy, DateTimeOffset now)
    {
        await Confirming.ConfirmationWindow.ScheduleAsync(bus, before, after, policy, now);
        await Dispatching.DepartmentTaskWatch.ScheduleAsync(bus, before, after, now);
        if (!after.IsOpen || (before is { IsOpen: true } && before.DueAt == after.DueAt)) return;
        await bus.ScheduleAsync(new DeadlineDue(after.Id, after.DueAt), after.DueAt > now ? after.DueAt : now);
    }
}

public static class DeadlineBreach
{
    /// <summary>A case still open at the due date it was scheduled for is breached, once per due date.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(DeadlineDue due, MediationCase? state, DateTimeOffset now)
    {
        if (state is null || !state.IsOpen) return [];
        if (state.DueAt != due.DueAt || state.BreachedDueAt == state.DueAt || now < state.DueAt) return [];
        return [new DeadlineBreached(state.DueAt, state.DueAt)];
    }
}

public static class DeadlineDueHandler
{
    public static Task Handle(DeadlineDue message, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken cancellation) =>
        DueCheck.RunAsync(message, message.CaseId, message.DueAt, DeadlineBreach.Decide, session, bus, clock, cancellation);
}
