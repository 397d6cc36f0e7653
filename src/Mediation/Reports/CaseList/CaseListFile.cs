using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Marten;
using Mediation.Auditing;
using Mediation.Cases;
using Mediation.Cases.Reading;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Parties;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace Mediation.Reports.CaseList;

/// <summary>
/// The filtered case list as a file, parties masked, read in one streaming query and written row by
/// row: a hundred thousand cases never sit in memory together (parties are loaded a chunk at a time).
/// </summary>
public sealed class CaseListExport(IDocumentStore store)
{
    const int Chunk = 1000;

    public ReportSheet Sheet(CaseFilter filter, OrgTree org, CurrentUser user, DateTimeOffset now, ReportLanguage language, OrgNode? unit,
        CancellationToken cancellation, Action<int>? progress = null) =>
        new(language.SheetCases, language.CaseListTitle(unit?.Name ?? string.Join("、", org.Roots.Select(r => r.Name)), now), language.CaseHeader, [],
            Rows(filter, org, user, now, language, progress, cancellation));

    /// <summary>
    /// The rows as the writer asks for them. One streaming query and the parties of each chunk of
    /// cases are read a chunk ahead of the writer, so reading and writing overlap and no more than
    /// three chunks are ever in memory. The writer's cancellation (the client gone, the command
    /// stopped) cancels the query; so does a writer that stops early.
    /// </summary>
    async IAsyncEnumerable<object?[]> Rows(CaseFilter filter, OrgTree org, CurrentUser user, DateTimeOffset now, ReportLanguage language,
        Action<int>? progress, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var chunks = System.Threading.Channels.Channel.CreateBounded<List<object?[]>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var producer = ProduceAsync(chunks.Writer, filter, org, user, now, language, progress, stop.Token);
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellation))
                foreach (var row in chunk)
                    yield return row;
            await producer;
        }
        finally
        {
            await stop.CancelAsync();
            try { await producer; }
            catch (OperationCanceledException) { }
        }
    }

    async Task ProduceAsync(ChannelWriter<List<object?[]>> chunks, CaseFilter filter, OrgTree org, CurrentUser user, DateTimeOffset now,
        ReportLanguage language, Action<int>? progress, CancellationToken cancellation)
    {
        try
        {
            await using var session = store.QuerySession();
            // Retired categories too: old cases keep theirs.
            var categories = (await session.Query<Category>().ToListAsync(cancellation)).ToDictionary(c => c.Id, language.Name);
            // Only the fields the file shows: less of each document to read and parse.
            var cases = filter.Apply(session.Query<MediationCase>(), org, now, user)
                .OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.CaseNumber)
                .Select(c => new ListedCase
                {
                    Id = c.Id, CaseNumber = c.CaseNumber, Kind = c.Kind, PetitionType = c.PetitionType, Channel = c.Channel, Category = c.Category,
                    Summary = c.Summary, NodeCode = c.NodeCode, HandlingNodeCode = c.HandlingNodeCode, Level = c.Level, Status = c.Status,
                    Assignee = c.Assignee, Parties = c.Parties, ReceivedAt = c.ReceivedAt, DueAt = c.DueAt, Outcome = c.Outcome,
                })
                .ToAsyncEnumerable(cancellation);
            var chunk = new List<ListedCase>(Chunk);
            var written = 0;
            async Task FlushAsync()
            {
                await chunks.WriteAsync(await WithPartiesAsync(chunk, org, categories, user, now, language, cancellation), cancellation);
                progress?.Invoke(written += chunk.Count);
                chunk.Clear();
            }
            await foreach (var c in cases.WithCancellation(cancellation))
            {
                chunk.Add(c);
                if (chunk.Count == Chunk) await FlushAsync();
            }
            if (chunk.Count > 0) await FlushAsync();
            chunks.Complete();
        }
        catch (Exception e)
        {
            chunks.Complete(e);
            throw;
        }
    }

    /// <summary>The rows of a chunk of cases, every coded value in the file's language: categories and units by name.</summary>
    async Task<List<object?[]>> WithPartiesAsync(List<ListedCase> cases, OrgTree org, IReadOnlyDictionary<string, string> categories, CurrentUser user,
        DateTimeOffset now, ReportLanguage language, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ids = cases.Select(c => c.Id).ToArray();
        var parties = (await session.Query<Party>().Where(p => p.CaseId.IsOneOf(ids)).ToListAsync(cancellation)).ToDictionary(p => p.Id);
        var rows = new List<object?[]>(cases.Count);
        foreach (var c in cases)
        {
            var shown = c.Parties.Where(p => parties.ContainsKey(p.PartyId)).Select(p =>
            {
                var view = PartyView.Of(parties[p.PartyId], PartyView.For(c.PetitionType, c.HandlingNodeCode, p.Role, user, unmask: false));
                var who = view.Erased ? language.Erased : view.Hidden ? language.Withheld : view.Name;
                return $"{language.Name(p.Role)}:{who} {view.Phone}".Trim();
            });
            var overdue = CaseRules.IsOpen(c.Status) && now > c.DueAt;
            rows.Add(
            [
                c.CaseNumber, language.Name(c.Kind), language.Name(c.Channel), categories.GetValueOrDefault(c.Category, c.Category),
                UnitName(org, c.NodeCode), UnitName(org, c.HandlingNodeCode), language.Name(c.Level), language.Name(c.Status), c.Assignee,
                c.ReceivedAt.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd HH:mm"), c.DueAt.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd"),
                overdue ? language.Yes : language.No, c.Outcome is { } outcome ? language.Name(outcome) : null, string.Join("；", shown), c.Summary,
            ]);
        }
        return rows;
    }

    static string UnitName(OrgTree org, string code) => org.Find(code)?.Name ?? code;
}

/// <summary>The fields of a case the list file shows.</summary>
public sealed class ListedCase
{
    public Guid Id { get; set; }
    public string CaseNumber { get; set; } = "";
    public CaseKind Kind { get; set; }
    public PetitionType? PetitionType { get; set; }
    public Cases.Channel Channel { get; set; }
    public string Category { get; set; } = "";
    public string Summary { get; set; } = "";
    public string NodeCode { get; set; } = "";
    public string HandlingNodeCode { get; set; } = "";
    public Level Level { get; set; }
    public CaseStatus Status { get; set; }
    public string? Assignee { get; set; }
    public IReadOnlyList<PartyReference> Parties { get; set; } = [];
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public Outcome? Outcome { get; set; }
}

public static class CaseListFileEndpoint
{
    /// <summary>
    /// The case list (the filters of <c>GET /api/cases</c>, cut to the caller's jurisdiction) as a
    /// file, personal data masked; each export is written to the access log.
    /// </summary>
    [WolverineGet("/api/reports/cases", OperationId = "GetCaseListReport")]
    [EnableRateLimiting(ExportLimit.Policy)]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, ReportFile.XlsxType, ReportFile.CsvType)]
    public static async Task<IResult> Get([AsParameters] CaseQuery query,
        [QueryParameter(typeof(string), ReportFile.FormatText, Name = "format", Values = ["xlsx", "csv"])] string? formatText,
        [QueryParameter(typeof(string), ReportFile.LanguageText, Name = "lang", Values = ["zh", "en"])] string? languageText,
        HttpContext http, CaseListExport export, OrgDirectory directory, AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var (format, language, invalid) = ReportFile.ParseRequest(formatText, languageText);
        if (invalid is not null) return invalid.ToResult();
        var (filter, problem) = CaseFilter.Parse(query);
        if (problem is not null) return problem.ToResult();
        var org = await directory.CurrentAsync(cancellation);
        var user = CurrentUser.From(http);
        var now = clock.GetUtcNow();
        if (filter!.NodeCode is { } node && !user.Covers(org, node)) return Problems.NoNode(node).ToResult();

        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.Export, detail: $"case list {format.ToString().ToLowerInvariant()}: {http.Request.QueryString}"),
            cancellation);
        var unit = org.Find(filter.NodeCode ?? user.NodeCode);
        return await ReportFile.AnswerAsync(format, $"cases-{now.ToOffset(ChinaStandardTime.Offset):yyyyMMdd-HHmm}.{ReportFile.Extension(format)}",
            [export.Sheet(filter, org, user, now, language, unit, cancellation)], cancellation);
    }
}
