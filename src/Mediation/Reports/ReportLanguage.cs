using Mediation.Cases;
using Mediation.Common;
using Mediation.Language;

namespace Mediation.Reports;

/// <summary>The words of the report files (Chinese by default, English with <c>lang=en</c>), from the service's one table of each language.</summary>
public sealed class ReportLanguage
{
    public static readonly ReportLanguage Chinese = new(Texts.Zh);
    public static readonly ReportLanguage English = new(Texts.En);

    readonly Texts _texts;

    ReportLanguage(Texts texts) => _texts = texts;

    public bool IsChinese => _texts.IsChinese;
    public string Code => _texts.Code;

    public static ReportLanguage? Parse(string? text) => text switch
    {
        null or "" or "zh" or "zh-CN" => Chinese,
        "en" => English,
        _ => null,
    };

    /// <summary>The rate shown where its denominator is zero.</summary>
    public const string NoRate = "—";

    /// <summary>The report's title: the unit, the period, the moment the figures are taken at and the recording moment they are as known at.</summary>
    public string SettlementTitle(string unit, DateOnly from, DateOnly to, DateTimeOffset asOf, DateTimeOffset knownAt) =>
        _texts.Format("Report.SettlementTitle", unit, from, to.AddDays(-1), asOf.ToOffset(Common.ChinaStandardTime.Offset), knownAt.ToOffset(Common.ChinaStandardTime.Offset));

    public string CaseListTitle(string unit, DateTimeOffset at) => _texts.Format("Report.CaseListTitle", unit, at.ToOffset(ChinaStandardTime.Offset));

    public string[] SettlementHeader(string firstColumn) =>
    [
        firstColumn, .. Words("Received", "Concluded", "Resolved", "ResolutionRate", "CompletionRate", "MediationSuccessRate", "OnTimeRate",
            "SatisfactionRate", "StrictSatisfactionRate", "FollowUpRate", "PerformanceRate", "Amount", "ShareGrid", "ShareCommunity",
            "ShareStreet", "ShareCounty", "ConfirmationApplications", "Confirmations", "ConfirmationRate", "Note"),
    ];

    public string UnitColumn => Word("Unit");
    public string CategoryColumn => Word("Category");
    public string ChannelColumn => Word("Channel");
    public string Total => Word("Total");
    public string TooFewCases(int minimum) => _texts.Format("Report.TooFewCases", minimum);
    public string SheetUnits => Word("SheetUnits");
    public string SheetCategories => Word("SheetCategories");
    public string SheetChannels => Word("SheetChannels");
    public string SheetBacklog => Word("SheetBacklog");
    public string SheetCases => Word("SheetCases");
    public string SheetIndicators => Word("SheetIndicators");
    public string SheetRisk => Word("SheetRisk");
    public string SheetDepartments => Word("SheetDepartments");
    public string RiskColumn => Word("Risk");

    /// <summary>The petition-work indicators (信访工作指标) and leader cases, each rate beside the counts it is made of.</summary>
    public string[] IndicatorHeader =>
    [
        UnitColumn, .. Words("PetitionsDecided", "TimelyAccepted", "TimelyAcceptanceRate", "ConcludedPetitions", "RepliedOnTime", "OnTimeReplyRate",
            "Concluded", "Evaluated", "EvaluationRate", "EvaluatedSatisfied", "EvaluatedSatisfactionRate", "RepeatPetitions",
            "LeaderCases", "LeaderResolved", "LeaderResolutionRate"),
    ];

    public string[] DepartmentHeader =>
    [
        Word("Department"), .. Words("DepartmentCases", "AsLead", "Tasks", "TasksCompleted", "CompletedOnTime", "TaskOnTimeRate", "TasksOpen",
            "TasksOverdue", "TasksRecalled", "Resolved", "ResolutionRate"),
    ];

    public string RiskName(string code) => Enum.TryParse<RiskColour>(code, out var colour) && Enum.IsDefined(colour) ? Name(colour) : code;

    public string[] BacklogHeader =>
    [
        UnitColumn, .. Words("Open", "Overdue", "Legacy", "AtGrid", "AtCommunity", "AtStreet", "AtCounty",
            "Age0To7", "Age8To30", "Age31To60", "Age61To90", "AgeOver90"),
    ];

    /// <summary>An event's name as the history shows it (<c>CaseResolved</c>: 化解办结).</summary>
    public string EventName(string type) => _texts[$"Event.{type}"];

    public string SheetLocked => Word("SheetLocked");
    public string SheetLockedActs => Word("SheetLockedActs");

    /// <summary>A locked month's sheet: what its report said when it was locked, and what the figures are now.</summary>
    public string LockedTitle(string unit, string month, DateTimeOffset lockedAt) =>
        _texts.Format("Report.LockedTitle", unit, month, lockedAt.ToOffset(ChinaStandardTime.Offset));

    public string[] LockedHeader => Words("Month", "Unit", "ReceivedLocked", "ReceivedNow", "ConcludedLocked", "ConcludedNow",
        "ResolvedLocked", "ResolvedNow", "ResolutionRateLocked", "ResolutionRateNow", "Changed");

    public string[] LockedActsHeader => Words("Month", "CaseNumber", "Act", "OccurredAt", "RecordedAt", "RecordedBy", "LateReason");

    public string[] CaseHeader => Words("CaseNumber", "Kind", "Channel", "Category", "FiledAt", "HandledAt", "Level", "Status", "Assignee",
        "ReceivedAt", "DueAt", "IsOverdue", "Outcome", "Parties", "Summary");

    public string Erased => Word("Erased");
    public string Withheld => Word("Withheld");
    public string Yes => _texts["Common.Yes"];
    public string No => _texts["Common.No"];

    /// <summary>The label of a coded value (status, level, kind, channel, outcome…).</summary>
    public string Name(Enum value) => _texts.Of(value);

    public string Name(CodeTables.Category category) => _texts.Name(category);

    /// <summary>A channel grouped by its code, as statistics group it.</summary>
    public string ChannelName(string code) => Enum.TryParse<Channel>(code, out var channel) && Enum.IsDefined(channel) ? Name(channel) : code;

    string Word(string key) => _texts[$"Report.{key}"];

    string[] Words(params string[] keys) => keys.Select(Word).ToArray();
}
