using Mediation.Cases;

namespace Mediation.Statistics.Projection;

/// <summary>
/// What one event does to a case's statistical state: the columns it sets and the counters it adds to,
/// worked out from the event alone, without reading anything.
/// </summary>
sealed class StateChange
{
    public bool? Counted;
    public string? Status;
    public string? Level;
    public (string? value, bool set) Assignee;
    public DateTimeOffset? DueAt;
    public (string? value, bool set) Outcome;
    public bool? Successful;
    public (DateTimeOffset? value, bool set) ConcludedAt;
    public (decimal? value, bool set) Amount;
    public (string? value, bool set) Performance;
    public (string? value, bool set) Confirmation;
    public int Visits, Satisfied, Basically;
    public string? Risk;
    public (DateTimeOffset? value, bool set) DecidedAt;
    public (string? value, bool set) Satisfaction;
    public bool? LeaderAssigned;
    public string? Flow;

    /// <summary>The level a flow is counted at; null: the case's level after the event.</summary>
    public string? FlowLevel;

    /// <summary>The change an event makes, or null for an event that changes no statistical state.</summary>
    public static StateChange? Of(object data, StatisticsOptions options) => data switch
    {
        PetitionAccepted a => new StateChange { Counted = true, Status = nameof(CaseStatus.Accepted), DueAt = a.DueAt, DecidedAt = (a.OccurredAt, true) },
        PetitionNotAccepted n => new StateChange { Status = nameof(CaseStatus.NotAccepted), DecidedAt = (n.OccurredAt, true) },
        RiskRegraded g => new StateChange { Risk = g.To.ToString() },
        Cases.LeaderAssigned => new StateChange { LeaderAssigned = true },
        CaseAssigned a => new StateChange { Status = nameof(CaseStatus.Assigned), Level = nameof(Cases.Level.Grid), Assignee = (a.Assignee, true) },
        CaseEscalated e => new StateChange { Level = e.ToLevel.ToString(), Assignee = (null, true), Flow = "Escalated", FlowLevel = e.ToLevel.ToString() },
        CaseSentBack b => new StateChange { Level = b.ToLevel.ToString(), Assignee = (b.ToAssignee, true) },
        DeadlineExtended d => new StateChange { DueAt = d.DueAt },
        CaseTransferredOut t => new StateChange
        {
            Status = nameof(CaseStatus.TransferredOut), Outcome = (nameof(Cases.Outcome.TransferredOut), true), Successful = false,
            ConcludedAt = (t.OccurredAt, true), Amount = (null, true), Performance = (null, true), Confirmation = (null, true), Level = t.Level.ToString(),
            Flow = "Concluded", FlowLevel = t.Level.ToString(),
        },
        CaseResolved r => new StateChange
        {
            Status = nameof(CaseStatus.Resolved),
            Outcome = (StatisticsOptions.OutcomeCode(r.Outcome, r.Opinion), true),
            Successful = options.IsSuccessful(r.Outcome, r.Opinion),
            ConcludedAt = (r.OccurredAt, true),
            Amount = (r.Outcome == Cases.Outcome.AgreementReached ? r.Amount ?? 0m : null, true),
            Performance = (null, true),
            // A new resolution drops the agreement and its confirmation, as the case does.
            Confirmation = (null, true),
            Level = r.Level.ToString(),
            Flow = "Concluded",
            FlowLevel = r.Level.ToString(),
        },
        ConfirmationApplied => new StateChange { Confirmation = (nameof(ConfirmationStep.Applied), true) },
        ConfirmationRuled r => new StateChange { Confirmation = (r.Ruling.ToString(), true) },
        PerformanceRecorded p => new StateChange { Performance = (p.Result.ToString(), true) },
        FollowUpRecorded f => new StateChange
        {
            Visits = 1,
            Satisfied = f.Satisfaction == Cases.Satisfaction.Satisfied ? 1 : 0,
            Basically = f.Satisfaction == Cases.Satisfaction.BasicallySatisfied ? 1 : 0,
            Satisfaction = (f.Satisfaction.ToString(), true),
        },
        CaseClosed => new StateChange { Status = nameof(CaseStatus.Closed), Flow = "Closed" },
        CaseReopened o => new StateChange().Reopened(o.Level),
        // A review re-opens a petition at the level above, with the review's own deadline.
        PetitionReviewRequested v => new StateChange { DueAt = v.DueAt, Assignee = (null, true) }.Reopened(v.Level),
        _ => null,
    };

    /// <summary>
    /// This change followed by <paramref name="next"/>: each column as the later of the two set it,
    /// counters added up. Folding a case's changes in a batch this way gives its state relative to the
    /// stored one after each event; the flow stays the event's own.
    /// </summary>
    public StateChange Then(StateChange next) => new()
    {
        Counted = next.Counted ?? Counted,
        Status = next.Status ?? Status,
        Level = next.Level ?? Level,
        Assignee = next.Assignee.set ? next.Assignee : Assignee,
        DueAt = next.DueAt ?? DueAt,
        Outcome = next.Outcome.set ? next.Outcome : Outcome,
        Successful = next.Successful ?? Successful,
        ConcludedAt = next.ConcludedAt.set ? next.ConcludedAt : ConcludedAt,
        Amount = next.Amount.set ? next.Amount : Amount,
        Performance = next.Performance.set ? next.Performance : Performance,
        Confirmation = next.Confirmation.set ? next.Confirmation : Confirmation,
        Visits = Visits + next.Visits,
        Satisfied = Satisfied + next.Satisfied,
        Basically = Basically + next.Basically,
        Risk = next.Risk ?? Risk,
        DecidedAt = next.DecidedAt.set ? next.DecidedAt : DecidedAt,
        Satisfaction = next.Satisfaction.set ? next.Satisfaction : Satisfaction,
        LeaderAssigned = next.LeaderAssigned ?? LeaderAssigned,
        Flow = next.Flow,
        FlowLevel = next.FlowLevel,
    };

    /// <summary>A reopening (<see cref="CaseRules.ReopenedStatus"/>): the conclusion undone, the case worked again at <paramref name="level"/>.</summary>
    StateChange Reopened(Level level)
    {
        Status = CaseRules.ReopenedStatus.ToString();
        Outcome = (null, true);
        Successful = false;
        ConcludedAt = (null, true);
        Amount = (null, true);
        Performance = (null, true);
        Confirmation = (null, true);
        Satisfaction = (null, true);
        Level = level.ToString();
        Flow = "Reopened";
        FlowLevel = Level;
        return this;
    }
}
