using Mediation.Cases.Accepting;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Assigning;
using Mediation.Cases.Closing;
using Mediation.Cases.Confirming;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Escalating;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Grading;
using Mediation.Cases.Performance;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.Cases.Supervising;
using Mediation.Cases.TransferringOut;

namespace Mediation.Cases.Recording;

/// <summary>
/// When each act is allowed, as a rule over the case where the act stands. A command's decision applies
/// its act's rule to the case at the command's business time; an act already recorded for a later time
/// is held to the same rule when something is placed before it or corrected (<see cref="CaseTimeline"/>).
/// Besides the rule, a recorded act must still fit the case where it stands: an escalation from the node
/// that handles the case then, a resolution at the level it was resolved at.
/// </summary>
public static class ActRules
{
    public static void Check(ICaseEvent act, MediationCase state, DecisionContext context)
    {
        // Nothing follows an archiving in the case's history but the file's reopening.
        if (act is not CaseFileReopened) Archiving.CaseFileRules.Writable(state, act.GetType().Name);
        switch (act)
        {
            case CaseFiled:
                throw new CaseRefusal.NotAllowed(FileCaseName, state, RefusalCode.WrongStatus, "a case is filed once");
            case PetitionAccepted:
                Accepting(state, AcceptPetitionEndpoint.Command);
                break;
            case PetitionNotAccepted:
                Accepting(state, NotAcceptPetitionEndpoint.Command);
                break;
            case CaseAssigned a:
                Guards.Handling(state, AssignCaseEndpoint.Command);
                AssignCaseEndpoint.Grid(a.GridCode, state, context);
                break;
            case MediationSessionHeld:
                Session(state, RecordSessionEndpoint.Command);
                break;
            case MediationRefused:
                Guards.Handling(state, RecordRefusalEndpoint.Command);
                break;
            // A red case goes to its county whether or not a petition was accepted yet.
            case CaseEscalated { Reason: EscalationReason.HighRisk } e when state.RiskColour == RiskColour.Red:
                Guards.Open(state, EscalateEndpoint.Command);
                HandledAt(state, EscalateEndpoint.Command, e.FromNodeCode);
                break;
            case CaseEscalated e:
                Guards.Handling(state, EscalateEndpoint.Command);
                HandledAt(state, EscalateEndpoint.Command, e.FromNodeCode);
                break;
            case CaseDispatched:
                Guards.Handling(state, Dispatching.DispatchCaseEndpoint.Command);
                break;
            case DepartmentFeedbackRecorded f:
                OpenTask(state, Dispatching.RecordDepartmentFeedbackEndpoint.Command, f.UnitCode);
                break;
            case DispatchRecalled r:
                OpenTask(state, Dispatching.RecallDispatchEndpoint.Command, r.UnitCode);
                break;
            case LeaderAssigned:
                Guards.Open(state, Leading.AssignLeaderEndpoint.Command);
                break;
            case RiskRegraded:
                Guards.Open(state, RegradeRiskEndpoint.Command);
                break;
            case CaseSentBack b:
                SendingBack(state, SendBackEndpoint.Command);
                HandledAt(state, SendBackEndpoint.Command, b.FromNodeCode);
                if (state.EscalatedFrom[^1].NodeCode != b.ToNodeCode)
                    throw new CaseRefusal.NotAllowed(SendBackEndpoint.Command, state, RefusalCode.HandledElsewhereThen,
                        $"it was sent back to {b.ToNodeCode}, but then it had come from {state.EscalatedFrom[^1].NodeCode}", b.ToNodeCode, state.EscalatedFrom[^1].NodeCode);
                break;
            case DeadlineExtended d:
                Extending(state, ExtendDeadlineEndpoint.Command, d.Days, context);
                break;
            case SupervisionOrderIssued s:
                if (s.Cause is null) Guards.Open(state, SuperviseEndpoint.Command);
                break;
            case CaseTransferredOut t:
                Guards.Open(state, TransferOutEndpoint.Command);
                if (t.Level != state.Level)
                    throw new CaseRefusal.NotAllowed(TransferOutEndpoint.Command, state, RefusalCode.HandledElsewhereThen,
                        $"it was transferred out at the {t.Level} level, but then it was handled at the {state.Level} level", t.Level, state.Level);
                break;
            case CaseResolved r:
                Guards.Handling(state, ResolveEndpoint.Command);
                HandledAt(state, ResolveEndpoint.Command, r.HandlingNodeCode);
                ResolveEndpoint.CheckOutcome(r, state.Kind);
                break;
            case AgreementRecorded a:
                RecordAgreementEndpoint.Check(a, state);
                break;
            case AgreementSigned or AgreementConfirmed or AgreementSealed:
                SignAgreementEndpoint.Check(act, state);
                break;
            case ConfirmationApplied or ConfirmationRuled or EnforcementApplied:
                RecordConfirmationEndpoint.Check(act, state, context);
                break;
            case PerformanceRecorded:
                Performance(state, RecordPerformanceEndpoint.Command);
                break;
            case FollowUpRecorded:
                FollowingUp(state, RecordFollowUpEndpoint.Command);
                break;
            case CaseClosed:
                Guards.Status(state, CloseCaseEndpoint.Command, CaseStatus.Resolved);
                break;
            case CaseReopened:
                Reopening(state, ReopenEndpoint.Command);
                break;
            case CaseArchived:
                Archiving.CaseFileRules.Archivable(state, Archiving.ArchiveCaseEndpoint.Command);
                break;
            case PetitionReviewRequested v:
                Reviewing(state, RequestReviewEndpoint.Command, v.OccurredAt, context);
                if (v.Stage != NextReviewStage(state))
                    throw new CaseRefusal.NotAllowed(RequestReviewEndpoint.Command, state, RefusalCode.FinalAfterReReview,
                        $"it was recorded as a {v.Stage}, but then it would be a {NextReviewStage(state)}");
                break;
        }
    }

    const string FileCaseName = "file";

    /// <summary>
    /// A department's feedback or recall needs its task open; with no unit named yet (a probe, a form left empty),
    /// any task open: without one the command is not for this case's state.
    /// </summary>
    public static void OpenTask(MediationCase state, string command, string? unitCode)
    {
        if (!(state.Tasks ?? []).Any(t => t.IsOpen))
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NoOpenTask, "no department has an open task of this case", "—");
        if (unitCode is not null && Dispatching.DepartmentTask.OpenOf(state.Tasks, unitCode) is null)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NoOpenTask, $"{unitCode} has no open task of this case", unitCode);
    }

    /// <summary>A petition is accepted or not once, before anything else is done with it.</summary>
    public static void Accepting(MediationCase state, string command)
    {
        Guards.Petition(state, command);
        Guards.Status(state, command, CaseStatus.Registered);
    }

    public static void Session(MediationCase state, string command)
    {
        Guards.Handling(state, command);
        if (state.RefusedByParty)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.PartyRefusedMediation, "a party refused mediation; escalate or conclude the case");
    }

    public static void SendingBack(MediationCase state, string command)
    {
        Guards.Handling(state, command);
        if (state.EscalatedFrom.IsEmpty)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotEscalated,
                "it was not escalated to where it is handled, so there is nowhere to send it back to");
    }

    public static void Extending(MediationCase state, string command, int days, DecisionContext context)
    {
        Guards.Handling(state, command);
        var max = context.Deadlines.MaxExtensionDays(state.Kind);
        if (state.ExtensionDays + days > max)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.ExtensionLimit,
                $"extensions may add at most {max} days to a {state.Kind}, and {state.ExtensionDays} are already granted", max, state.ExtensionDays);
    }

    /// <summary>After an agreement, while resolved or once closed (the case stays closed).</summary>
    public static void Performance(MediationCase state, string command)
    {
        Guards.Status(state, command, CaseStatus.Resolved, CaseStatus.Closed);
        if (state.Outcome != Outcome.AgreementReached)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotAnAgreement,
                $"performance is recorded for an agreement, and this case ended {state.Outcome}");
    }

    /// <summary>A judicial confirmation is of an agreement, while resolved or once closed (the case stays closed).</summary>
    public static void Confirming(MediationCase state, string command)
    {
        Guards.Status(state, command, CaseStatus.Resolved, CaseStatus.Closed);
        if (state.Outcome != Outcome.AgreementReached)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotAnAgreement,
                $"a judicial confirmation is of an agreement, and this case ended {state.Outcome}");
    }

    /// <summary>The agreement's text and signatures belong to a resolution with an agreement, until the case is closed.</summary>
    public static void Agreement(MediationCase state, string command)
    {
        Guards.Status(state, command, CaseStatus.Resolved);
        if (state.Outcome != Outcome.AgreementReached)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotAnAgreement,
                $"an agreement is recorded for a case resolved with AgreementReached, and this case ended {state.Outcome}");
    }

    /// <summary>A return visit (回访) comes after the resolution, often after closing (the case stays closed).</summary>
    public static void FollowingUp(MediationCase state, string command) =>
        Guards.Status(state, command, CaseStatus.Resolved, CaseStatus.Closed);

    public static void Reopening(MediationCase state, string command)
    {
        Guards.Status(state, command, CaseStatus.Closed);
        if (state.ReviewStage == ReviewStage.ReReview)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.FinalAfterReReview,
                "the petition was re-reviewed, and after re-review the same request is final");
    }

    public static void Reviewing(MediationCase state, string command, DateTimeOffset at, DecisionContext context)
    {
        Guards.Petition(state, command);
        Guards.Status(state, command, CaseStatus.Resolved, CaseStatus.Closed);
        if (state.Outcome != Outcome.OpinionIssued)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotAnOpinion, $"only a handling opinion is reviewed, and this petition ended {state.Outcome}");
        if (state.ReviewStage == ReviewStage.ReReview)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.FinalAfterReReview, "the petition was already re-reviewed; the request is final");
        if (at - state.ResolvedAt > context.Deadlines.ReviewRequestWindow)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.ReviewWindowPassed,
                $"a review must be requested within {context.Deadlines.ReviewRequestWindow.TotalDays:0} days of the opinion of {state.ResolvedAt:yyyy-MM-dd}",
                (int)context.Deadlines.ReviewRequestWindow.TotalDays);
    }

    public static ReviewStage NextReviewStage(MediationCase state) => state.ReviewStage == ReviewStage.None ? ReviewStage.Review : ReviewStage.ReReview;

    /// <summary>A recorded act names the node that handled the case when it was done; placed elsewhere in time, the case must still be there.</summary>
    static void HandledAt(MediationCase state, string command, string recordedNode)
    {
        if (recordedNode != state.HandlingNodeCode)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.HandledElsewhereThen,
                $"it was recorded as done by {recordedNode}, but then the case was handled at {state.HandlingNodeCode}", recordedNode, state.HandlingNodeCode);
    }
}
