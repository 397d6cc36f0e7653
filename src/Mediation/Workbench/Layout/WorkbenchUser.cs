using Mediation.Security;

namespace Mediation.Workbench.Layout;

/// <summary>The signed-in user of a workbench request, read the one way the service reads callers.</summary>
public readonly struct WorkbenchUser(HttpContext? http)
{
    public CurrentUser Current { get; } = http is null ? CurrentUser.From(new System.Security.Claims.ClaimsPrincipal()) : CurrentUser.From(http);
    public bool IsSignedIn => Current.Name != CurrentUser.Anonymous;
}
