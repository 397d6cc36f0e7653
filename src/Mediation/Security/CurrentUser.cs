using System.Security.Claims;
using Mediation.Organisation;

namespace Mediation.Security;

/// <summary>
/// Who is asking: the one place the service reads the caller's identity from a request. Every event
/// records this name; jurisdiction and roles come from here too.
/// </summary>
/// <param name="NodeCode">The caller's jurisdiction: this node and everything below it; null for the whole tree.</param>
public sealed record CurrentUser(string Name, string? NodeCode, IReadOnlySet<string> Roles)
{
    public const string Anonymous = "anonymous";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string NodeClaim = "node";

    /// <summary>The service acting on its own (deadline breaches).</summary>
    public static readonly CurrentUser System = new("system", null, new HashSet<string>());

    public static CurrentUser From(HttpContext http) => From(http.User);

    public static CurrentUser From(ClaimsPrincipal principal)
    {
        if (principal.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
            return new CurrentUser(Anonymous, null, new HashSet<string>());
        var roles = principal.FindAll(RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new CurrentUser(name, principal.FindFirstValue(NodeClaim), roles);
    }

    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>True when <paramref name="nodeCode"/> lies in the caller's jurisdiction.</summary>
    public bool Covers(OrgTree org, string? nodeCode) =>
        nodeCode is not null && (NodeCode is null ? org.Find(nodeCode) is not null : org.IsWithin(nodeCode, NodeCode));

    /// <summary>
    /// Who may read a case: the units above where it was filed and above where it is handled now
    /// (a case filed at a street and sent back to a grid is the grid's too). Judged on the case as it
    /// is now, also when a past state of it is shown.
    /// </summary>
    public bool Sees(OrgTree org, Cases.MediationCase state) =>
        Covers(org, state.NodeCode) || Covers(org, state.HandlingNodeCode) || TakesPart(org, state) || Leads(state);

    /// <summary>
    /// A department the case was dispatched to (any of its tasks, open or done) lies in the caller's jurisdiction: its
    /// users follow the case and report on their task, though they do not handle it.
    /// </summary>
    public bool TakesPart(OrgTree org, Cases.MediationCase state) => state.Tasks?.Any(t => Covers(org, t.UnitCode)) == true;

    /// <summary>
    /// Who may take a command on a case: the units above where it is handled now; for a command a department's users
    /// take (<paramref name="takenFromDepartments"/>), also the users of a department it was dispatched to.
    /// </summary>
    public bool MayAct(OrgTree org, Cases.MediationCase state, bool takenFromDepartments) =>
        Handles(org, state) || (takenFromDepartments && TakesPart(org, state));

    /// <summary>The caller is the leader who answers for the case (领导包案).</summary>
    public bool Leads(Cases.MediationCase state) => state.Leader?.Leader == Name;

    /// <summary>
    /// Who may act on a case: the units above where it is handled now. A case escalated to the county
    /// is the county's to decide; the grid it was filed at may follow it but no longer act on it.
    /// </summary>
    public bool Handles(OrgTree org, Cases.MediationCase state) => Covers(org, state.HandlingNodeCode);

    /// <summary>True when the user's whole jurisdiction lies in the caller's: a user of the whole tree only for a caller of the whole tree.</summary>
    public bool Covers(OrgTree org, UserAccount user) => NodeCode is null || (user.NodeCode is not null && Covers(org, user.NodeCode));
}
