using System.Security.Cryptography;

namespace Mediation.Security;

/// <summary>A person who signs in. The id is the user name, lower-cased.</summary>
public sealed record UserAccount
{
    public string Id { get; init; } = "";
    public string DisplayName { get; init; } = "";
    /// <summary>ASP.NET Core Identity's PBKDF2 hash (PasswordHasher, V3 format).</summary>
    public string PasswordHash { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>The user's jurisdiction: this node and all below it; null for the whole tree.</summary>
    public string? NodeCode { get; init; }
    /// <summary>A disabled account cannot sign in, and its tokens and cookies are refused.</summary>
    public bool Disabled { get; init; }
    /// <summary>
    /// Copied into every token and cookie at sign-in; a session whose stamp is not the account's is
    /// refused (<see cref="Sessions.SessionCheck"/>). A new stamp ends every session of the account.
    /// </summary>
    public string SecurityStamp { get; init; } = "";
    /// <summary>
    /// The one session that carries on after the user changed their own password, with the stamp it
    /// was signed in with; any later new stamp ends it too.
    /// </summary>
    public KeptSession? KeptSession { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }

    public static string IdFor(string userName) => userName.Trim().ToLowerInvariant();

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Ends every session of the account.</summary>
    public UserAccount WithNewStamp() => this with { SecurityStamp = NewStamp(), KeptSession = null };
}

/// <param name="SessionId">The <c>sid</c> claim of the session.</param>
/// <param name="Stamp">The stamp that session was signed in with.</param>
public sealed record KeptSession(string SessionId, string Stamp);

/// <summary>Settings of sign-in, sessions and tokens (section <c>Mediation:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Mediation:Security";

    public string Issuer { get; set; } = "mediation";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
    /// <summary>Wrong passwords in a row that lock the account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Sign-in attempts per client address per minute, right or wrong.</summary>
    public int SignInsPerMinute { get; set; } = 10;
    /// <summary>Sign-in attempts per user name per minute, from any address, right or wrong.</summary>
    public int SignInsPerUserPerMinute { get; set; } = 10;
    /// <summary>Origins allowed to call the API from a browser; none: CORS stays closed.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>The longest a workbench session lasts from its sign-in, however active (the cookie also expires after <see cref="TokenLifetime"/> idle).</summary>
    public TimeSpan SessionLimit { get; set; } = TimeSpan.FromHours(12);
    /// <summary>How long a process may trust what it read of an account (disabled, stamp) before reading it again.</summary>
    public TimeSpan AccountCacheTime { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>PBKDF2 iterations for new password hashes; never fewer than ASP.NET Core Identity's default.</summary>
    public int PasswordHashIterations { get; set; } = MinimumPasswordHashIterations;
    public const int MinimumPasswordHashIterations = 100_000;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.</summary>
    public string[] KnownProxies { get; set; } = [];
    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of such proxies.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
