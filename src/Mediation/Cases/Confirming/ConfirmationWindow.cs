using Marten;
using Mediation.Cases.Deadlines;
using Wolverine;

namespace Mediation.Cases.Confirming;

/// <summary>
/// A durable scheduled message for the window of judicial confirmation of the agreement that took effect
/// at <see cref="EffectiveAt"/>: the warning (<see cref="Lapse"/> false) or the window's end, due at <see cref="DueAt"/>.
/// </summary>
public sealed record ConfirmationWindowDue(Guid CaseId, DateTimeOffset EffectiveAt, DateTimeOffset EndsAt, DateTimeOffset DueAt, bool Lapse);

public static class ConfirmationWindow
{
    /// <summary>
    /// When a command made the agreement take effect (or moved when it did), the warning and the window's
    /// end are scheduled; the handler looks at the case again when they fall due.
    /// </summary>
    public static async ValueTask ScheduleAsync(IMessageBus bus, MediationCase? before, MediationCase after, DeadlinePolicy policy, DateTimeOffset now)
    {
        if (after.Agreement?.EffectiveAt is not { } effective || before?.Agreement?.EffectiveAt == effective || after.Confirmation is not null) return;
        var endsAt = effective + policy.JudicialConfirmation;
        foreach (var (dueAt, lapse) in new[] { (effective + policy.JudicialConfirmationWarning, false), (endsAt, true) })
            await bus.ScheduleAsync(new ConfirmationWindowDue(after.Id, effective, endsAt, dueAt, lapse), dueAt > now ? dueAt : now);
    }

    /// <summary>
    /// The warning, or the lapse, of the window of the agreement still in effect as it was scheduled for, with
    /// no application made: each once per window.
    /// </summary>
    public static IReadOnlyList<ICaseEvent> Decide(ConfirmationWindowDue due, MediationCase? state, DateTimeOffset now)
    {
        if (state?.Agreement?.EffectiveAt != due.EffectiveAt || state.Confirmation is not null || now < due.DueAt) return [];
        if (due.Lapse) return state.ConfirmationLapsedFor == due.EndsAt ? [] : [new ConfirmationWindowLapsed(due.EndsAt, due.DueAt)];
        return state.ConfirmationWarnedFor == due.EndsAt || state.ConfirmationLapsedFor == due.EndsAt ? [] : [new ConfirmationWindowClosing(due.EndsAt, due.DueAt)];
    }
}

public static class ConfirmationWindowDueHandler
{
    public static Task Handle(ConfirmationWindowDue message, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken cancellation) =>
        DueCheck.RunAsync(message, message.CaseId, message.DueAt, ConfirmationWindow.Decide, session, bus, clock, cancellation);
}
