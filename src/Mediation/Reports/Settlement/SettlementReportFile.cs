using Mediation.Auditing;
using Mediation.CodeTables;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Statistics;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Mediation.Reports.Settlement;

/// <summary>
/// The settlement table a statistician hands upward: the figures of <c>/api/stats/settlement</c>
/// for each sub-unit of the chosen node and in total, then by category, by channel, and the backlog
/// by sub-unit. Built from the same queries as the statistics endpoints, so the files carry exactly
/// their figures.
/// </summary>
public sealed class SettlementReportBuilder(SettlementQuery settlement, BacklogQuery backlog, IDocumentStore store, IOptions<StatisticsOptions> options)
{
    static readonly ColumnKind[] FigureKinds =
    [
        ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain,
        ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate,
        ColumnKind.Amount, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Rate, ColumnKind.Plain,
    ];

    public async Task<IReadOnlyList<ReportSheet>> BuildAsync(ReportScope scope, OrgTree org, ReportLanguage language, CancellationToken cancellation)
    {
        var minimum = options.Value.MinimumCasesForRanking;
        var byUnit = await settlement.RunAsync(scope with { GroupBy = GroupBy.Node }, org, cancellation);
        var byCategory = await settlement.RunAsync(scope with { GroupBy = GroupBy.Category }, org, cancellation);
        var byChannel = await settlement.RunAsync(scope with { GroupBy = GroupBy.Channel }, org, cancellation);
        Dictionary<string, string> categoryNames;
        await using (var session = store.QuerySession())
            categoryNames = (await session.Query<Category>().ToListAsync(cancellation)).ToDictionary(c => c.Id, c => language.IsChinese ? c.NameZh : c.NameEn);

        string Name(OrgNode node) => node.Name;
        var title = language.SettlementTitle(scope.Node.Name, scope.From, scope.To);

        // Every sub-unit has its row, with zeros when it received nothing; the node's own cases (filed at it, not below) too when there are any.
        var units = org.ChildrenOf(scope.Node.Id).Select(n => (n.Id, Name(n))).ToList();
        if (units.Count == 0 || byUnit.Groups.Any(g => g.Key == scope.Node.Id)) units.Add((scope.Node.Id, $"{Name(scope.Node)}{(units.Count == 0 ? "" : language.IsChinese ? "（本级）" : " (itself)")}"));
        var unitRows = units.Select(u =>
        {
            SettlementFigures figures = byUnit.Groups.FirstOrDefault(g => g.Key == u.Item1) ?? SettlementFigures.Of(SettlementCounts.Zero);
            return Row(u.Item2, figures, figures.Received < minimum ? language.TooFewCases(minimum) : null);
        }).Append(Row(language.Total, byUnit, null)).ToList();

        var categoryRows = byCategory.Groups.Select(g => Row(categoryNames.GetValueOrDefault(g.Key, g.Key), g, null))
            .Append(Row(language.Total, byCategory, null)).ToList();
        var channelRows = byChannel.Groups.Select(g => Row(language.Channel_(g.Key), g, null))
            .Append(Row(language.Total, byChannel, null)).ToList();

        var backlogRows = new List<object?[]>();
        foreach (var (code, name) in units.Append((scope.Node.Id, language.Total)))
        {
            var node = org.Find(code)!;
            var nodeScope = code == scope.Node.Id && name == language.Total
                ? scope
                : scope with { Node = node, NodeCodes = org.All.Where(n => n.Path.StartsWith(node.Path, StringComparison.Ordinal)).Select(n => n.Id).ToArray() };
            if (code == scope.Node.Id && name != language.Total)
                nodeScope = scope with { NodeCodes = [scope.Node.Id] };
            var b = await backlog.RunAsync(nodeScope, cancellation);
            backlogRows.Add([name, b.Open, b.Overdue, b.Legacy, b.ByLevel["Grid"], b.ByLevel["Community"], b.ByLevel["Street"], b.ByLevel["County"],
                .. BacklogQuery.AgeBuckets.Select(a => (object?)b.ByAge[a])]);
        }

        var backlogTitle = language.IsChinese
            ? $"{scope.Node.Name}积案情况（截至{scope.AsOf.ToOffset(TimeSpan.FromHours(8)):yyyy年M月d日 HH:mm}）"
            : $"Backlog, {scope.Node.Name}, as of {scope.AsOf.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm} China time";
        return
        [
            new(language.SheetUnits, title, language.SettlementHeader(language.Unit), FigureKinds, unitRows),
            new(language.SheetCategories, title, language.SettlementHeader(language.Category), FigureKinds, categoryRows),
            new(language.SheetChannels, title, language.SettlementHeader(language.Channel), FigureKinds, channelRows),
            new(language.SheetBacklog, backlogTitle, language.BacklogHeader, [], backlogRows),
        ];
    }

    static object?[] Row(string label, SettlementFigures f, string? note) =>
    [
        label, f.Received, f.Concluded, f.Resolved,
        Rate(f.ResolutionRate), Rate(f.CompletionRate), Rate(f.MediationSuccessRate), Rate(f.OnTimeRate),
        Rate(f.SatisfactionRate), Rate(f.StrictSatisfactionRate), Rate(f.FollowUpRate), Rate(f.PerformanceRate),
        f.AmountInvolved,
        Rate(f.LevelShare["Grid"]), Rate(f.LevelShare["Community"]), Rate(f.LevelShare["Street"]), Rate(f.LevelShare["County"]),
        note,
    ];

    /// <summary>NaN stands for "no denominator"; the file shows it as "—".</summary>
    static double Rate(double? rate) => rate ?? double.NaN;
}

public static class SettlementReportEndpoint
{
    /// <summary>
    /// The settlement statistics table as a file (<c>format=xlsx|csv</c>, <c>lang=zh|en</c>) for a period
    /// (<c>from</c> inclusive, <c>to</c> exclusive) and a node, with the same figures as
    /// <c>/api/stats/settlement</c>.
    /// </summary>
    [WolverineGet("/api/reports/settlement", OperationId = "GetSettlementReport")]
    public static async Task<IResult> Get(HttpContext http, SettlementReportBuilder builder, OrgDirectory directory, AccessLog accessLog, TimeProvider clock,
        CancellationToken cancellation)
    {
        var query = http.Request.Query;
        var format = ReportFile.Parse(query["format"]);
        var language = ReportLanguage.Parse(query["lang"]);
        if (format is null) return Problems.Invalid("format", "must be xlsx or csv").ToResult();
        if (language is null) return Problems.Invalid("lang", "must be zh or en").ToResult();
        var org = await directory.CurrentAsync(cancellation);
        var user = CurrentUser.From(http);
        var (scope, problem) = ReportScope.Parse(query, org, user, clock.GetUtcNow(), grouping: false);
        if (problem is not null) return problem.ToResult();

        var sheets = await builder.BuildAsync(scope!, org, language, cancellation);
        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.Export,
            detail: $"settlement report {scope!.Node.Id} {scope.From:yyyy-MM-dd}..{scope.To:yyyy-MM-dd} {format}".ToLowerInvariant()), cancellation);
        var file = new MemoryStream();
        ReportFile.Write(file, format.Value, sheets);
        file.Position = 0;
        return Results.File(file, ReportFile.ContentType(format.Value),
            $"settlement-{scope.Node.Id}-{scope.From:yyyyMMdd}-{scope.To:yyyyMMdd}.{ReportFile.Extension(format.Value)}");
    }
}
