using JasperFx.Events;
using Mediation.Cases;

namespace Mediation.Tests.Statistics;

/// <summary>
/// The statistics of docs/domain.md computed the slow, obvious way from the raw events: take the events
/// recorded by the known-at moment, put each correction into the act it corrects, fold each case's acts
/// up to the as-of moment in business-time order (ties in recording order), then count. Independent of
/// the projection and its SQL, and of the service's own correction code.
/// </summary>
public sealed class NaiveStatistics(IReadOnlyList<IEvent> events, DateTimeOffset? knownAt = null)
{
    static readonly string[] Successful = ["AgreementReached", "OpinionIssued:Support", "OpinionIssued:Explain", "Done"];
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    readonly Dictionary<Guid, List<ICaseEvent>> _streams = events
        .Where(e => e.Data is not DeadlineBreached && (knownAt is null || e.Timestamp <= knownAt))
        .GroupBy(e => e.StreamId)
        .ToDictionary(g => g.Key, g => Acts(g.OrderBy(e => e.Version).ToList()));

    /// <summary>A case's acts as last corrected, in business-time order, ties in recording order.</summary>
    static List<ICaseEvent> Acts(List<IEvent> stream)
    {
        var acts = new SortedDictionary<long, ICaseEvent>();
        foreach (var e in stream)
        {
            if (e.Data is ActCorrected c) acts[c.CorrectedVersion] = c.Changes.Aggregate(acts[c.CorrectedVersion], Corrected);
            else acts[e.Version] = (ICaseEvent)e.Data;
        }
        return acts.OrderBy(a => a.Value.OccurredAt).ThenBy(a => a.Key).Select(a => a.Value).ToList();
    }

    /// <summary>An act with one field corrected; moving the receipt, an acceptance or a review moves the deadline it starts by as much.</summary>
    static ICaseEvent Corrected(ICaseEvent act, FieldCorrection change)
    {
        DateTimeOffset Time(string? text) => DateTimeOffset.Parse(text!, System.Globalization.CultureInfo.InvariantCulture);
        T Enum<T>(string? text) where T : struct, System.Enum => System.Enum.Parse<T>(text!);
        return (act, change.Field) switch
        {
            (CaseFiled f, "occurredAt") => f with { OccurredAt = Time(change.After), DueAt = f.DueAt + (Time(change.After) - f.OccurredAt) },
            (CaseFiled f, "category") => f with { Category = change.After! },
            (CaseFiled f, "channel") => f with { Channel = Enum<Channel>(change.After) },
            (PetitionAccepted a, "occurredAt") => a with { OccurredAt = Time(change.After), DueAt = a.DueAt + (Time(change.After) - a.OccurredAt) },
            (PetitionReviewRequested v, "occurredAt") => v with { OccurredAt = Time(change.After), DueAt = v.DueAt + (Time(change.After) - v.OccurredAt) },
            (CaseResolved r, "occurredAt") => r with { OccurredAt = Time(change.After) },
            (CaseResolved r, "outcome") => r with { Outcome = Enum<Outcome>(change.After) },
            (CaseResolved r, "agreementForm") => r with { AgreementForm = change.After is null ? null : Enum<AgreementForm>(change.After) },
            (CaseResolved r, "amount") => r with { Amount = change.After is null ? null : decimal.Parse(change.After, System.Globalization.CultureInfo.InvariantCulture) },
            (CaseResolved r, "performanceDueAt") => r with { PerformanceDueAt = change.After is null ? null : Time(change.After) },
            (FollowUpRecorded f, "satisfaction") => f with { Satisfaction = Enum<Satisfaction>(change.After) },
            (FollowUpRecorded f, "occurredAt") => f with { OccurredAt = Time(change.After) },
            (PerformanceRecorded p, "result") => p with { Result = Enum<PerformanceResult>(change.After) },
            (MediationSessionHeld m, "occurredAt") => m with { OccurredAt = Time(change.After) },
            _ => throw new NotSupportedException($"The naive statistics do not correct {change.Field} of a {act.GetType().Name}"),
        };
    }

    public sealed record State(
        CaseFiled Filed, bool Received, string Status, string Level, DateTimeOffset Due, string? Outcome,
        DateTimeOffset? ConcludedAt, decimal? Amount, string? Performance, int Visits, int Satisfied, int Basically, string? Confirmation = null)
    {
        public string Risk { get; init; } = (Filed.RiskColour ?? RiskColour.Blue).ToString();
        public DateTimeOffset? DecidedAt { get; init; }
        public bool Led { get; init; }

        /// <summary>The latest follow-up's satisfaction since the case was last concluded.</summary>
        public Satisfaction? LatestSatisfaction { get; init; }

        public bool Concluded => Received && Status is "Resolved" or "Closed" or "TransferredOut";
        public bool Resolved => Concluded && Status != "TransferredOut" && Successful.Contains(Outcome);
        public bool Open => Received && Status is "Registered" or "Accepted" or "Assigned";
    }

    public IEnumerable<State> StatesAt(DateTimeOffset at)
    {
        foreach (var stream in _streams.Values)
        {
            State? s = null;
            foreach (var e in stream.Where(e => e.OccurredAt <= at))
            {
                var t = e.OccurredAt;
                s = e switch
                {
                    CaseFiled f => new State(f, f.Kind != CaseKind.Petition, "Registered", f.Level.ToString(), f.DueAt, null, null, null, null, 0, 0, 0),
                    PetitionAccepted a => s! with { Received = true, Status = "Accepted", Due = a.DueAt, DecidedAt = t },
                    PetitionNotAccepted => s! with { Status = "NotAccepted", DecidedAt = t },
                    RiskRegraded g => s! with { Risk = g.To.ToString() },
                    LeaderAssigned => s! with { Led = true },
                    CaseAssigned => s! with { Status = "Assigned", Level = "Grid" },
                    CaseEscalated x => s! with { Level = x.ToLevel.ToString() },
                    CaseSentBack b => s! with { Level = b.ToLevel.ToString() },
                    DeadlineExtended d => s! with { Due = s.Due.AddDays(d.Days) },
                    CaseTransferredOut o => s! with { Status = "TransferredOut", Outcome = "TransferredOut", ConcludedAt = t, Amount = null, Performance = null, Level = o.Level.ToString() },
                    CaseResolved r => s! with
                    {
                        Status = "Resolved",
                        Outcome = r.Outcome == Outcome.OpinionIssued ? $"OpinionIssued:{r.Opinion}" : r.Outcome.ToString(),
                        ConcludedAt = t,
                        Amount = r.Outcome == Outcome.AgreementReached ? r.Amount ?? 0m : null,
                        Performance = null,
                        Confirmation = null,
                        Level = r.Level.ToString(),
                    },
                    ConfirmationApplied => s! with { Confirmation = "Applied" },
                    ConfirmationRuled c => s! with { Confirmation = c.Ruling.ToString() },
                    PerformanceRecorded p => s! with { Performance = p.Result.ToString() },
                    FollowUpRecorded f => s! with
                    {
                        Visits = s.Visits + 1,
                        Satisfied = s.Satisfied + (f.Satisfaction == Satisfaction.Satisfied ? 1 : 0),
                        Basically = s.Basically + (f.Satisfaction == Satisfaction.BasicallySatisfied ? 1 : 0),
                        LatestSatisfaction = f.Satisfaction,
                    },
                    CaseClosed => s! with { Status = "Closed" },
                    CaseReopened o => s! with
                    {
                        Status = "Assigned", Outcome = null, ConcludedAt = null, Amount = null, Performance = null, Confirmation = null, Level = o.Level.ToString(),
                        LatestSatisfaction = null,
                    },
                    PetitionReviewRequested v => s! with
                    {
                        Status = "Assigned", Outcome = null, ConcludedAt = null, Amount = null, Performance = null, Level = v.Level.ToString(), Due = v.DueAt,
                        LatestSatisfaction = null,
                    },
                    _ => s,
                };
            }
            if (s is not null) yield return s;
        }
    }

    /// <summary>Figures as the API names them.</summary>
    public static Dictionary<string, object?> Figures(IReadOnlyCollection<State> cohort)
    {
        var received = cohort.Count(s => s.Received);
        var concluded = cohort.Count(s => s.Concluded);
        var resolved = cohort.Count(s => s.Resolved);
        var concludedDisputes = cohort.Count(s => s.Concluded && s.Filed.Kind == CaseKind.Dispute);
        var resolvedDisputes = cohort.Count(s => s.Resolved && s.Filed.Kind == CaseKind.Dispute);
        var onTime = cohort.Count(s => s.Concluded && s.ConcludedAt <= s.Due);
        var visits = cohort.Where(s => s.Received).Sum(s => s.Visits);
        var satisfied = cohort.Where(s => s.Received).Sum(s => s.Satisfied);
        var basically = cohort.Where(s => s.Received).Sum(s => s.Basically);
        var closed = cohort.Count(s => s.Received && s.Status == "Closed");
        var closedVisited = cohort.Count(s => s.Received && s.Status == "Closed" && s.Visits > 0);
        var agreements = cohort.Where(s => s.Concluded && s.Outcome == "AgreementReached").ToList();
        var applications = agreements.Count(s => s.Confirmation is not null);
        var confirmations = agreements.Count(s => s.Confirmation == "Confirmed");
        double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;
        // The petition-work indicators: each petition's acceptance decision against its deadline (received plus the
        // acceptance days, as filed), its reply (conclusion) against its due date, the parties' evaluation of concluded cases.
        var petitions = cohort.Where(s => s.Filed.Kind == CaseKind.Petition).ToList();
        var decided = petitions.Count(s => s.DecidedAt is not null);
        var timely = petitions.Count(s => s.DecidedAt <= s.Filed.DueAt);
        var concludedPetitions = petitions.Count(s => s.Concluded);
        var repliedOnTime = petitions.Count(s => s.Concluded && s.ConcludedAt <= s.Due);
        var evaluated = cohort.Count(s => s.Concluded && s.LatestSatisfaction is not null);
        var evaluatedSatisfied = cohort.Count(s => s.Concluded && s.LatestSatisfaction is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied);
        return new Dictionary<string, object?>
        {
            ["petitionsDecided"] = (long)decided,
            ["timelyAccepted"] = (long)timely,
            ["timelyAcceptanceRate"] = Rate(timely, decided),
            ["concludedPetitions"] = (long)concludedPetitions,
            ["repliedOnTime"] = (long)repliedOnTime,
            ["onTimeReplyRate"] = Rate(repliedOnTime, concludedPetitions),
            ["evaluated"] = (long)evaluated,
            ["evaluatedSatisfied"] = (long)evaluatedSatisfied,
            ["evaluationRate"] = Rate(evaluated, concluded),
            ["evaluatedSatisfactionRate"] = Rate(evaluatedSatisfied, evaluated),
            ["repeatPetitions"] = (long)petitions.Count(s => s.Filed.RepeatPetition),
            ["leaderCases"] = (long)cohort.Count(s => s.Received && s.Led),
            ["leaderResolved"] = (long)cohort.Count(s => s.Resolved && s.Led),
            ["leaderResolutionRate"] = Rate(cohort.Count(s => s.Resolved && s.Led), cohort.Count(s => s.Received && s.Led)),
            ["received"] = (long)received,
            ["concluded"] = (long)concluded,
            ["resolved"] = (long)resolved,
            ["resolutionRate"] = Rate(resolved, received),
            ["completionRate"] = Rate(concluded, received),
            ["mediationSuccessRate"] = Rate(resolvedDisputes, concludedDisputes),
            ["onTimeRate"] = Rate(onTime, concluded),
            ["satisfactionRate"] = Rate(satisfied + basically, visits),
            ["strictSatisfactionRate"] = Rate(satisfied, visits),
            ["followUpRate"] = Rate(closedVisited, closed),
            ["performanceRate"] = Rate(agreements.Count(s => s.Performance == "Full"), agreements.Count),
            ["amountInvolved"] = agreements.Sum(s => s.Amount ?? 0m),
            ["levelShare.Grid"] = Rate(cohort.Count(s => s.Resolved && s.Level == "Grid"), resolved),
            ["levelShare.Community"] = Rate(cohort.Count(s => s.Resolved && s.Level == "Community"), resolved),
            ["levelShare.Street"] = Rate(cohort.Count(s => s.Resolved && s.Level == "Street"), resolved),
            ["levelShare.County"] = Rate(cohort.Count(s => s.Resolved && s.Level == "County"), resolved),
            ["confirmationApplications"] = (long)applications,
            ["confirmations"] = (long)confirmations,
            ["confirmationRate"] = Rate(confirmations, applications),
        };
    }

    public static string Month(DateTimeOffset at) => at.ToOffset(Cst).ToString("yyyy-MM");

    public Dictionary<string, long> Backlog(IEnumerable<State> inScope, DateTimeOffset at, int legacyDays = 90)
    {
        var open = inScope.Where(s => s.Open).ToList();
        int Age(State s) => (int)Math.Floor((at - s.Filed.OccurredAt).TotalSeconds / 86400);
        return new Dictionary<string, long>
        {
            ["open"] = open.Count,
            ["overdue"] = open.Count(s => s.Due < at),
            ["legacy"] = open.Count(s => Age(s) > legacyDays),
            ["byLevel.Grid"] = open.Count(s => s.Level == "Grid"),
            ["byLevel.Community"] = open.Count(s => s.Level == "Community"),
            ["byLevel.Street"] = open.Count(s => s.Level == "Street"),
            ["byLevel.County"] = open.Count(s => s.Level == "County"),
            ["byAge.0-7"] = open.Count(s => Age(s) <= 7),
            ["byAge.8-30"] = open.Count(s => Age(s) is >= 8 and <= 30),
            ["byAge.31-60"] = open.Count(s => Age(s) is >= 31 and <= 60),
            ["byAge.61-90"] = open.Count(s => Age(s) is >= 61 and <= 90),
            ["byAge.>90"] = open.Count(s => Age(s) > 90),
            ["byRisk.Blue"] = open.Count(s => s.Risk == "Blue"),
            ["byRisk.Yellow"] = open.Count(s => s.Risk == "Yellow"),
            ["byRisk.Orange"] = open.Count(s => s.Risk == "Orange"),
            ["byRisk.Red"] = open.Count(s => s.Risk == "Red"),
        };
    }

    /// <summary>What happened in [from, to) by the moment, to cases filed in scope.</summary>
    public Dictionary<string, long> Flow(DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, Func<string, bool> inScope)
    {
        var counts = new Dictionary<string, long> { ["filed"] = 0, ["concluded"] = 0, ["escalated"] = 0, ["closed"] = 0, ["reopened"] = 0 };
        foreach (var stream in _streams.Values)
        {
            var node = ((CaseFiled)stream[0]).NodeCode;
            if (!inScope(node)) continue;
            foreach (var e in stream)
            {
                var t = e.OccurredAt;
                if (t < from || t >= to || t > at) continue;
                var flow = e switch
                {
                    CaseFiled => "filed",
                    CaseResolved or CaseTransferredOut => "concluded",
                    CaseEscalated => "escalated",
                    CaseClosed => "closed",
                    CaseReopened or PetitionReviewRequested => "reopened",
                    _ => null,
                };
                if (flow is not null) counts[flow]++;
            }
        }
        return counts;
    }
}
