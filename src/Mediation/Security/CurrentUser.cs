using System.Security.Claims;

namespace Mediation.Security;

/// <summary>
/// Who is asking: the one place the service reads the caller's identity from a request. Every event
/// records this name; jurisdiction and roles come from here too.
/// </summary>
public sealed record CurrentUser(string Name, string? NodeCode, IReadOnlySet<string> Roles)
{
    public const string Anonymous = "anonymous";
    public const string NodeClaim = "node";

    /// <summary>The service acting on its own (deadline breaches, seeding).</summary>
    public static readonly CurrentUser System = new("system", null, new HashSet<string>());

    public static CurrentUser From(HttpContext http) => From(http.User);

    public static CurrentUser From(ClaimsPrincipal principal)
    {
        if (principal.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
            return new CurrentUser(Anonymous, null, new HashSet<string>());
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new CurrentUser(name, principal.FindFirstValue(NodeClaim), roles);
    }
}
