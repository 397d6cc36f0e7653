using System.Runtime.CompilerServices;

namespace Mediation.Common;

/// <summary>
/// What is wrong with a field: <see cref="Text"/> is how the API says it (in English), <see cref="Key"/>
/// names the rule for callers that say it in their own words (the workbench, in Chinese), with
/// <see cref="Arguments"/> filling the rule's blanks. Rewording <see cref="Text"/> keeps the key, so
/// a translation cannot silently fall away.
/// </summary>
public sealed record FieldMessage(string Key, string Text, IReadOnlyList<object> Arguments)
{
    public override string ToString() => Text;

    /// <summary>A decision's refusal of a field, keyed by its rule (<see cref="Cases.RefusalCode"/>).</summary>
    public static FieldMessage Refused(Cases.CaseRefusal.InvalidField refusal) => new(RuleKey(refusal.Code), refusal.Reason, refusal.Arguments);

    /// <summary>The key of a decision's rule, for its field message or its refusal of a command.</summary>
    public static string RuleKey(Cases.RefusalCode code) => $"Rule.{code}";

    // The key of each message below is its member's name: one name, one rule. Messages without blanks are
    // made once; validation passes them on every request.
    static FieldMessage Of(string text, object[]? arguments = null, [CallerMemberName] string name = "") => new($"Message.{name}", text, arguments ?? []);

    public static FieldMessage Required { get; } = Of("is required");
    public static FieldMessage NotBlank { get; } = Of("must not be blank");
    public static FieldMessage NotNull { get; } = Of("must not be null");
    public static FieldMessage AtMostCharacters(int max) => Of($"must be at most {max} characters", [max]);
    public static FieldMessage NoControlCharacters { get; } = Of("must not contain control characters");
    public static FieldMessage NoControlCharactersInName { get; } = Of("a parameter name must not contain control characters");
    public static FieldMessage Between(int min, int max) => Of($"must be between {min} and {max}", [min, max]);
    public static FieldMessage AtLeast(int min) => Of($"must be at least {min}", [min]);
    public static FieldMessage OneOf(IEnumerable<string> values) => Of($"must be one of {string.Join(", ", values)}", [string.Join(", ", values)]);
    public static FieldMessage Either(string first, string second) => Of($"must be {first} or {second}", [first, second]);
    public static FieldMessage TrueOrFalse { get; } = Of("must be true or false");
    public static FieldMessage WholeNumber { get; } = Of("must be a whole number");
    public static FieldMessage WholeNumberBetween(int min, int max) => Of($"must be a whole number from {min} to {max}", [min, max]);
    public static FieldMessage PositiveWholeNumber { get; } = Of("must be a positive whole number");
    public static FieldMessage AmountInYuan { get; } = Of("must be an amount in yuan, such as 1200.50");
    public static FieldMessage NotNegative { get; } = Of("must not be negative");
    public static FieldMessage ImplausibleAmount { get; } = Of("is not a plausible amount in yuan");
    public static FieldMessage AtMostTwoDecimals { get; } = Of("has at most two decimals (fen)");
    public static FieldMessage LocalDateTime { get; } = Of("must be a date and time, such as 2026-03-02T09:30");
    public static FieldMessage TimeWithOffset(string example) => Of($"must be a time in ISO 8601 with its offset, e.g. {example}", [example]);
    public static FieldMessage Date { get; } = Of("must be a date, yyyy-MM-dd");
    public static FieldMessage NotBefore2000 { get; } = Of("must not be before 2000");
    public static FieldMessage NotInTheFuture { get; } = Of("must not be in the future");
    public static FieldMessage Month { get; } = Of("must be a month, yyyy-MM");
    public static FieldMessage MonthNotOver { get; } = Of("must be a month that has ended: a month is locked once its report is sent");
    public static FieldMessage YearsOfService { get; } = Of("must be in the years 2000 to 2999");
    public static FieldMessage NotBeforeFrom { get; } = Of("must not be before from");
    public static FieldMessage AfterFrom { get; } = Of("must be after from (from is inclusive, to exclusive)");
    public static FieldMessage PeriodAtMostTenYears { get; } = Of("a period is at most ten years");
    public static FieldMessage VersionOrAsOf { get; } = Of("give either version or asOf, not both");
    public static FieldMessage CaseId { get; } = Of("must be a case id (a GUID)");
    public static FieldMessage SayWhy { get; } = Of("say why, in a few words (at least 4 characters)");
    public static FieldMessage JsonObjectRequired { get; } = Of("a JSON object is required");
    public static FieldMessage NoSuchAction(string? action) => Of($"there is no action {action}", [action ?? ""]);

    // Filing and the commands on a case.
    public static FieldMessage OnlyForPetitions { get; } = Of("is only for petitions");
    public static FieldMessage ColourOfRiskLevel { get; } = Of("given with riskLevel, must be a colour of that level (Low: Blue; Medium: Yellow; High: Orange or Red)");
    public static FieldMessage AtLeastOneParty { get; } = Of("at least one party is required");
    public static FieldMessage AtMostParties(int max) => Of($"at most {max} parties", [max]);
    public static FieldMessage ApplicantRequired { get; } = Of("one party must be the Applicant");
    public static FieldMessage NotAnIdNumber { get; } = Of("is not a valid resident identity card number");
    public static FieldMessage NotAPhoneNumber { get; } = Of("is not a valid mobile or landline number");
    public static FieldMessage TransferIsItsOwnCommand { get; } = Of("a transfer out is recorded with transfer-out");
    public static FieldMessage OneToTwentyMediators { get; } = Of("one to twenty mediators are required");
    public static FieldMessage EqualsHeldAt { get; } = Of("when given with heldAt, must equal it");
    public static FieldMessage CorrectionIsRecordedNow { get; } = Of("a correction is made now; correct an act's business time with changes.occurredAt");
    public static FieldMessage OneToTenChanges { get; } = Of("name one to ten fields to correct, each with its new value");
    public static FieldMessage OneToFiftyTerms { get; } = Of("one to fifty terms are required");
    public static FieldMessage OneToTwentyTasks { get; } = Of("one to twenty tasks are required");
    public static FieldMessage AtMostTwentyUnits { get; } = Of("at most twenty departments");
    public static FieldMessage PartyIdRequired { get; } = Of("is required: a party of the case, by its id");
    public static FieldMessage SignatoryOrSeal { get; } = Of("give either signatory or seal: true");
    public static FieldMessage OnlyTrue { get; } = Of("must be true when given");
    public static FieldMessage OnlyWithSignatory { get; } = Of("is only given with signatory");
    public static FieldMessage OnlyWithSeal { get; } = Of("is only given with seal");
    public static FieldMessage OnlyForCourtReferral { get; } = Of("is only given with channel CourtReferral");
    public static FieldMessage RequiredForRuling { get; } = Of("is required for Confirmed and Rejected");
    public static FieldMessage OnlyForRuling { get; } = Of("is only given with Confirmed or Rejected");
    public static FieldMessage EqualsAt { get; } = Of("when given with at, must equal it");
    public static FieldMessage EqualsSignedOrSealedAt { get; } = Of("when given with signedAt or sealedAt, must equal it");

    // Organisation, users and passwords.
    public static FieldMessage NodeCodeShape { get; } = Of("must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit");
    public static FieldMessage RequiredBelowCounty { get; } = Of("is required below the county");
    public static FieldMessage EmptyForCity { get; } = Of("must be empty for a city");
    public static FieldMessage OneOfIdPhoneAddress { get; } = Of("an ID number, a phone or an address is needed to look a person up");
    public static FieldMessage ChildLevel(string parent, string child) => Of($"a node under the {parent} must be a {child}", [parent, child]);
    public static FieldMessage RequiredWithSeveralRoots { get; } = Of("is required when the organisation has several roots");
    public static FieldMessage UserNameShape { get; } = Of("must be 2 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    public static FieldMessage AtLeastOneRole(IEnumerable<string> roles) => Of($"at least one of {string.Join(", ", roles)}", [string.Join(", ", roles)]);
    public static FieldMessage NotARole(string role, IEnumerable<string> roles) =>
        Of($"{role} is not a role; roles are {string.Join(", ", roles)}", [role, string.Join(", ", roles)]);
    public static FieldMessage NodeWithinJurisdiction { get; } = Of("is required: you may only give users a node in your own jurisdiction");
    public static FieldMessage NameAChange { get; } = Of("name at least one of disabled, roles, nodeCode, displayName");
    public static FieldMessage PasswordLength(int min, int max) => Of($"must be {min} to {max} characters", [min, max]);
    public static FieldMessage NewPasswordDiffers { get; } = Of("must differ from the current password");
    public static FieldMessage NotCurrentPassword { get; } = Of("is not your current password, or the account is locked for a while after repeated failures");

    // Attachments.
    public static FieldMessage FileType(string allowed) => Of($"must be one of these kinds of file, judged by its content: {allowed}", [allowed]);
    public static FieldMessage FileTooLarge(int megabytes) => Of($"must be at most {megabytes} MB", [megabytes]);
    public static FieldMessage FileEmpty { get; } = Of("must not be empty");
    public static FieldMessage OneFile { get; } = Of("must be one file of a multipart/form-data request");
    public static FieldMessage NoControlCharactersInFileName { get; } = Of("the file's name must not contain control characters");

    // Documents.
    public static FieldMessage OnlyForSessionRecord { get; } = Of("is only given with kind session-record");
    public static FieldMessage OneSessionOf(IEnumerable<long> versions) =>
        Of($"is required: the case has several sessions; name one by its version, one of {string.Join(", ", versions)}", [string.Join(", ", versions)]);

    // Request headers.
    public static FieldMessage IdempotencyKeyShape { get; } = Of("must be one value of 1 to 200 visible ASCII characters");
    public static FieldMessage ETagShape { get; } = Of("must be the case's ETag, a quoted version such as \"3\"");
}
