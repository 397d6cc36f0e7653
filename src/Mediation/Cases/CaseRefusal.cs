namespace Mediation.Cases;

/// <summary>
/// A decision's refusal, thrown by pure decisions and answered by the command runner (as problem
/// details, <c>Hosting/Problems.cs</c>). <see cref="Code"/> names the rule that refused and stays when
/// the English wording of <see cref="Exception.Message"/> changes: a caller that words refusals itself
/// (the workbench, in Chinese) keys on it, filling its blanks with <see cref="Arguments"/>.
/// </summary>
public abstract class CaseRefusal(RefusalCode code, string message, object[] arguments) : Exception(message)
{
    public RefusalCode Code { get; } = code;
    public IReadOnlyList<object> Arguments { get; } = arguments;

    /// <summary>The command is not allowed in the case's state: the API answers 409, naming both.</summary>
    public sealed class NotAllowed(string command, MediationCase state, RefusalCode code, string reason, params object[] arguments)
        : CaseRefusal(code, $"{command} is not allowed: {reason}", arguments)
    {
        /// <summary>The command as refusals name it (<see cref="ICaseCommand.Name"/>).</summary>
        public string Command { get; } = command;
        public MediationCase State { get; } = state;
        public string Reason { get; } = reason;
    }

    /// <summary>
    /// An act placed earlier in the case's history (or corrected) would make an act recorded for a later
    /// time no longer allowed where it stands: 409, naming that act and why.
    /// </summary>
    public sealed class Contradicts(string command, MediationCase state, CaseAct later, CaseRefusal why)
        : CaseRefusal(RefusalCode.ContradictsLaterAct, $"{command} would contradict the {later.Event.GetType().Name} recorded as version {later.Version}: {why.Message}",
            [later.Event.GetType().Name, later.Version, later.Event.OccurredAt.ToOffset(Common.ChinaStandardTime.Offset)])
    {
        public string Command { get; } = command;
        public MediationCase State { get; } = state;
        public CaseAct Later { get; } = later;
        public CaseRefusal Why { get; } = why;
    }

    /// <summary>An act dated into a locked month, by someone who may not enter such acts (403).</summary>
    public sealed class PeriodLocked(Periods.PeriodLock locked)
        : CaseRefusal(RefusalCode.PeriodLocked, $"{locked.Month} is locked for {locked.NodeCode}: only a supervisor enters acts dated into it", [locked.Month, locked.NodeCode])
    {
        public Periods.PeriodLock Lock { get; } = locked;
    }

    /// <summary>A field that makes no sense for this case (a grid outside its community, a date before its receipt): 400.</summary>
    public sealed class InvalidField(string field, RefusalCode code, string reason, params object[] arguments)
        : CaseRefusal(code, $"{field} {reason}", arguments)
    {
        public string Field { get; } = field;
        public string Reason { get; } = reason;
    }

    /// <summary>
    /// A node that does not exist, or one outside the caller's jurisdiction: the same refusal for both, so
    /// that neither existence nor place leaks (404).
    /// </summary>
    public sealed class UnknownNode(string? nodeCode) : CaseRefusal(RefusalCode.UnknownNode, $"there is no node {nodeCode} in the jurisdiction", [])
    {
        public string? NodeCode { get; } = nodeCode;
    }
}

/// <summary>The rules a decision refuses by, one name each.</summary>
public enum RefusalCode
{
    // Not allowed in the case's state.
    NotOpen,
    PetitionNotAccepted,
    OnlyPetitions,
    WrongStatus,
    NoLevelAbove,
    NotEscalated,
    ExtensionLimit,
    PartyRefusedMediation,
    NotAnAgreement,
    NotAnOpinion,
    ReviewWindowPassed,
    FinalAfterReReview,
    HandledElsewhereThen,
    ContradictsLaterAct,
    PeriodLocked,
    NoAgreementText,
    AgreementSigned,
    AlreadySigned,
    NoSealForOral,
    AgreementNotInEffect,
    ConfirmationWindowPassed,
    ConfirmationOutOfOrder,
    CaseFileArchived,
    MandatoryItemsMissing,
    SameRiskColour,
    NoOpenTask,

    // A field that does not fit the case.
    InTheFuture,
    BeforeReceipt,
    LateEntryNeedsReason,
    LockedPeriodNeedsReason,
    NotAnAct,
    NotCorrectable,
    UnchangedByCorrection,
    GridOutsideScope,
    NotAGrid,
    OutcomeRequired,
    OutcomeNotForKind,
    RequiredForAgreement,
    OnlyForAgreement,
    PerformanceDueBeforeAgreement,
    RequiredForOpinion,
    OnlyForOpinion,
    UnknownCategory,
    AgreementFormDiffers,
    NotAPartyOfTheCase,
    OwnObligee,
    NotASignatory,
    ConfirmationIsForOral,
    TargetBeforeAssignment,
    NotADepartment,
    AlreadyDispatched,
    DueBeforeDispatch,
    OneLeadUnit,
    UnitRequired,
    NotDispatchedTo,

    // Where a case is filed.
    UnknownNode,
    CityHandlesNoCases,
}
