using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mediation.Security.Sessions;

/// <summary>
/// What a token or a workbench cookie carries about the sign-in it came from: which account, the
/// account's security stamp then, an id of its own and when it began. <see cref="SessionCheck"/>
/// compares them with the account on every request.
/// </summary>
public sealed record SessionClaims(string UserId, string Stamp, string SessionId, DateTimeOffset SignedInAt)
{
    public const string StampClaim = "stamp";
    public const string SessionIdClaim = JwtRegisteredClaimNames.Sid;
    /// <summary>The sign-in time; a sliding cookie renews its own issue time, so the session keeps it here.</summary>
    public const string SignedInClaim = JwtRegisteredClaimNames.AuthTime;

    /// <summary>The claims of a new sign-in of <paramref name="user"/>: who they are (<see cref="CurrentUser"/>) and this session.</summary>
    public static List<Claim> For(UserAccount user, DateTimeOffset now)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, user.Id), new(CurrentUser.NameClaim, user.Id) };
        claims.AddRange(user.Roles.Select(r => new Claim(CurrentUser.RoleClaim, r)));
        if (user.NodeCode is not null) claims.Add(new Claim(CurrentUser.NodeClaim, user.NodeCode));
        claims.Add(new Claim(StampClaim, user.SecurityStamp));
        claims.Add(new Claim(SessionIdClaim, Guid.NewGuid().ToString("N")));
        claims.Add(new Claim(SignedInClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        return claims;
    }

    /// <summary>The session of a signed-in principal; null when it lacks any part (a token from before sessions had them).</summary>
    public static SessionClaims? Of(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(CurrentUser.NameClaim) is not { Length: > 0 } user
            || principal.FindFirstValue(StampClaim) is not { Length: > 0 } stamp
            || principal.FindFirstValue(SessionIdClaim) is not { Length: > 0 } session
            || !long.TryParse(principal.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var signedIn))
            return null;
        return new SessionClaims(user, stamp, session, DateTimeOffset.FromUnixTimeSeconds(signedIn));
    }
}
