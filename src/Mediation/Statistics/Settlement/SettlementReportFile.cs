using Mediation.Auditing;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Reports;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace Mediation.Statistics.Settlement;

/// <summary>
/// The settlement table a statistician hands upward: the figures of <c>/api/stats/settlement</c>
/// for each sub-unit of the chosen node and in total, then by category, by channel and by risk, the
/// backlog by sub-unit, the petition-work indicators by sub-unit, and the departments' part. Built from the same queries as the statistics endpoints, so the files carry exactly
/// their figures.
/// </summary>
public sealed class SettlementReportBuilder(SettlementQuery settlement, BacklogQuery backlog, Periods.ChangesSinceLock changes, IDocumentStore store,
    Departments.DepartmentQuery departments, TimeProvider clock, IOptions<StatisticsOptions> options)
{
    static readonly ColumnKind[] FigureKinds =
    [
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain,
        ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate,
        ColumnKind.Amount, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate,
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate, ColumnKind.Plain,
    ];

    public async Task<IReadOnlyList<ReportSheet>> BuildAsync(ReportScope scope, OrgTree org, ReportLanguage language, CancellationToken cancellation)
    {
        // One known-at moment for every sheet, the one the titles state.
        scope = await ReportSql.AsKnownAsync(store, scope, cancellation);
        var minimum = options.Value.MinimumCasesForRanking;
        var byUnit = await settlement.RunAsync(scope with { GroupBy = GroupBy.Node }, org, cancellation);
        var byCategory = await settlement.RunAsync(scope with { GroupBy = GroupBy.Category }, org, cancellation);
        var byChannel = await settlement.RunAsync(scope with { GroupBy = GroupBy.Channel }, org, cancellation);
        var byRisk = await settlement.RunAsync(scope with { GroupBy = GroupBy.Risk }, org, cancellation);
        Dictionary<string, string> categoryNames;
        await using (var session = store.QuerySession())
            categoryNames = (await session.Query<Category>().ToListAsync(cancellation)).ToDictionary(c => c.Id, language.Name);

        var title = language.SettlementTitle(scope.Node.Name, scope.From, scope.To, scope.AsOf, scope.KnownAt);

        // Every sub-unit has its row (zeros when it received nothing), with the scope its backlog is
        // counted in; so do the node's own cases (filed at it, not below) when there are any.
        var units = org.ChildrenOf(scope.Node.Id).Where(n => n.HandlesCases).Select(n => (code: n.Id, label: n.Name, backlog: scope.At(n, org))).ToList();
        if (units.Count == 0) units.Add((scope.Node.Id, scope.Node.Name, scope));
        else if (byUnit.Groups.Any(g => g.Key == scope.Node.Id))
            units.Add((scope.Node.Id, scope.Node.Name + (language.IsChinese ? "（本级）" : " (itself)"), scope with { NodeCodes = [scope.Node.Id] }));
        var unitRows = units.Select(u =>
        {
            SettlementFigures figures = byUnit.Groups.FirstOrDefault(g => g.Key == u.code) ?? SettlementFigures.Of(SettlementCounts.Zero);
            return Row(u.label, figures, figures.Received < minimum ? language.TooFewCases(minimum) : null);
        }).Append(Row(language.Total, byUnit, null)).ToList();

        var categoryRows = byCategory.Groups.Select(g => Row(categoryNames.GetValueOrDefault(g.Key, g.Key), g, null))
            .Append(Row(language.Total, byCategory, null)).ToList();
        var channelRows = byChannel.Groups.Select(g => Row(language.ChannelName(g.Key), g, null))
            .Append(Row(language.Total, byChannel, null)).ToList();
        var riskRows = byRisk.Groups.Select(g => Row(language.RiskName(g.Key), g, null)).Append(Row(language.Total, byRisk, null)).ToList();
        var indicatorRows = units.Select(u => Indicators(u.label, byUnit.Groups.FirstOrDefault(g => g.Key == u.code) ?? SettlementFigures.Of(SettlementCounts.Zero)))
            .Append(Indicators(language.Total, byUnit)).ToList();
        var departmentRows = (await departments.RunAsync(scope, org, clock.GetUtcNow(), cancellation)).Departments.Select(d => new object?[]
        {
            d.NodeName, d.Cases, d.AsLead, d.Tasks, d.Completed, d.CompletedOnTime, Rate(d.OnTimeRate), d.Open, d.Overdue, d.Recalled, d.Resolved, Rate(d.ResolutionRate),
        }).ToList();

        var backlogRows = new List<object?[]>();
        foreach (var (label, unitScope) in units.Select(u => (u.label, u.backlog)).Append((language.Total, scope)))
        {
            var b = await backlog.RunAsync(unitScope, org, cancellation);
            backlogRows.Add([label, b.Open, b.Overdue, b.Legacy, b.ByLevel["Grid"], b.ByLevel["Community"], b.ByLevel["Street"], b.ByLevel["County"],
                .. BacklogQuery.AgeBuckets.Select(a => (object?)b.ByAge[a])]);
        }

        var backlogTitle = language.IsChinese
            ? $"{scope.Node.Name}积案情况（截至{scope.AsOf.ToOffset(ChinaStandardTime.Offset):yyyy年M月d日 HH:mm}，数据登记截至{scope.KnownAt.ToOffset(ChinaStandardTime.Offset):yyyy-MM-ddTHH:mm:ss.ffffffzzz}）"
            : $"Backlog, {scope.Node.Name}, as of {scope.AsOf.ToOffset(ChinaStandardTime.Offset):yyyy-MM-dd HH:mm} China time, as recorded by {scope.KnownAt.ToOffset(ChinaStandardTime.Offset):yyyy-MM-ddTHH:mm:ss.ffffffzzz}";
        var locked = await changes.RunAsync(scope, org, cancellation);
        var lockedSheets = locked.Count == 0 ? [] : LockedSheets(locked, scope, language);
        return
        [
            new(language.SheetUnits, title, language.SettlementHeader(language.UnitColumn), FigureKinds, unitRows.ToAsyncEnumerable()),
            new(language.SheetCategories, title, language.SettlementHeader(language.CategoryColumn), FigureKinds, categoryRows.ToAsyncEnumerable()),
            new(language.SheetChannels, title, language.SettlementHeader(language.ChannelColumn), FigureKinds, channelRows.ToAsyncEnumerable()),
            new(language.SheetBacklog, backlogTitle, language.BacklogHeader, [], backlogRows.ToAsyncEnumerable()),
            .. lockedSheets,
            // Added after the sheets earlier releases wrote, so that a file of theirs and one of this release line up sheet by sheet.
            new(language.SheetRisk, title, language.SettlementHeader(language.RiskColumn), FigureKinds, riskRows.ToAsyncEnumerable()),
            new(language.SheetIndicators, title, language.IndicatorHeader, IndicatorKinds, indicatorRows.ToAsyncEnumerable()),
            new(language.SheetDepartments, title, language.DepartmentHeader, DepartmentKinds, departmentRows.ToAsyncEnumerable()),
        ];
    }

    /// <summary>The locked months of the period: per unit the figures as the report sent said and as now, then the acts recorded since.</summary>
    static ReportSheet[] LockedSheets(IReadOnlyList<Periods.LockedMonth> locked, ReportScope scope, ReportLanguage language)
    {
        var title = string.Join("; ", locked.Select(l => language.LockedTitle(scope.Node.Name, l.Month, l.LockedAt)));
        var units = locked.SelectMany(l => l.Units.Select(u => new object?[]
        {
            l.Month, u.Label ?? u.Key, u.AsLocked.Received, u.Now.Received, u.AsLocked.Concluded, u.Now.Concluded, u.AsLocked.Resolved, u.Now.Resolved,
            Rate(u.AsLocked.ResolutionRate), Rate(u.Now.ResolutionRate), u.Changed ? language.Yes : language.No,
        })).ToList();
        var acts = locked.SelectMany(l => l.Acts.Select(a => new object?[]
        {
            l.Month, a.CaseNumber, language.EventName(a.Type), a.OccurredAt.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            a.RecordedAt.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), a.RecordedBy, a.LateReason,
        })).ToList();
        ColumnKind[] kinds = [ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain,
            ColumnKind.Plain, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Plain];
        return
        [
            new(language.SheetLocked, title, language.LockedHeader, kinds, units.ToAsyncEnumerable()),
            new(language.SheetLockedActs, title, language.LockedActsHeader, [], acts.ToAsyncEnumerable()),
        ];
    }

    static object?[] Row(string label, SettlementFigures f, string? note) =>
    [
        label, f.Received, f.Concluded, f.Resolved,
        Rate(f.ResolutionRate), Rate(f.CompletionRate), Rate(f.MediationSuccessRate), Rate(f.OnTimeRate),
        Rate(f.SatisfactionRate), Rate(f.StrictSatisfactionRate), Rate(f.FollowUpRate), Rate(f.PerformanceRate),
        f.AmountInvolved,
        Rate(f.LevelShare["Grid"]), Rate(f.LevelShare["Community"]), Rate(f.LevelShare["Street"]), Rate(f.LevelShare["County"]),
        f.ConfirmationApplications, f.Confirmations, Rate(f.ConfirmationRate),
        note,
    ];

    static readonly ColumnKind[] IndicatorKinds =
    [
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate,
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate, ColumnKind.Plain, ColumnKind.Rate, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate,
    ];

    static readonly ColumnKind[] DepartmentKinds =
    [
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate,
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Rate,
    ];

    static object?[] Indicators(string label, SettlementFigures f) =>
    [
        label, f.PetitionsDecided, f.TimelyAccepted, Rate(f.TimelyAcceptanceRate), f.ConcludedPetitions, f.RepliedOnTime, Rate(f.OnTimeReplyRate),
        f.Concluded, f.Evaluated, Rate(f.EvaluationRate), f.EvaluatedSatisfied, Rate(f.EvaluatedSatisfactionRate), f.RepeatPetitions,
        f.LeaderCases, f.LeaderResolved, Rate(f.LeaderResolutionRate),
    ];

    /// <summary>NaN stands for "no denominator"; the file shows it as "—".</summary>
    static double Rate(double? rate) => rate ?? double.NaN;
}

public static class SettlementReportEndpoint
{
    /// <summary>
    /// The settlement statistics table as a file (<c>format=xlsx|csv</c>, <c>lang=zh|en</c>) for a period
    /// (<c>from</c> inclusive, <c>to</c> exclusive) and a node, with the same figures as
    /// <c>/api/stats/settlement</c>; its title states the moment the figures are taken at and the recording
    /// moment they are as known at, which reproduces it (<c>knownAt</c>).
    /// </summary>
    [WolverineGet("/api/reports/settlement", OperationId = "GetSettlementReport")]
    [EnableRateLimiting(ExportLimit.Policy)]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, ReportFile.XlsxType, ReportFile.CsvType)]
    public static async Task<IResult> Get(
        [QueryParameter(typeof(DateOnly), ScopeQuery.FromText)] string? from,
        [QueryParameter(typeof(DateOnly), ScopeQuery.ToText)] string? to,
        [QueryParameter(typeof(string), ScopeQuery.NodeCodeText)] string? nodeCode,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.AsOfText)] string? asOf,
        [QueryParameter(typeof(DateTimeOffset), ScopeQuery.KnownAtText)] string? knownAt,
        [QueryParameter(typeof(string), ReportFile.FormatText, Name = "format", Values = ["xlsx", "csv"])] string? formatText,
        [QueryParameter(typeof(string), ReportFile.LanguageText, Name = "lang", Values = ["zh", "en"])] string? languageText,
        HttpContext http, SettlementReportBuilder builder, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var (format, language, invalid) = ReportFile.ParseRequest(formatText, languageText);
        if (invalid is not null) return invalid.ToResult();
        var org = await directory.CurrentAsync(cancellation);
        var user = CurrentUser.From(http);
        var (scope, problem) = ReportScope.Parse(new ScopeQuery(from, to, nodeCode, asOf, KnownAt: knownAt), org, user, clock.GetUtcNow(), grouping: false);
        if (problem is not null) return problem.ToResult();

        var sheets = await builder.BuildAsync(scope!, org, language, cancellation);
        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.Export,
            detail: $"settlement report {scope!.Node.Id} {scope.From:yyyy-MM-dd}..{scope.To:yyyy-MM-dd} {format}".ToLowerInvariant()), cancellation);
        return await ReportFile.AnswerAsync(format, $"settlement-{scope.Node.Id}-{scope.From:yyyyMMdd}-{scope.To:yyyyMMdd}.{ReportFile.Extension(format)}",
            sheets, cancellation);
    }
}
