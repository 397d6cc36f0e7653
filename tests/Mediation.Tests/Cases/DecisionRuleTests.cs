using Mediation.Cases.Recording;
using Mediation.Cases;
using Mediation.Cases.Accepting;
using Mediation.Cases.Assigning;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Escalating;
using Mediation.Cases.Filing;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.CodeTables;
using Mediation.Security;

namespace Mediation.Tests.Cases;

/// <summary>The rules inside the decisions beyond "which status allows which command".</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class DecisionRuleTests
{
    static DecisionContext ContextAt(DateTimeOffset now) => new(now, DecisionMatrixTests.Org, new DeadlinePolicy());
    static readonly DecisionContext Context = ContextAt(CaseStates.Received.AddDays(10));

    static MediationCase Evolve(MediationCase state, IEnumerable<ICaseEvent> events) =>
        events.Aggregate(state, (s, e) => s.Then(e));

    [Fact]
    public void Assignment_goes_only_to_a_grid_under_the_handling_community_or_street()
    {
        var atCommunity = CaseStates.Filed();
        Should.Throw<CaseRefusal.InvalidField>(() => AssignCaseEndpoint.Decide(new AssignCase("S1C2G1", "甲", null), atCommunity, Context))
            .Field.ShouldBe("gridCode");
        Should.Throw<CaseRefusal.InvalidField>(() => AssignCaseEndpoint.Decide(new AssignCase("S1C1", "甲", null), atCommunity, Context))
            .Message.ShouldContain("not a grid");
        Should.Throw<CaseRefusal.InvalidField>(() => AssignCaseEndpoint.Decide(new AssignCase("NOPE", "甲", null), atCommunity, Context));

        var atStreet = CaseStates.Filed(node: "S1", level: Level.Street);
        AssignCaseEndpoint.Decide(new AssignCase("S1C2G1", "甲", null), atStreet, Context).Single().ShouldBeOfType<CaseAssigned>();

        // At a grid, the case may move to another grid of the same community, not beyond.
        var atGrid = CaseStates.Assigned();
        AssignCaseEndpoint.Decide(new AssignCase("S1C1G2", "乙", null), atGrid, Context).Single().ShouldBeOfType<CaseAssigned>();
        Should.Throw<CaseRefusal.InvalidField>(() => AssignCaseEndpoint.Decide(new AssignCase("S2C1G1", "乙", null), atGrid, Context));
    }

    [Fact]
    public void Escalation_climbs_one_level_at_a_time_keeps_the_due_date_and_stops_at_the_county()
    {
        var state = CaseStates.Assigned();
        var levels = new List<(string node, Level level)>();
        for (var i = 0; i < 3; i++)
        {
            var events = EscalateEndpoint.Decide(new Escalate(EscalationReason.MediationFailed, null, null), state, Context);
            state = Evolve(state, events);
            levels.Add((state.HandlingNodeCode, state.Level));
        }
        levels.ShouldBe([("S1C1", Level.Community), ("S1", Level.Street), ("C1", Level.County)]);
        state.DueAt.ShouldBe(CaseStates.Filed().DueAt);
        state.Status.ShouldBe(CaseStatus.Assigned);

        var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => EscalateEndpoint.Decide(new Escalate(EscalationReason.HighRisk, null, null), state, Context));
        refusal.Message.ShouldContain("no level above");
    }

    [Fact]
    public void Send_back_returns_to_the_node_and_the_worker_it_was_escalated_from()
    {
        var escalatedTwice = Evolve(CaseStates.Escalated(),
            EscalateEndpoint.Decide(new Escalate(EscalationReason.GroupCase, null, null), CaseStates.Escalated(), Context));
        escalatedTwice.HandlingNodeCode.ShouldBe("S1");

        var once = Evolve(escalatedTwice, SendBackEndpoint.Decide(new SendBack(null, null), escalatedTwice, Context));
        (once.HandlingNodeCode, once.Level).ShouldBe(("S1C1", Level.Community));
        var twice = Evolve(once, SendBackEndpoint.Decide(new SendBack(null, null), once, Context));
        (twice.HandlingNodeCode, twice.Level, twice.Assignee).ShouldBe(("S1C1G1", Level.Grid, "网格员甲"));
        Should.Throw<CaseRefusal.NotAllowed>(() => SendBackEndpoint.Decide(new SendBack(null, null), twice, Context));
    }

    [Fact]
    public void Extensions_move_the_due_date_by_approved_days_up_to_the_limit_of_the_kind()
    {
        var petition = CaseStates.Assigned(CaseKind.Petition);
        var first = (DeadlineExtended)ExtendDeadlineEndpoint.Decide(new ExtendDeadline(20, "主任", "复杂", null), petition, Context).Single();
        first.DueAt.ShouldBe(petition.DueAt.AddDays(20));
        var extended = Evolve(petition, [first]);
        ExtendDeadlineEndpoint.Decide(new ExtendDeadline(10, "主任", "复杂", null), extended, Context).ShouldHaveSingleItem();
        Should.Throw<CaseRefusal.NotAllowed>(() => ExtendDeadlineEndpoint.Decide(new ExtendDeadline(11, "主任", "复杂", null), extended, Context))
            .Message.ShouldContain("at most 30 days");
    }

    [Fact]
    public void Acceptance_starts_the_sixty_day_handling_deadline()
    {
        var accepted = (PetitionAccepted)CaseTimeline.Decide(new AcceptPetition(NoticeMethod.Written, null, CaseStates.Received.AddDays(3), "纸质登记补录"),
            CaseStates.Filed(CaseKind.Petition), Context, AcceptPetitionEndpoint.Decide).Single();
        accepted.DueAt.ShouldBe(CaseStates.Received.AddDays(63));
    }

    [Fact]
    public void Business_time_may_not_lie_in_the_future_nor_before_the_receipt_and_a_late_entry_needs_a_reason()
    {
        var state = CaseStates.Assigned();
        var session = (DateTimeOffset at, string? why) => CaseTimeline.Decide(new RecordSession(SessionMode.Phone, ["王"], HeldAt: at, LateReason: why),
            state, Context, RecordSessionEndpoint.Decide);

        Should.Throw<CaseRefusal.InvalidField>(() => session(Context.Now.AddMinutes(6), null)).Field.ShouldBe("occurredAt");
        session(Context.Now.AddMinutes(4), null).ShouldHaveSingleItem();
        Should.Throw<CaseRefusal.InvalidField>(() => session(state.ReceivedAt.AddSeconds(-1), "纸质记录补录")).Field.ShouldBe("occurredAt");

        // Before the latest act, but still allowed where it stands: lands at its own business time.
        var beforeLatest = state.LatestAt.AddHours(-1);
        Should.Throw<CaseRefusal.InvalidField>(() => session(beforeLatest, null)).Field.ShouldBe("lateReason");
        session(beforeLatest, "纸质记录补录").Single().OccurredAt.ShouldBe(beforeLatest);
        session(Context.Now.AddDays(-2), null).Single().OccurredAt.ShouldBe(Context.Now.AddDays(-2));
    }

    [Fact]
    public void A_breach_observed_by_the_service_does_not_block_acts_recorded_late_from_before_it()
    {
        var state = CaseStates.Assigned();
        var breached = Evolve(state, [new DeadlineBreached(state.DueAt, state.DueAt)]);
        var afterDue = ContextAt(state.DueAt.AddDays(1));
        var resolvedBeforeDue = state.DueAt.AddDays(-1);
        CaseTimeline.Decide(new Resolve(Outcome.Withdrawn, null, null, null, null, null, resolvedBeforeDue, LateReason: "纸质记录补录"), breached, afterDue,
                ResolveEndpoint.Decide)
            .Single().OccurredAt.ShouldBe(resolvedBeforeDue);
    }

    [Fact]
    public void Outcomes_fit_the_kind_of_case()
    {
        var dispute = CaseStates.Assigned();
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(dispute, new(Outcome.AgreementReached, null, 10m, null, null, null, null))).Field.ShouldBe("agreementForm");
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(dispute, new(Outcome.Withdrawn, null, 10m, null, null, null, null))).Field.ShouldBe("amount");
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(dispute, new(Outcome.OpinionIssued, null, null, null, Opinion.Support, null, null))).Field.ShouldBe("outcome");
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(dispute, new(Outcome.Done, null, null, null, null, null, null))).Field.ShouldBe("outcome");
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(dispute, new(null, null, null, null, null, null, null))).Field.ShouldBe("outcome");

        var petition = CaseStates.Assigned(CaseKind.Petition);
        Resolve(petition, new(null, null, null, null, Opinion.NotSupport, null, null)).Outcome.ShouldBe(Outcome.OpinionIssued);
        Should.Throw<CaseRefusal.InvalidField>(() => Resolve(petition, new(Outcome.OpinionIssued, null, null, null, null, null, null))).Field.ShouldBe("opinion");

        var help = CaseStates.Assigned(CaseKind.HelpRequest);
        Resolve(help, new(Outcome.Done, null, null, null, null, null, null)).Level.ShouldBe(Level.Grid);

        var agreement = Resolve(dispute, new(Outcome.AgreementReached, AgreementForm.Oral, 880.5m, Context.Now.AddDays(30), null, "口头协议", null));
        (agreement.Amount, agreement.HandlingNodeCode, agreement.Level).ShouldBe((880.5m, "S1C1G1", Level.Grid));
    }

    static CaseResolved Resolve(MediationCase state, Resolve command) => (CaseResolved)ResolveEndpoint.Decide(command, state, Context).Single();

    [Fact]
    public void A_reopened_case_is_worked_again_where_it_was_resolved()
    {
        var closed = CaseStates.Closed();
        var reopened = Evolve(closed, ReopenEndpoint.Decide(new Reopen("协议未履行", null), closed, Context));
        (reopened.Status, reopened.HandlingNodeCode, reopened.Level, reopened.Outcome).ShouldBe((CaseStatus.Assigned, "S1C1G1", Level.Grid, (Outcome?)null));
        reopened.DueAt.ShouldBe(closed.DueAt);
    }

    [Fact]
    public void A_review_is_requested_within_thirty_days_of_the_opinion_and_goes_one_level_up()
    {
        var closed = CaseStates.Closed(CaseKind.Petition, Outcome.OpinionIssued);
        var review = (PetitionReviewRequested)RequestReviewEndpoint.Decide(new RequestReview("不服", null), closed, Context).Single();
        (review.Stage, review.ToNodeCode, review.DueAt).ShouldBe((ReviewStage.Review, "S1C1", Context.Now.AddDays(30)));

        var late = ContextAt(closed.ResolvedAt!.Value.AddDays(31));
        Should.Throw<CaseRefusal.NotAllowed>(() => RequestReviewEndpoint.Decide(new RequestReview("不服", null), closed, late))
            .Message.ShouldContain("within 30 days");
    }

    [Fact]
    public void The_service_breaches_a_due_date_once_and_only_while_the_case_is_open_at_it()
    {
        var state = CaseStates.Assigned();
        var due = new DeadlineDue(state.Id, state.DueAt);
        DeadlineBreach.Decide(due, state, state.DueAt).Single().ShouldBe(new DeadlineBreached(state.DueAt, state.DueAt));
        DeadlineBreach.Decide(due, state, state.DueAt.AddSeconds(-1)).ShouldBeEmpty();
        DeadlineBreach.Decide(due, Evolve(state, [new DeadlineBreached(state.DueAt, state.DueAt)]), state.DueAt).ShouldBeEmpty();
        DeadlineBreach.Decide(due, CaseStates.Resolved(), state.DueAt).ShouldBeEmpty();
        var extended = Evolve(state, [new DeadlineExtended(5, "主任", "复杂", state.DueAt, state.DueAt.AddDays(5), state.LatestAt)]);
        DeadlineBreach.Decide(due, extended, state.DueAt.AddDays(1)).ShouldBeEmpty();
    }

    [Fact]
    public void Filing_refuses_an_unknown_node_or_category_and_a_receipt_in_the_future_in_its_decision()
    {
        var clerk = new CurrentUser("clerk", "S1", new HashSet<string> { Roles.Clerk });
        var neighbour = new Category("Neighbour", "邻里", "Neighbours", 2);
        FileCase Filing(string node = "S1C1", DateTimeOffset? receivedAt = null) =>
            new(CaseKind.Dispute, Channel.WalkIn, "Neighbour", "楼上漏水", node, [new PartyInput(PartyRole.Applicant, "张三")], ReceivedAt: receivedAt);

        // A node that does not exist and one outside the jurisdiction are one refusal.
        Should.Throw<CaseRefusal.UnknownNode>(() => FileCaseEndpoint.Decide(Filing("NOWHERE"), neighbour, clerk, Context)).NodeCode.ShouldBe("NOWHERE");
        Should.Throw<CaseRefusal.UnknownNode>(() => FileCaseEndpoint.Decide(Filing("S2C1"), neighbour, clerk, Context)).Code.ShouldBe(RefusalCode.UnknownNode);

        Should.Throw<CaseRefusal.InvalidField>(() => FileCaseEndpoint.Decide(Filing(), null, clerk, Context)).Field.ShouldBe("category");
        Should.Throw<CaseRefusal.InvalidField>(() => FileCaseEndpoint.Decide(Filing(), neighbour with { Active = false }, clerk, Context))
            .Code.ShouldBe(RefusalCode.UnknownCategory);

        var late = Should.Throw<CaseRefusal.InvalidField>(() => FileCaseEndpoint.Decide(Filing(receivedAt: Context.Now.AddMinutes(6)), neighbour, clerk, Context));
        (late.Field, late.Code).ShouldBe(("receivedAt", RefusalCode.InTheFuture));

        var accepted = FileCaseEndpoint.Decide(Filing(receivedAt: Context.Now.AddMinutes(4)), neighbour, clerk, Context);
        (accepted.Node.Id, accepted.ReceivedAt, accepted.DueAt).ShouldBe(("S1C1", Context.Now.AddMinutes(4), Context.Now.AddMinutes(4).AddDays(30)));
        var filed = accepted.Filed(Guid.NewGuid(), "2026-000001", []);
        (filed.Level, filed.DueAt, filed.OccurredAt).ShouldBe((Level.Community, accepted.DueAt, accepted.ReceivedAt));
    }
}
