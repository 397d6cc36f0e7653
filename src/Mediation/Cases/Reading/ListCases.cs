using System.Globalization;
using Marten;
using Marten.Linq.MatchesSql;
using Marten.Pagination;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reading;

/// <summary>
/// The filters of <c>GET /api/cases</c> (and of the case-list export) as the client wrote them: text, so
/// that <see cref="CaseFilter.Parse"/> can say what is wrong with them.
/// </summary>
public sealed record CaseQuery
{
    [QueryParameter(typeof(CaseStatus), "Only cases in this status.", Name = "status")] public string? Status { get; set; }
    [QueryParameter(typeof(Level), "Only cases handled at this level now.", Name = "level")] public string? Level { get; set; }
    [QueryParameter(typeof(string), "Only cases filed at this node or below it.", Name = "nodeCode")] public string? NodeCode { get; set; }
    [QueryParameter(typeof(string), "Only cases handled at this node or below it now.", Name = "handlingNodeCode")] public string? HandlingNodeCode { get; set; }
    [QueryParameter(typeof(CaseKind), "Only cases of this kind.", Name = "kind")] public string? Kind { get; set; }
    [QueryParameter(typeof(string), "Only cases of this category (its code, GET /api/categories).", Name = "category")] public string? Category { get; set; }
    [QueryParameter(typeof(bool), "true: only open cases past their due time, and cases with an agreement term past its due date and not fully performed; false: only the others.", Name = "overdue")] public string? Overdue { get; set; }
    [QueryParameter(typeof(string), "Only cases assigned to this person.", Name = "assignee")] public string? Assignee { get; set; }
    [QueryParameter(typeof(string), "The beginning of a case number, or words of the summary.", Name = "q")] public string? Q { get; set; }
    [QueryParameter(typeof(RiskColour), "Only cases graded this colour now.", Name = "riskColour")] public string? RiskColour { get; set; }
    [QueryParameter(typeof(string), "Only cases this leader answers for (a user name).", Name = "leader")] public string? Leader { get; set; }
    [QueryParameter(typeof(string), "Only cases dispatched to this department (its code).", Name = "department")] public string? Department { get; set; }
    [QueryParameter(typeof(int), "Page number, from 1 (default 1).", Name = "page")] public string? Page { get; set; }
    [QueryParameter(typeof(int), "Cases per page, 1 to 200 (default 20).", Name = "pageSize")] public string? PageSize { get; set; }

    /// <summary>The same, read from a page's or a command line's query collection.</summary>
    public static CaseQuery Of(IQueryCollection query) => new()
    {
        Status = query["status"], Level = query["level"], NodeCode = query["nodeCode"], HandlingNodeCode = query["handlingNodeCode"],
        Kind = query["kind"], Category = query["category"], Overdue = query["overdue"], Assignee = query["assignee"], Q = query["q"],
        Page = query["page"], PageSize = query["pageSize"], RiskColour = query["riskColour"], Leader = query["leader"], Department = query["department"],
    };
}

/// <summary>The filters of <c>GET /api/cases</c>, parsed and checked.</summary>
public sealed record CaseFilter(
    CaseStatus? Status,
    Level? Level,
    string? NodeCode,
    string? HandlingNodeCode,
    CaseKind? Kind,
    string? Category,
    bool? Overdue,
    string? Assignee,
    string? Q,
    int Page,
    int PageSize,
    RiskColour? RiskColour = null,
    bool OpenOnly = false,
    string? Leader = null,
    string? Department = null)
{
    public const int MaxPageSize = 200;

    public static (CaseFilter? filter, ProblemDetails? problem) Parse(CaseQuery query)
    {
        var check = new Validation();
        T? Enum<T>(string name, string? text) where T : struct, System.Enum
        {
            if (string.IsNullOrEmpty(text)) return null;
            if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
            check.Add(name, FieldMessage.OneOf(System.Enum.GetNames<T>()));
            return null;
        }
        string? Text(string name, string? given, int max)
        {
            var text = given?.Trim() ?? "";
            if (text.Length == 0) return null;
            if (text.Length > max) check.Add(name, FieldMessage.AtMostCharacters(max));
            return text;
        }
        int Number(string name, string? text, int fallback, int min, int max)
        {
            if (string.IsNullOrEmpty(text)) return fallback;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            check.Add(name, FieldMessage.WholeNumberBetween(min, max));
            return fallback;
        }

        bool? overdue = null;
        if (query.Overdue is { Length: > 0 } overdueText)
        {
            if (bool.TryParse(overdueText, out var flag)) overdue = flag;
            else check.Add("overdue", FieldMessage.TrueOrFalse);
        }

        var filter = new CaseFilter(Enum<CaseStatus>("status", query.Status), Enum<Level>("level", query.Level), Text("nodeCode", query.NodeCode, 32),
            Text("handlingNodeCode", query.HandlingNodeCode, 32), Enum<CaseKind>("kind", query.Kind), Text("category", query.Category, 50), overdue,
            Text("assignee", query.Assignee, 64), Text("q", query.Q, 100),
            Number("page", query.Page, 1, 1, 1_000_000), Number("pageSize", query.PageSize, 20, 1, MaxPageSize), Enum<RiskColour>("riskColour", query.RiskColour),
            Leader: Text("leader", query.Leader, 64), Department: Text("department", query.Department, 32));
        return check.IsValid ? (filter, null) : (null, Problems.Invalid(check));
    }

    static readonly CaseStatus[] OpenStatuses = [.. CaseRules.OpenStatuses];

    public IQueryable<MediationCase> Apply(IQueryable<MediationCase> cases, OrgTree org, DateTimeOffset now, CurrentUser user)
    {
        if (user.NodeCode is { } jurisdiction)
        {
            // As CurrentUser.Sees: filed or handled within, dispatched to a department within, or led by the caller.
            var mine = Subtree(org, jurisdiction);
            var name = user.Name;
            cases = cases.Where(c => c.NodeCode.IsOneOf(mine) || c.HandlingNodeCode.IsOneOf(mine) || c.LeaderName == name
                                     || c.MatchesSql("d.departments && ?::varchar[]", new object[] { mine }));
        }
        if (Status is { } status) cases = cases.Where(c => c.Status == status);
        if (OpenOnly) cases = cases.Where(c => c.Status.IsOneOf(OpenStatuses));
        if (Level is { } level) cases = cases.Where(c => c.Level == level);
        if (Kind is { } kind) cases = cases.Where(c => c.Kind == kind);
        if (Category is { } category) cases = cases.Where(c => c.Category == category);
        if (Assignee is { } assignee) cases = cases.Where(c => c.Assignee == assignee);
        if (RiskColour is { } colour) cases = cases.Where(c => c.RiskColour == colour);
        if (Leader is { } leader) cases = cases.Where(c => c.LeaderName == leader);
        if (Department is { } department) cases = cases.Where(c => c.MatchesSql("? = any(d.departments)", department));
        if (NodeCode is { } node) cases = WithinSubtree(cases, org, node, handling: false);
        if (HandlingNodeCode is { } handling) cases = WithinSubtree(cases, org, handling, handling: true);
        // Overdue: open past the handling deadline, or a term of the agreement past its due date while not fully performed.
        if (Overdue is true) cases = cases.Where(c => (c.Status.IsOneOf(OpenStatuses) && c.DueAt < now) || c.TermDueAt < now);
        if (Overdue is false) cases = cases.Where(c => (!c.Status.IsOneOf(OpenStatuses) || c.DueAt >= now) && (c.TermDueAt == null || c.TermDueAt >= now));
        if (Q is { } q) cases = cases.Where(c => c.CaseNumber.StartsWith(q) || c.Summary.Contains(q, StringComparison.OrdinalIgnoreCase));
        return cases;
    }

    static string[] Subtree(OrgTree org, string code) => org.Find(code) is { } root ? org.Subtree(root).Select(n => n.Id).ToArray() : [code];

    static IQueryable<MediationCase> WithinSubtree(IQueryable<MediationCase> cases, OrgTree org, string code, bool handling)
    {
        var codes = Subtree(org, code);
        return handling ? cases.Where(c => c.HandlingNodeCode.IsOneOf(codes)) : cases.Where(c => c.NodeCode.IsOneOf(codes));
    }
}

public static class ListCasesEndpoint
{
    /// <summary>A page of cases, newest received first, from the indexed case documents.</summary>
    [WolverineGet("/api/cases", OperationId = "ListCases")]
    [ProducesResponseType<CaseList>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get([AsParameters] CaseQuery query, HttpContext http, IQuerySession session, OrgDirectory directory, TimeProvider clock,
        CancellationToken cancellation)
    {
        var (filter, problem) = CaseFilter.Parse(query);
        if (problem is not null) return problem.ToResult();
        return Results.Ok(await PageAsync(filter!, CurrentUser.From(http), session, await directory.CurrentAsync(cancellation), clock.GetUtcNow(), cancellation));
    }

    /// <summary>The page of cases a filter selects for this user: the API's list and the workbench's queue.</summary>
    public static async Task<CaseList> PageAsync(CaseFilter filter, CurrentUser user, IQuerySession session, OrgTree org, DateTimeOffset now,
        CancellationToken cancellation)
    {
        var page = await filter.Apply(session.Query<MediationCase>(), org, now, user)
            .OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.CaseNumber)
            .ToPagedListAsync(filter.Page, filter.PageSize, cancellation);
        return new CaseList(page.Select(c => CaseListItem.Of(c, now)).ToList(), filter.Page, filter.PageSize, page.TotalItemCount);
    }
}
