using Marten;
using Mediation.Security;
using Wolverine;

namespace Mediation.Cases.Deadlines;

/// <summary>
/// What a scheduled check of a case does when delivered: decide on the case as it is now, and record what is due.
/// An archived case takes nothing, the service's own observations included: a check falling due while it is
/// archived records nothing, then or after its file is reopened (an archived case is closed, so no handling
/// deadline can fall due; what is left is the warning and lapse of a confirmation window still running).
/// </summary>
public static class DueCheck
{
    public delegate IReadOnlyList<ICaseEvent> Decision<in TMessage>(TMessage message, MediationCase? state, DateTimeOffset now);

    public static async Task RunAsync<TMessage>(TMessage message, Guid caseId, DateTimeOffset dueAt, Decision<TMessage> decide,
        IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken cancellation) where TMessage : notnull
    {
        if (clock.GetUtcNow() < dueAt)
        {
            // Delivered early (a clock moved): look again at the due time.
            await bus.ScheduleAsync(message, dueAt);
            return;
        }
        session.LastModifiedBy = CurrentUser.System.Name;
        var stream = await session.Events.FetchForWriting<MediationCase>(caseId, cancellation);
        if (stream.Aggregate is { IsArchived: true }) return;
        var events = decide(message, stream.Aggregate, clock.GetUtcNow());
        if (events.Count > 0) stream.AppendMany(events);
    }
}
