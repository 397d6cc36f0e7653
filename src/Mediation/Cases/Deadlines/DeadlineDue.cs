using Marten;
using Mediation.Security;
using Wolverine;

namespace Mediation.Cases.Deadlines;

/// <summary>
/// A durable scheduled message, stored by Wolverine in PostgreSQL with the events that set the due
/// date, delivered at the due time (also after a restart).
/// </summary>
public sealed record DeadlineDue(Guid CaseId, DateTimeOffset DueAt);

public static class DeadlineWatch
{
    /// <summary>Schedules a check for every due date the new events set, and for a reopened case's.</summary>
    public static async ValueTask ScheduleAsync(IMessageBus bus, MediationCase? before, IEnumerable<ICaseEvent> events, DateTimeOffset now)
    {
        foreach (var e in events)
        {
            var (caseId, dueAt) = e switch
            {
                CaseFiled filed => (filed.CaseId, filed.DueAt),
                PetitionAccepted accepted => (before!.Id, accepted.DueAt),
                DeadlineExtended extended => (before!.Id, extended.DueAt),
                PetitionReviewRequested review => (before!.Id, review.DueAt),
                CaseReopened => (before!.Id, before.DueAt),
                _ => (Guid.Empty, default),
            };
            if (caseId == Guid.Empty) continue;
            await bus.ScheduleAsync(new DeadlineDue(caseId, dueAt), dueAt > now ? dueAt : now);
        }
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
    public static async Task Handle(DeadlineDue message, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken cancellation)
    {
        if (clock.GetUtcNow() < message.DueAt)
        {
            // Delivered early (a clock moved): look again at the due time.
            await bus.ScheduleAsync(message, message.DueAt);
            return;
        }
        session.LastModifiedBy = CurrentUser.System.Name;
        var stream = await session.Events.FetchForWriting<MediationCase>(message.CaseId, cancellation);
        var events = DeadlineBreach.Decide(message, stream.Aggregate, clock.GetUtcNow());
        if (events.Count > 0) stream.AppendMany(events);
    }
}
