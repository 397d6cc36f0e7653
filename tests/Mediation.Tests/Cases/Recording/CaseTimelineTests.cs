using System.Text.Json;
using Mediation.Cases;
using Mediation.Cases.Closing;
using Mediation.Cases.Correcting;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Escalating;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Recording;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Sessions;

namespace Mediation.Tests.Cases.Recording;

/// <summary>
/// Where an act lands in a case's history and what it must not contradict: placed at its business time,
/// decided on the case as it stood then, and every act recorded for a later time still allowed where it stands.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class CaseTimelineTests
{
    const string Why = "据纸质台账补录";

    static readonly DecisionContext Context = new(CaseStates.Received.AddDays(10), DecisionMatrixTests.Org, new DeadlinePolicy());

    /// <summary>The <paramref name="hours"/>-th hour after receipt, the clock CaseStates dates its acts by.</summary>
    static DateTimeOffset At(double hours) => CaseStates.Received.AddHours(hours);

    static MediationCase Evolve(MediationCase state, IEnumerable<ICaseEvent> events) => events.Aggregate(state, (s, e) => s.Then(e));

    static IReadOnlyList<ICaseEvent> Session(MediationCase state, DateTimeOffset heldAt) =>
        CaseTimeline.Decide(new RecordSession(SessionMode.InPerson, ["社区调委会"], HeldAt: heldAt, LateReason: Why), state, Context, RecordSessionEndpoint.Decide);

    [Fact]
    public void An_act_dated_before_the_latest_is_placed_at_its_business_time_and_the_case_is_folded_again()
    {
        var assigned = CaseStates.Assigned();
        var events = Session(assigned, At(1));
        events.Single().OccurredAt.ShouldBe(At(1));

        var state = Evolve(assigned, events);
        state.Acts.Select(a => (a.Version, a.Event.GetType().Name))
            .ShouldBe([(1, nameof(CaseFiled)), (3, nameof(MediationSessionHeld)), (2, nameof(CaseAssigned))]);
        (state.Status, state.Level, state.Sessions, state.Recorded).ShouldBe((CaseStatus.Assigned, Level.Grid, 1, 3));

        var then = state.AsOf(At(1.5));
        (then.Status, then.HandlingNodeCode, then.Sessions).ShouldBe((CaseStatus.Registered, "S1C1", 1));
    }

    [Fact]
    public void Acts_at_the_same_business_time_keep_their_recording_order()
    {
        var state = Evolve(CaseStates.Assigned(), Session(CaseStates.Assigned(), At(2)));
        state.Acts.Select(a => a.Event.GetType().Name).ShouldBe([nameof(CaseFiled), nameof(CaseAssigned), nameof(MediationSessionHeld)]);
        state.AsOf(At(2)).Sessions.ShouldBe(1);
        state.AsOf(At(2).AddTicks(-1)).Status.ShouldBe(CaseStatus.Registered);
    }

    [Fact]
    public void The_decision_is_taken_on_the_case_as_it_stood_at_its_business_time()
    {
        // Resolved at hour 4, closed at hour 5: a return visit before the resolution had nothing to follow up.
        var closed = CaseStates.Closed();
        var early = Should.Throw<CaseRefusal.NotAllowed>(() =>
            CaseTimeline.Decide(new RecordFollowUp(Satisfaction.Satisfied, OccurredAt: At(3), LateReason: Why), closed, Context, RecordFollowUpEndpoint.Decide));
        (early.Command, early.State.Status).ShouldBe((RecordFollowUpEndpoint.Command, CaseStatus.Assigned));

        // Between the resolution and the closing it had, and the closing still follows it.
        var visit = CaseTimeline.Decide(new RecordFollowUp(Satisfaction.Satisfied, OccurredAt: At(4.5), LateReason: Why), closed, Context,
            RecordFollowUpEndpoint.Decide);
        var state = Evolve(closed, visit);
        (state.Status, state.Satisfaction, state.FollowUps).ShouldBe((CaseStatus.Closed, Satisfaction.Satisfied, 1));
        state.AsOf(At(4.5)).Status.ShouldBe(CaseStatus.Resolved);

        // A close dated before the resolution is refused as the case stood then.
        Should.Throw<CaseRefusal.NotAllowed>(() => CaseTimeline.Decide(new CloseCase(At(3), Why), CaseStates.Resolved(), Context, CloseCaseEndpoint.Decide))
            .State.Status.ShouldBe(CaseStatus.Assigned);
    }

    [Fact]
    public void An_act_that_would_make_a_later_act_no_longer_allowed_is_refused_naming_that_act()
    {
        // Resolved before it was assigned: the assignment of hour 2 could not follow a resolution.
        var assigned = CaseStates.Assigned();
        var refusal = Should.Throw<CaseRefusal.Contradicts>(() =>
            CaseTimeline.Decide(new Resolve(Outcome.Withdrawn, OccurredAt: At(1), LateReason: Why), assigned, Context, ResolveEndpoint.Decide));
        (refusal.Command, refusal.Later.Version, refusal.Later.Event).ShouldBe((ResolveEndpoint.Command, 2, assigned.Acts[1].Event));
        refusal.Why.ShouldBeOfType<CaseRefusal.NotAllowed>().Code.ShouldBe(RefusalCode.NotOpen);
        refusal.State.ShouldBeSameAs(assigned);

        // Escalated before the grid resolved it: the resolution recorded at the grid no longer fits where the case then was.
        var resolved = CaseStates.Resolved();
        var escalated = Should.Throw<CaseRefusal.Contradicts>(() =>
            CaseTimeline.Decide(new Escalate(EscalationReason.MediationFailed, OccurredAt: At(3), LateReason: Why), resolved, Context, EscalateEndpoint.Decide));
        (escalated.Later.Version, escalated.Later.Event.GetType().Name, escalated.Why.Code).ShouldBe((3, nameof(CaseResolved), RefusalCode.HandledElsewhereThen));
    }

    [Fact]
    public void A_reopening_placed_before_a_return_visit_is_refused_naming_the_visit()
    {
        var closed = CaseStates.Closed();
        var visited = Evolve(closed, CaseTimeline.Decide(new RecordFollowUp(Satisfaction.Satisfied, OccurredAt: At(8), LateReason: Why), closed, Context,
            RecordFollowUpEndpoint.Decide));
        var refusal = Should.Throw<CaseRefusal.Contradicts>(() =>
            CaseTimeline.Decide(new Reopen("协议未履行", At(6), Why), visited, Context, ReopenEndpoint.Decide));
        (refusal.Command, refusal.Later.Version, refusal.Later.Event.GetType().Name).ShouldBe((ReopenEndpoint.Command, 5, nameof(FollowUpRecorded)));

        // After the visit, the reopening stands.
        CaseTimeline.Decide(new Reopen("协议未履行", At(9), Why), visited, Context, ReopenEndpoint.Decide).Single().ShouldBeOfType<CaseReopened>();
    }

    [Fact]
    public void Acts_recorded_for_a_later_time_are_checked_in_order_and_the_first_no_longer_allowed_is_named()
    {
        var closed = CaseStates.Closed();
        // From the filing alone, the assignment, resolution and closing still hold one after another.
        var filed = new MediationCase().Step(closed.Acts[0].Event);
        CaseTimeline.CheckLater("test", closed, filed, closed.Acts.Skip(1), Context).Status.ShouldBe(CaseStatus.Closed);
        // Without the resolution, the closing is the first that no longer holds.
        var named = Should.Throw<CaseRefusal.Contradicts>(() =>
            CaseTimeline.CheckLater("test", closed, filed, closed.Acts.Where(a => a.Event is not CaseResolved).Skip(1), Context));
        named.Later.Event.ShouldBeOfType<CaseClosed>();
    }

    [Fact]
    public void An_act_is_a_late_entry_when_recorded_longer_after_its_business_time_than_the_policy_allows()
    {
        var assigned = CaseStates.Assigned();
        var threeDays = Context.Now.AddDays(-3);
        CaseTimeline.Decide(new RecordSession(SessionMode.Phone, ["王"], HeldAt: threeDays), assigned, Context, RecordSessionEndpoint.Decide).ShouldHaveSingleItem();
        Should.Throw<CaseRefusal.InvalidField>(() =>
                CaseTimeline.Decide(new RecordSession(SessionMode.Phone, ["王"], HeldAt: threeDays.AddMinutes(-1), LateReason: " "), assigned, Context,
                    RecordSessionEndpoint.Decide))
            .ShouldSatisfyAllConditions(r => r.Field.ShouldBe("lateReason"), r => r.Code.ShouldBe(RefusalCode.LateEntryNeedsReason));

        var stricter = Context with { Recording = new RecordingPolicy { LateEntryAfter = TimeSpan.FromDays(1) } };
        Should.Throw<CaseRefusal.InvalidField>(() =>
                CaseTimeline.Decide(new RecordSession(SessionMode.Phone, ["王"], HeldAt: Context.Now.AddDays(-2)), assigned, stricter, RecordSessionEndpoint.Decide))
            .Field.ShouldBe("lateReason");
        LateEntry.IsLate(Context.Now.AddDays(-2), Context.Now, stricter.Recording).ShouldBeTrue();
        LateEntry.IsLate(Context.Now.AddDays(-2), Context.Now, Context.Recording).ShouldBeFalse();
    }

    static Dictionary<string, JsonElement> Changes(string field, object? value) => new() { [field] = JsonSerializer.SerializeToElement(value) };

    [Fact]
    public void A_correction_is_checked_against_every_act_where_it_then_stands()
    {
        // Filed (1), assigned (2), resolved (3), closed (4); a session (5) at hour 3 moved after the closing.
        var closed = CaseStates.Closed();
        var withSession = Evolve(closed, Session(closed, At(3)));
        var refusal = Should.Throw<CaseRefusal.Contradicts>(() =>
            CorrectActEndpoint.Decide(new CorrectAct(5, Changes("occurredAt", At(6)), "更正"), withSession, Context));
        (refusal.Command, refusal.Later.Version, refusal.Later.Event.GetType().Name).ShouldBe((CorrectActEndpoint.Command, 5, nameof(MediationSessionHeld)));

        // Moved earlier, it still stands.
        var moved = Evolve(withSession, CorrectActEndpoint.Decide(new CorrectAct(5, Changes("occurredAt", At(2.5)), "更正"), withSession, Context));
        moved.Acts.Select(a => a.Version).ShouldBe([1, 2, 5, 3, 4]);
    }

    [Fact]
    public void Moving_the_receipt_moves_the_due_date_with_it_and_keeps_times_in_utc()
    {
        var assigned = CaseStates.Assigned();
        var earlier = CaseStates.Received.AddHours(-1).ToOffset(TimeSpan.FromHours(8));
        var corrected = Evolve(assigned, CorrectActEndpoint.Decide(new CorrectAct(1, Changes("occurredAt", earlier), "更正"), assigned, Context));
        (corrected.ReceivedAt, corrected.DueAt).ShouldBe((earlier, assigned.DueAt.AddHours(-1)));
        // PostgreSQL's timestamptz columns the case's times are copied into take UTC only.
        (corrected.ReceivedAt.Offset, corrected.DueAt.Offset).ShouldBe((TimeSpan.Zero, TimeSpan.Zero));
        corrected.Acts[0].Event.ShouldBeOfType<CaseFiled>().DueAt.ShouldBe(assigned.DueAt.AddHours(-1));

        // Not after an act of the case it received.
        Should.Throw<CaseRefusal.InvalidField>(() => CorrectActEndpoint.Decide(new CorrectAct(1, Changes("occurredAt", At(3)), "更正"), assigned, Context))
            .Field.ShouldBe("changes.occurredAt");
    }
}
