using Mediation.Cases;
using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Reports;

/// <summary>The words of the report files: Chinese by default, English with <c>lang=en</c>.</summary>
public sealed class ReportLanguage
{
    public static readonly ReportLanguage Chinese = new(true);
    public static readonly ReportLanguage English = new(false);

    ReportLanguage(bool zh) => IsChinese = zh;

    public bool IsChinese { get; }
    public string Code => IsChinese ? "zh" : "en";

    public static ReportLanguage? Parse(string? text) => text switch
    {
        null or "" or "zh" or "zh-CN" => Chinese,
        "en" => English,
        _ => null,
    };

    string T(string zh, string en) => IsChinese ? zh : en;

    /// <summary>The rate shown where its denominator is zero.</summary>
    public const string NoRate = "—";

    public string SettlementTitle(string unit, DateOnly from, DateOnly to) => IsChinese
        ? $"{unit}矛盾纠纷调处化解情况统计表（{from:yyyy年M月d日}至{to.AddDays(-1):yyyy年M月d日}）"
        : $"Dispute settlement statistics, {unit}, {from:yyyy-MM-dd} to {to.AddDays(-1):yyyy-MM-dd}";

    public string CaseListTitle(string unit, DateTimeOffset at) => IsChinese
        ? $"{unit}案件清单（导出时间 {at.ToOffset(ChinaStandardTime.Offset):yyyy-MM-dd HH:mm}，个人信息已脱敏）"
        : $"Case list, {unit} (exported {at.ToOffset(ChinaStandardTime.Offset):yyyy-MM-dd HH:mm} China time; personal data masked)";

    public string[] SettlementHeader(string firstColumn) =>
    [
        firstColumn, T("受理数", "Received"), T("办结数", "Concluded"), T("化解数", "Resolved"),
        T("化解率", "Resolution rate"), T("办结率", "Completion rate"), T("调解成功率", "Mediation success rate"),
        T("按期办结率", "On-time rate"), T("满意率", "Satisfaction rate"), T("严格满意率", "Strict satisfaction rate"),
        T("回访率", "Follow-up rate"), T("协议履行率", "Performance rate"), T("涉及金额（元）", "Amount involved (yuan)"),
        T("网格化解占比", "Share resolved at grid"), T("社区化解占比", "Share resolved at community"),
        T("街道化解占比", "Share resolved at street"), T("县级化解占比", "Share resolved at county"), T("备注", "Note"),
    ];

    public string UnitColumn => T("单位", "Unit");
    public string CategoryColumn => T("纠纷类别", "Category");
    public string ChannelColumn => T("受理渠道", "Channel");
    public string Total => T("合计", "Total");
    public string TooFewCases(int minimum) => T($"样本不足（少于{minimum}件）", $"Few cases (under {minimum})");
    public string SheetUnits => T("分单位", "By unit");
    public string SheetCategories => T("分类别", "By category");
    public string SheetChannels => T("分渠道", "By channel");
    public string SheetBacklog => T("积案", "Backlog");
    public string SheetCases => T("案件清单", "Cases");

    public string[] BacklogHeader =>
    [
        UnitColumn, T("在办数", "Open"), T("超期数", "Overdue"), T("积案数（久拖未决）", "Legacy"),
        T("网格", "At grid"), T("社区", "At community"), T("街道", "At street"), T("县级", "At county"),
        T("0-7天", "0-7 days"), T("8-30天", "8-30 days"), T("31-60天", "31-60 days"), T("61-90天", "61-90 days"), T("90天以上", "Over 90 days"),
    ];

    public string[] CaseHeader =>
    [
        T("案件编号", "Case number"), T("类型", "Kind"), T("受理渠道", "Channel"), T("纠纷类别", "Category"), T("受理单位", "Filed at"),
        T("办理单位", "Handled at"), T("层级", "Level"), T("状态", "Status"), T("承办人", "Assignee"), T("受理时间", "Received"),
        T("办理期限", "Due"), T("是否超期", "Overdue"), T("结果", "Outcome"), T("当事人（脱敏）", "Parties (masked)"), T("事由", "Summary"),
    ];

    public string Yes => T("是", "yes");
    public string No => T("否", "no");

    public string KindName(CaseKind kind) => kind switch
    {
        CaseKind.Dispute => T("矛盾纠纷", "Dispute"),
        CaseKind.Petition => T("信访事项", "Petition"),
        _ => T("求助", "Help request"),
    };

    public string ChannelName(string channel) => !IsChinese ? channel : channel switch
    {
        nameof(Channel.WalkIn) => "来访",
        nameof(Channel.Phone) => "来电",
        nameof(Channel.Letter) => "来信",
        nameof(Channel.Online) => "网上",
        nameof(Channel.Hotline12345) => "12345热线",
        nameof(Channel.GridPatrol) => "网格排查",
        nameof(Channel.CourtReferral) => "法院委托",
        nameof(Channel.PoliceReferral) => "公安移交",
        nameof(Channel.OwnInitiative) => "主动排查",
        _ => channel,
    };

    public string LevelName(Level level) => !IsChinese ? level.ToString() : level switch
    {
        Level.Grid => "网格",
        Level.Community => "社区",
        Level.Street => "街道",
        _ => "县级",
    };

    public string StatusName(CaseStatus status) => !IsChinese ? status.ToString() : status switch
    {
        CaseStatus.Registered => "已登记",
        CaseStatus.Accepted => "已受理",
        CaseStatus.NotAccepted => "不予受理",
        CaseStatus.Assigned => "办理中",
        CaseStatus.Resolved => "已化解",
        CaseStatus.Closed => "已办结",
        _ => "已移送",
    };

    public string RoleName(PartyRole role) => !IsChinese ? role.ToString() : role switch
    {
        PartyRole.Applicant => "申请人",
        PartyRole.Respondent => "被申请人",
        PartyRole.ThirdParty => "第三人",
        _ => "代理人",
    };
}
