namespace Mediation.Cases;

// The names of docs/domain.md. Enums where the set is fixed by law or by this service's own rules;
// categories are a code table (see CodeTables/Category.cs) because statistics offices change them.

public enum CaseKind { Dispute, Petition, HelpRequest }

public enum PetitionType { Suggestion, Accusation, Claim }

public enum Channel { WalkIn, Phone, Letter, Online, Hotline12345, GridPatrol, CourtReferral, PoliceReferral, OwnInitiative }

/// <summary>
/// Both the level of an organisation node and the level a case is handled at, lowest first. A city oversees
/// its counties and handles no case itself: a case climbs no higher than its county. A department (human
/// resources, housing, the police station, the court, a specialised mediation committee) stands beside the
/// ladder, attached to a county or a street: cases are dispatched to it, never handled at it.
/// </summary>
public enum Level { Grid, Community, Street, County, City, Department }

/// <summary>A department's part in a dispatched case: the lead unit answers for the substance, co-units help.</summary>
public enum DepartmentRole { Lead, Co }

public enum CaseStatus { Registered, Accepted, NotAccepted, Assigned, Resolved, Closed, TransferredOut }

/// <summary>The three-step risk of the first API, kept beside the colours: Blue is Low, Yellow Medium, Orange and Red High.</summary>
public enum RiskLevel { Low, Medium, High }

/// <summary>
/// The four-colour risk grading (四色预警), lowest first. A red case goes to its county at once, whatever level it
/// was filed or handled at.
/// </summary>
public enum RiskColour { Blue, Yellow, Orange, Red }

public static class Risk
{
    public static RiskColour ColourOf(RiskLevel level) => level switch
    {
        RiskLevel.High => RiskColour.Orange,
        RiskLevel.Medium => RiskColour.Yellow,
        _ => RiskColour.Blue,
    };

    public static RiskLevel LevelOf(RiskColour colour) => colour switch
    {
        RiskColour.Red or RiskColour.Orange => RiskLevel.High,
        RiskColour.Yellow => RiskLevel.Medium,
        _ => RiskLevel.Low,
    };
}

public enum PartyRole { Applicant, Respondent, ThirdParty, Agent }

public enum NoticeMethod { Written, Oral, Sms, Online }

public enum SessionMode { InPerson, Video, Phone }

public enum EscalationReason { MediationFailed, PartyRefused, DeadlineBreached, HighRisk, GroupCase, CrossDepartment, RepeatVisit }

public enum SupervisionKind { Reminder, Summons, Notice, Listed }

/// <summary>What raised a supervision order the service issued itself.</summary>
public enum SupervisionCause { DissatisfiedFollowUp }

public enum TransferTarget { Court, Arbitration, AdministrativeReview, Discipline, Police }

/// <summary>
/// How a case was concluded. <see cref="OpinionIssued"/> is a petition's handling opinion
/// (see <see cref="Opinion"/>), <see cref="Done"/> a help request carried out, and
/// <see cref="TransferredOut"/> is set by the transfer-out command, never by resolve.
/// </summary>
public enum Outcome { AgreementReached, Withdrawn, TerminatedUnresolved, OpinionIssued, Done, TransferredOut }

public enum AgreementForm { Written, Oral }

public enum Opinion { Support, Explain, NotSupport }

public enum PerformanceResult { Full, Partial, None }

/// <summary>A step of a judicial confirmation (司法确认) as the API records it.</summary>
public enum ConfirmationStep { Applied, Confirmed, Rejected, EnforcementApplied }

/// <summary>The court's ruling on an application for judicial confirmation.</summary>
public enum ConfirmationRuling { Confirmed, Rejected }

/// <summary>What a case a court referred (委派) reports back: an agreement, its confirmation by a court, or mediation failed and the case returned.</summary>
public enum ReferralOutcome { Agreement, Confirmed, FailedAndReturned }

public enum Satisfaction { Satisfied, BasicallySatisfied, Dissatisfied }

/// <summary>A petition's second and third handling (复查, 复核); after re-review the request is final.</summary>
public enum ReviewStage { None, Review, ReReview }

/// <summary>What an attachment is, for the case file (卷宗); an upload may leave it open.</summary>
public enum AttachmentCategory { SignedAgreement, Evidence, Receipt, Notice, Record, Other }

/// <summary>
/// What a case file must hold before a case with a written agreement is closed (docs/domain.md, "The case
/// file and archiving"); which of them each kind needs is configured (<c>Mediation:CaseFile:MandatoryItems</c>).
/// </summary>
public enum CaseFileItem { AgreementInEffect, MediationRecord, SignedAgreementScan, FollowUpVisit, PerformanceRecord }

/// <summary>How long an archived case file is kept (保管期限): for good, or the configured long or short term.</summary>
public enum Retention { Permanent, Long, Short }
