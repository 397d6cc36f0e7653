using System.Globalization;
using Marten;
using Marten.Pagination;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reading;

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
    int PageSize)
{
    public const int MaxPageSize = 200;

    public static (CaseFilter? filter, ProblemDetails? problem) Parse(IQueryCollection query)
    {
        var check = new Validation();
        T? Enum<T>(string name) where T : struct, System.Enum
        {
            if (!query.TryGetValue(name, out var text) || text.ToString().Length == 0) return null;
            if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
            check.Add(name, $"must be one of {string.Join(", ", System.Enum.GetNames<T>())}");
            return null;
        }
        string? Text(string name, int max)
        {
            var text = query[name].ToString().Trim();
            if (text.Length == 0) return null;
            if (text.Length > max) check.Add(name, $"must be at most {max} characters");
            return text;
        }
        int Number(string name, int fallback, int min, int max)
        {
            var text = query[name].ToString();
            if (text.Length == 0) return fallback;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            check.Add(name, $"must be a whole number from {min} to {max}");
            return fallback;
        }

        bool? overdue = null;
        if (query["overdue"].ToString() is { Length: > 0 } overdueText)
        {
            if (bool.TryParse(overdueText, out var flag)) overdue = flag;
            else check.Add("overdue", "must be true or false");
        }

        var filter = new CaseFilter(Enum<CaseStatus>("status"), Enum<Level>("level"), Text("nodeCode", 32), Text("handlingNodeCode", 32),
            Enum<CaseKind>("kind"), Text("category", 50), overdue, Text("assignee", 64), Text("q", 100),
            Number("page", 1, 1, 1_000_000), Number("pageSize", 20, 1, MaxPageSize));
        return check.IsValid ? (filter, null) : (null, Problems.Invalid(check.Errors));
    }

    static readonly CaseStatus[] OpenStatuses = [CaseStatus.Registered, CaseStatus.Accepted, CaseStatus.Assigned];

    public IQueryable<MediationCase> Apply(IQueryable<MediationCase> cases, OrgTree org, DateTimeOffset now, CurrentUser user)
    {
        if (user.NodeCode is { } jurisdiction)
        {
            var mine = Subtree(org, jurisdiction);
            cases = cases.Where(c => c.NodeCode.IsOneOf(mine) || c.HandlingNodeCode.IsOneOf(mine));
        }
        if (Status is { } status) cases = cases.Where(c => c.Status == status);
        if (Level is { } level) cases = cases.Where(c => c.Level == level);
        if (Kind is { } kind) cases = cases.Where(c => c.Kind == kind);
        if (Category is { } category) cases = cases.Where(c => c.Category == category);
        if (Assignee is { } assignee) cases = cases.Where(c => c.Assignee == assignee);
        if (NodeCode is { } node) cases = WithinSubtree(cases, org, node, handling: false);
        if (HandlingNodeCode is { } handling) cases = WithinSubtree(cases, org, handling, handling: true);
        if (Overdue is true) cases = cases.Where(c => c.Status.IsOneOf(OpenStatuses) && c.DueAt < now);
        if (Overdue is false) cases = cases.Where(c => !c.Status.IsOneOf(OpenStatuses) || c.DueAt >= now);
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
    public static async Task<IResult> Get(HttpContext http, IQuerySession session, OrgDirectory directory, TimeProvider clock, CancellationToken cancellation)
    {
        var (filter, problem) = CaseFilter.Parse(http.Request.Query);
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
