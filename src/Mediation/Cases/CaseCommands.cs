using Mediation.Cases.Accepting;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Archiving;
using Mediation.Cases.Assigning;
using Mediation.Cases.Closing;
using Mediation.Cases.Confirming;
using Mediation.Cases.Correcting;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Dispatching;
using Mediation.Cases.Escalating;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Grading;
using Mediation.Cases.Leading;
using Mediation.Cases.Performance;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.Cases.Supervising;
using Mediation.Cases.TransferringOut;
using Mediation.Security;

namespace Mediation.Cases;

/// <summary>
/// The catalogue of commands on a case, in the order the workbench offers them. A new command is a
/// folder with its record, validation, decision and endpoint, and one entry here; the access table, the
/// workbench's actions and the seeder take it from this list.
/// </summary>
public static class CaseCommands
{
    const string C = Roles.Clerk, M = Roles.Mediator, S = Roles.Supervisor;

    public static readonly IReadOnlyList<CaseCommandEntry> All =
    [
        CaseCommandEntry.Of(AcceptPetitionEndpoint.Post, AcceptPetitionEndpoint.Validate, AcceptPetitionEndpoint.Decide, "accept a petition", [C, S],
            form => new AcceptPetition(form.Choice<NoticeMethod>("noticeMethod"), form.Text("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new AcceptPetition(NoticeMethod.Written)),
        CaseCommandEntry.Of(NotAcceptPetitionEndpoint.Post, NotAcceptPetitionEndpoint.Validate, NotAcceptPetitionEndpoint.Decide, "decline a petition", [C, S],
            form => new NotAcceptPetition(form.Choice<NoticeMethod>("noticeMethod"), form.LongText("reason"), ReferTo: form.Text("referTo"),
                OccurredAt: form.DateTime("occurredAt"), LateReason: form.LongText("lateReason")),
            probe: new NotAcceptPetition(NoticeMethod.Written, "probe")),
        CaseCommandEntry.Of(AssignCaseEndpoint.Post, AssignCaseEndpoint.Validate, AssignCaseEndpoint.Decide, "assign a case to a grid", [C, S],
            form => new AssignCase(form.Grid("gridCode"), form.Text("assignee"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new AssignCase(null, "probe")),
        CaseCommandEntry.Of(RecordSessionEndpoint.Post, RecordSessionEndpoint.Validate, RecordSessionEndpoint.Decide, "record a mediation session", [M, S],
            form => new RecordSession(HeldAt: form.DateTime("heldAt"), Place: form.Text("place"), Mode: form.Choice<SessionMode>("mode"),
                Mediators: form.List("mediators"), Note: form.LongText("note"), LateReason: form.LongText("lateReason"), Units: form.List("units")),
            probe: new RecordSession(SessionMode.InPerson, ["probe"])),
        CaseCommandEntry.Of(RecordRefusalEndpoint.Post, RecordRefusalEndpoint.Validate, RecordRefusalEndpoint.Decide, "record a party's refusal of mediation", [M, S],
            form => new RecordRefusal(form.Choice<PartyRole>("partyRole"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RecordRefusal(PartyRole.Respondent, "probe")),
        CaseCommandEntry.Of(EscalateEndpoint.Post, EscalateEndpoint.Validate, EscalateEndpoint.Decide, "escalate a case", [M, S],
            form => new Escalate(form.Choice<EscalationReason>("reason"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new Escalate(EscalationReason.MediationFailed)),
        CaseCommandEntry.Of(RegradeRiskEndpoint.Post, RegradeRiskEndpoint.Validate, RegradeRiskEndpoint.Decide, "regrade a case's risk", [C, M, S],
            form => new RegradeRisk(form.Choice<RiskColour>("colour"), form.LongText("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RegradeRisk(RiskColour.Red, "probe"), moreProbes: [new RegradeRisk(RiskColour.Blue, "probe")]),
        CaseCommandEntry.Of(DispatchCaseEndpoint.Post, DispatchCaseEndpoint.Validate, DispatchCaseEndpoint.Decide, "dispatch a case to departments", [C, S],
            DispatchCase.FromForm, probe: DispatchCaseEndpoint.Probe),
        CaseCommandEntry.Of(RecordDepartmentFeedbackEndpoint.Post, RecordDepartmentFeedbackEndpoint.Validate, RecordDepartmentFeedbackEndpoint.Decide,
            "record a department's feedback", [C, M, S],
            form => new RecordDepartmentFeedback(UnitCode: form.Department("unitCode"), Feedback: form.LongText("feedback"), Completed: form.Flag("completed"),
                OccurredAt: form.DateTime("occurredAt"), LateReason: form.LongText("lateReason")),
            probe: new RecordDepartmentFeedback("probe")),
        CaseCommandEntry.Of(RecallDispatchEndpoint.Post, RecallDispatchEndpoint.Validate, RecallDispatchEndpoint.Decide, "recall a department's task", [C, S],
            form => new RecallDispatch(form.Department("unitCode"), form.LongText("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RecallDispatch(null, "probe")),
        CaseCommandEntry.Of(AssignLeaderEndpoint.Post, AssignLeaderEndpoint.Validate, AssignLeaderEndpoint.Decide, "assign a leader to a case", [S],
            form => new AssignLeader(form.Text("leader"), form.LongText("duties"), form.Date("targetAt"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new AssignLeader("probe", "probe", DateTimeOffset.MaxValue)),
        CaseCommandEntry.Of(SendBackEndpoint.Post, SendBackEndpoint.Validate, SendBackEndpoint.Decide, "send a case back down", [S],
            form => new SendBack(form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new SendBack()),
        CaseCommandEntry.Of(ExtendDeadlineEndpoint.Post, ExtendDeadlineEndpoint.Validate, ExtendDeadlineEndpoint.Decide, "extend a case's deadline", [S],
            form => new ExtendDeadline(form.Number("days"), form.Text("approver"), form.LongText("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new ExtendDeadline(1, "probe", "probe")),
        CaseCommandEntry.Of(SuperviseEndpoint.Post, SuperviseEndpoint.Validate, SuperviseEndpoint.Decide, "supervise a case", [S],
            form => new Supervise(form.Choice<SupervisionKind>("kind"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new Supervise(SupervisionKind.Reminder)),
        CaseCommandEntry.Of(TransferOutEndpoint.Post, TransferOutEndpoint.Validate, TransferOutEndpoint.Decide, "transfer a case out", [M, S],
            form => new TransferOut(form.Choice<TransferTarget>("target"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new TransferOut(TransferTarget.Court)),
        CaseCommandEntry.Of(ResolveEndpoint.Post, ResolveEndpoint.Validate, ResolveEndpoint.Decide, "resolve a case", [M, S],
            // Transfers out have their own command; resolve never records one.
            form => new Resolve(form.Choice("outcome", except: Outcome.TransferredOut), form.Choice<AgreementForm>("agreementForm"), form.Money("amount"),
                form.Date("performanceDueAt"), form.Choice<Opinion>("opinion"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new Resolve()),
        // The agreement's terms are a list of records, which the action dialogs of single fields do not hold; and a
        // signature is given per signatory. The case page's agreement section offers both (Workbench/CaseFile/Agreement).
        CaseCommandEntry.Of(RecordAgreementEndpoint.Put, RecordAgreementEndpoint.Validate, RecordAgreementEndpoint.Decide,
            "record a mediation agreement", [C, M, S], form: null,
            probe: new RecordAgreement(AgreementForm.Written, "probe", [], ["probe"])),
        CaseCommandEntry.Of(SignAgreementEndpoint.Post, SignAgreementEndpoint.Validate, SignAgreementEndpoint.Decide,
            "sign, seal or confirm a mediation agreement", [C, M, S], form: null,
            probe: new SignAgreement(Seal: true)),
        // Each step of the confirmation is open in another state: the workbench tries them all.
        CaseCommandEntry.Of(RecordConfirmationEndpoint.Post, RecordConfirmationEndpoint.Validate, RecordConfirmationEndpoint.Decide,
            "record a judicial confirmation", [C, M, S],
            form => new RecordConfirmation(form.Choice<ConfirmationStep>("event"), form.Text("court"), form.DateTime("at"), form.Text("rulingNumber"),
                LateReason: form.LongText("lateReason")),
            probe: new RecordConfirmation(ConfirmationStep.Applied, "probe"),
            moreProbes: [new RecordConfirmation(ConfirmationStep.Confirmed, "probe", RulingNumber: "probe"),
                new RecordConfirmation(ConfirmationStep.Rejected, "probe", RulingNumber: "probe"), new RecordConfirmation(ConfirmationStep.EnforcementApplied, "probe")]),
        CaseCommandEntry.Of(RecordPerformanceEndpoint.Post, RecordPerformanceEndpoint.Validate, RecordPerformanceEndpoint.Decide,
            "record performance of an agreement", [C, M, S],
            form => new RecordPerformance(form.Choice<PerformanceResult>("result"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RecordPerformance(PerformanceResult.Full)),
        CaseCommandEntry.Of(RecordFollowUpEndpoint.Post, RecordFollowUpEndpoint.Validate, RecordFollowUpEndpoint.Decide, "record a follow-up visit", [C, M, S],
            form => new RecordFollowUp(form.Choice<Satisfaction>("satisfaction"), form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RecordFollowUp(Satisfaction.Satisfied)),
        CaseCommandEntry.Of(CloseCaseEndpoint.Post, CloseCaseEndpoint.Validate, CloseCaseEndpoint.Decide, "close a case", [C, S],
            form => new CloseCase(form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new CloseCase()),
        CaseCommandEntry.Of(ReopenEndpoint.Post, ReopenEndpoint.Validate, ReopenEndpoint.Decide, "reopen a case", [C, S],
            form => new Reopen(form.LongText("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new Reopen("probe")),
        CaseCommandEntry.Of(RequestReviewEndpoint.Post, RequestReviewEndpoint.Validate, RequestReviewEndpoint.Decide,
            "request a review of a petition's opinion", [C, S],
            form => new RequestReview(form.LongText("reason"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: new RequestReview("probe")),
        // The file number is read before the decision, for the workbench's archiving as for the endpoint's.
        CaseCommandEntry.Of(ArchiveCaseEndpoint.Post, ArchiveCaseEndpoint.Validate, ArchiveCaseEndpoint.Decide, "archive a case file", [C, S],
            form => new ArchiveCase(form.Choice<Retention>("retention"), form.DateTime("occurredAt"), form.LongText("lateReason")),
            probe: ArchiveCaseEndpoint.Probe, prepare: ArchiveCaseEndpoint.NumberAsync),
        CaseCommandEntry.Of(CorrectActEndpoint.Post, CorrectActEndpoint.Validate, CorrectActEndpoint.Decide, "correct a recorded act", [S],
            CorrectActEndpoint.FromForm,
            probe: new CorrectAct(null, null, null)),
    ];

    static readonly IReadOnlyDictionary<Type, CaseCommandEntry> ByRecord = All.ToDictionary(c => c.Record);

    /// <summary>The entry named <paramref name="name"/> (the route's last segment), if there is one.</summary>
    public static CaseCommandEntry? Find(string? name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>The entry of a command record; every <see cref="ICaseCommand"/> has one.</summary>
    public static CaseCommandEntry For<TCommand>() where TCommand : ICaseCommand => ByRecord[typeof(TCommand)];
}
