using System.Collections.Frozen;
using Mediation.Cases;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Security;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Clerk = "Clerk";
    public const string Mediator = "Mediator";
    public const string Supervisor = "Supervisor";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Clerk, Mediator, Supervisor, Auditor];
}

/// <summary>Who may call an endpoint: nobody signed in needed, or any of these roles.</summary>
/// <param name="InJurisdiction">
/// The endpoint is about a case, node, party or user: outside the caller's jurisdiction it answers 404.
/// </param>
/// <param name="WholeTree">
/// The endpoint tells about every case in the database at once, which no unit's jurisdiction covers:
/// only a user of the whole tree may call it.
/// </param>
public sealed record Access(string Action, bool Anonymous, IReadOnlySet<string> Roles, bool InJurisdiction, bool WholeTree = false)
{
    public static Access Open(string action) => new(action, true, new HashSet<string>(), false);
    public static Access For(string action, bool inJurisdiction, params string[] roles) => new(action, false, roles.ToHashSet(), inJurisdiction);
    public static Access ForWholeTree(string action, params string[] roles) => new(action, false, roles.ToHashSet(), false, WholeTree: true);

    /// <summary>Whether a signed-in <paramref name="user"/> may call it: one of the roles, and the whole tree where it needs it.</summary>
    public bool Admits(CurrentUser user) => user.Roles.Overlaps(Roles) && (!WholeTree || user.NodeCode is null);
}

/// <summary>
/// The role × action table of docs/security.md, enforced here and nowhere else: every endpoint under
/// <c>/api</c> must be named in it, or it answers 403 to everyone. The rows of the commands on a case
/// come from their catalogue (<see cref="CaseCommands"/>). Jurisdiction (404 outside it) is decided
/// where the data is read, because it depends on the case or node.
/// </summary>
public static class AccessTable
{
    const string A = Roles.Admin, C = Roles.Clerk, M = Roles.Mediator, S = Roles.Supervisor, U = Roles.Auditor;

    public static readonly FrozenDictionary<string, Access> Endpoints = new Dictionary<string, Access>
    {
        ["POST /api/auth/token"] = Access.Open("sign in"),
        ["POST /api/auth/password"] = Access.For("change your own password", false, A, C, M, S, U),

        ["POST /api/users"] = Access.For("create a user", true, A),
        ["PATCH /api/users/{username}"] = Access.For("disable, enable or change a user", true, A),
        ["POST /api/users/{username}/password"] = Access.For("reset a user's password", true, A),
        ["PUT /api/org/nodes/{code}"] = Access.For("create or rename an organisation node", true, A),
        ["GET /api/org/tree"] = Access.For("read the organisation tree", false, A, C, M, S, U),
        ["GET /api/org/nodes/{code}"] = Access.For("read an organisation node", true, A, C, M, S, U),
        ["GET /api/categories"] = Access.For("read the category code table", false, A, C, M, S, U),

        ["POST /api/cases"] = Access.For("file a case", true, C, S),
        ["GET /api/cases"] = Access.For("list cases", false, C, M, S, U),
        ["GET /api/cases/{id}"] = Access.For("read a case", true, C, M, S, U),
        ["GET /api/cases/by-number/{caseNumber}"] = Access.For("read a case", true, C, M, S, U),
        ["GET /api/cases/{id}/history"] = Access.For("read a case's history", true, C, M, S, U),
        ["POST /api/persons/related"] = Access.For("find a person's earlier cases", false, C, M, S, U),
        ["GET /api/cases/{id}/related"] = Access.For("find a case's related cases", true, C, M, S, U),
        ["GET /api/cases/{id}/verify"] = Access.For("check a case's history for tampering", true, S, U),
        ["POST /api/cases/{id}/attachments"] = Access.For("add an attachment to a case", true, C, M, S),
        ["GET /api/cases/{id}/attachments"] = Access.For("list a case's attachments", true, C, M, S, U),
        // A scan may show anything about a party: its content is for the roles that see personal data unmasked.
        ["GET /api/cases/{id}/attachments/{attachmentId}"] = Access.For("open an attachment's content", true, S, U),
        // A document shows the parties' personal data in full: the same roles as unmasking them.
        ["GET /api/cases/{id}/documents/{kind}"] = Access.For("generate a case document", true, S, U),
        // The case file holds every document and attachment: the same roles as they.
        ["GET /api/cases/{id}/case-file"] = Access.For("generate a case file", true, S, U),

        ["POST /api/parties/{id}/erase"] = Access.For("erase a party's personal data", true, A),

        ["GET /api/stats/settlement"] = Access.For("read settlement statistics", true, S, U, A),
        ["GET /api/stats/backlog"] = Access.For("read backlog statistics", true, S, U, A),
        ["GET /api/stats/departments"] = Access.For("read department statistics", true, S, U, A),
        ["GET /api/stats/workload"] = Access.For("read workload statistics", true, S, U, A),

        ["POST /api/periods/locks"] = Access.For("lock a month once its report is sent", true, S),
        ["GET /api/periods/locks"] = Access.For("read which months are locked", true, C, M, S, U, A),

        ["GET /api/reports/settlement"] = Access.For("export the settlement report", true, S, U, A),
        ["GET /api/reports/cases"] = Access.For("export a case list", true, C, S, U),

        ["GET /api/audit/access-log"] = Access.For("read the access log", false, U, A),
        ["GET /api/audit/chain-digests"] = Access.ForWholeTree("read the event chain's daily digests", U, A),
    }
    // The commands on a case (POST /api/cases/{id}/...): their rows are entries of the catalogue.
    .Concat(CaseCommands.All.Select(command => KeyValuePair.Create(command.AccessKey, command.Access)))
    .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The workbench's pages, by route. A page only shows and reads; each form on it acts through the
    /// row of the API endpoint it mirrors above (<see cref="Allows"/>), so a role may do in the browser
    /// exactly what it may do through the API.
    /// </summary>
    public static readonly FrozenDictionary<string, Access> Pages = new Dictionary<string, Access>
    {
        ["/workbench/sign-in"] = Access.Open("sign in"),
        ["/workbench/sign-out"] = Access.Open("sign out"),
        ["/workbench/lang"] = Access.Open("switch the language"),
        ["/workbench"] = Access.For("open the workbench", false, A, C, M, S, U),
        ["/workbench/queue"] = Access.For("list cases", false, C, M, S, U),
        ["/workbench/intake"] = Access.For("file a case", true, C, S),
        ["/workbench/cases/{Id:guid}"] = Access.For("read a case", true, C, M, S, U),
        ["/workbench/dashboard"] = Access.For("read backlog statistics", true, S, U, A),
        ["/workbench/reports"] = Access.For("read settlement statistics", true, S, U, A),
        ["/workbench/audit"] = Access.For("audit cases and access", true, S, U, A),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether the row <paramref name="key"/> of <see cref="Endpoints"/> or <see cref="Pages"/> lets this user in.</summary>
    public static bool Allows(CurrentUser user, string key) =>
        (Endpoints.TryGetValue(key, out var access) || Pages.TryGetValue(key, out access))
        && (access.Anonymous || (user.Name != CurrentUser.Anonymous && access.Admits(user)));

    /// <summary>Roles that may see parties' personal data unmasked, with a stated reason.</summary>
    public static readonly IReadOnlySet<string> Unmask = new HashSet<string> { S, U };

    public static bool MayUnmask(CurrentUser user) => user.Roles.Overlaps(Unmask);

    /// <summary>The table's key for an endpoint: its method and route pattern.</summary>
    public static string KeyOf(string method, string routePattern) => $"{method} /{routePattern.TrimStart('/')}";

    public static ProblemDetails Unauthenticated() => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "Sign-in required",
        Detail = "Send a valid token: Authorization: Bearer <token> from POST /api/auth/token.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    };

    public static ProblemDetails Forbidden(string action, IEnumerable<string> roles) =>
        Problems.Forbidden("Not allowed for your role", $"To {action} you need one of the roles {string.Join(", ", roles.Order())}.");

    /// <summary>The refusal of a row that needs the whole tree, for a user of one unit.</summary>
    public static ProblemDetails Forbidden(Access access, CurrentUser user) => access.WholeTree && user.Roles.Overlaps(access.Roles)
        ? Problems.Forbidden("Not allowed for your jurisdiction",
            $"To {access.Action} you need a jurisdiction over the whole tree; yours is {user.NodeCode}.")
        : Forbidden(access.Action, access.Roles);

    /// <summary>The refusal of row <paramref name="key"/> of <see cref="Endpoints"/>, for a workbench form acting through it.</summary>
    public static ProblemDetails ForbiddenFor(string key) => Forbidden(Endpoints[key].Action, Endpoints[key].Roles);

    /// <summary>Authorization of every request under /api and /workbench, after authentication.</summary>
    public static async Task Enforce(HttpContext http, Func<Task> next)
    {
        if (http.Request.Path.StartsWithSegments("/workbench")) { await EnforcePage(http, next); return; }
        if (!http.Request.Path.StartsWithSegments("/api")) { await next(); return; }
        var endpoint = http.GetEndpoint() as RouteEndpoint;
        Access? access = null;
        if (endpoint?.RoutePattern.RawText is { } pattern) Endpoints.TryGetValue(KeyOf(http.Request.Method, pattern), out access);
        if (access is { Anonymous: true }) { await next(); return; }

        var user = CurrentUser.From(http);
        if (user.Name == CurrentUser.Anonymous)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Write(http, Unauthenticated());
            return;
        }
        if (endpoint is null) { await next(); return; } // routing answers 404/405
        if (access is null)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessTable))
                .LogError("Endpoint {Method} {Route} is not in the access table; refused", http.Request.Method, endpoint.RoutePattern.RawText);
            await Write(http, Forbidden("call an endpoint the access table does not name", []));
            return;
        }
        if (!access.Admits(user))
        {
            await Write(http, Forbidden(access, user));
            return;
        }
        await next();
    }

    /// <summary>
    /// A browser is sent to the sign-in page rather than given a 401; a page the table does not name is
    /// refused like an unnamed endpoint.
    /// </summary>
    static async Task EnforcePage(HttpContext http, Func<Task> next)
    {
        var endpoint = http.GetEndpoint() as RouteEndpoint;
        if (endpoint?.RoutePattern.RawText is not { } pattern) { await next(); return; }
        Pages.TryGetValue(pattern, out var access);
        if (access is { Anonymous: true }) { await next(); return; }
        var user = CurrentUser.From(http);
        if (user.Name == CurrentUser.Anonymous)
        {
            var back = http.Request.Method == "GET" ? (http.Request.Path + http.Request.QueryString).ToString() : "/workbench";
            http.Response.Redirect($"/workbench/sign-in?returnUrl={Uri.EscapeDataString(back)}");
            return;
        }
        if (access is null)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessTable))
                .LogError("Page {Route} is not in the access table; refused", pattern);
            await Write(http, Forbidden("open a page the access table does not name", []));
            return;
        }
        if (!access.Admits(user))
        {
            // A browser gets a page it can leave by keyboard, not a JSON document; the status is the same.
            if (http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync(ForbiddenPage);
                return;
            }
            await Write(http, Forbidden(access, user));
            return;
        }
        await next();
    }

    const string ForbiddenPage = """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>403</title>
        <link rel="stylesheet" href="/_content/AntDesign/css/ant-design-blazor.css"><link rel="stylesheet" href="/workbench.css"></head>
        <body class="wb-refused"><h1>无权访问 · Not allowed</h1>
        <p>您的角色无权打开此页面。Your role may not open this page.</p>
        <p><a class="ant-btn ant-btn-primary" href="/workbench">返回工作台 · Back to the workbench</a></p></body></html>
        """;

    static Task Write(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status!.Value;
        return http.Response.WriteAsJsonAsync(problem, HttpJson.Options, Problems.ContentType);
    }
}
