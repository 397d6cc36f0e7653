using System.Globalization;
using JasperFx.CommandLine;
using Mediation.Cases.Reading;
using Mediation.Organisation;
using Mediation.Reports.CaseList;
using Mediation.Security;
using Mediation.Statistics;
using Mediation.Statistics.Settlement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Spectre.Console;

namespace Mediation.Reports;

public sealed class ExportInput : NetCoreInput
{
    [Description("settlement or cases")]
    public string What { get; set; } = "settlement";

    [Description("First day, yyyy-MM-dd (default: 1 January of this year)")]
    public string? FromFlag { get; set; }

    [Description("Day after the last, yyyy-MM-dd (default: tomorrow)")]
    public string? ToFlag { get; set; }

    [Description("The unit (node code; default: the single root)")]
    public string? NodeFlag { get; set; }

    [Description("Settlement: the business moment the figures are taken at, ISO 8601 with offset (default: now)")]
    public string? AsOfFlag { get; set; }

    [Description("Settlement: the recording moment the figures are as known at, ISO 8601 with offset (default: now); reproduces a report made then")]
    public string? KnownAtFlag { get; set; }

    [Description("xlsx (default) or csv")]
    public string FormatFlag { get; set; } = "xlsx";

    [Description("zh (default) or en")]
    public string LangFlag { get; set; } = "zh";

    [Description("Case list: only cases with this status")]
    public string? StatusFlag { get; set; }

    [Description("The file to write")]
    public string OutFlag { get; set; } = "";
}

[Description("Write the settlement report or a case list (masked) to a file, as the export endpoints do")]
public sealed class ExportCommand : JasperFxAsyncCommand<ExportInput>
{
    public ExportCommand()
    {
        Usage("Export a report").Arguments(x => x.What);
    }

    public override async Task<bool> Execute(ExportInput input)
    {
        var format = ReportFile.Parse(input.FormatFlag);
        var language = ReportLanguage.Parse(input.LangFlag);
        if (format is null || language is null || input.OutFlag.Length == 0 || input.What is not ("settlement" or "cases"))
        {
            AnsiConsole.MarkupLine("[red]export settlement|cases --out FILE [[--from --to --node --as-of --known-at --format xlsx|csv --lang zh|en --status]][/]");
            return false;
        }
        using var host = input.BuildHost();
        var services = host.Services;
        var org = await services.GetRequiredService<OrgDirectory>().CurrentAsync();
        var now = TimeProvider.System.GetUtcNow();
        var query = new Dictionary<string, StringValues>();
        if (input.FromFlag is not null) query["from"] = input.FromFlag;
        if (input.ToFlag is not null) query["to"] = input.ToFlag;
        if (input.NodeFlag is not null) query["nodeCode"] = input.NodeFlag;
        if (input.AsOfFlag is not null) query["asOf"] = input.AsOfFlag;
        if (input.KnownAtFlag is not null) query["knownAt"] = input.KnownAtFlag;
        if (input.StatusFlag is not null) query["status"] = input.StatusFlag;
        // The command line acts for the whole organisation, as an administrator would.
        var user = new CurrentUser("export-command", null, new HashSet<string>(Roles.All));

        IReadOnlyList<ReportSheet> sheets;
        if (input.What == "settlement")
        {
            var (scope, problem) = ReportScope.Parse(new ScopeQuery(input.FromFlag, input.ToFlag, input.NodeFlag, input.AsOfFlag, KnownAt: input.KnownAtFlag),
                org, user, now, grouping: false);
            if (problem is not null) return Fail(problem.Detail);
            sheets = await services.GetRequiredService<SettlementReportBuilder>().BuildAsync(scope!, org, language, CancellationToken.None);
            await using var file = File.Create(input.OutFlag);
            await ReportFile.WriteAsync(file, format.Value, sheets, CancellationToken.None);
        }
        else
        {
            var (filter, problem) = CaseFilter.Parse(new CaseQuery { NodeCode = input.NodeFlag, Status = input.StatusFlag });
            if (problem is not null) return Fail(problem.Detail);
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("Exporting cases: 0");
                    await using (var file = new FileStream(input.OutFlag, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    {
                        var sheet = services.GetRequiredService<CaseListExport>().Sheet(filter!, org, user, now, language, org.Find(filter!.NodeCode),
                            CancellationToken.None, written => task.Description = $"Exporting cases: {written:N0}");
                        await ReportFile.WriteAsync(file, format.Value, [sheet], CancellationToken.None);
                    }
                    task.StopTask();
                });
        }
        var accessLog = services.GetRequiredService<Auditing.AccessLog>();
        await accessLog.WriteAsync(accessLog.Entry(null, $"cli:{Environment.UserName}", Auditing.AccessAction.Export,
            detail: $"{input.What} export to {Path.GetFullPath(input.OutFlag)}: {string.Join(" ", query.Select(q => $"{q.Key}={q.Value}"))}"), CancellationToken.None);
        AnsiConsole.MarkupLine($"[green]Wrote {Markup.Escape(input.OutFlag)}[/] ({new FileInfo(input.OutFlag).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
        return true;
    }

    static bool Fail(string? message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message ?? "refused")}[/]");
        return false;
    }
}
