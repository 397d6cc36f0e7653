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
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }

    public static string IdFor(string userName) => userName.Trim().ToLowerInvariant();
}

/// <summary>Settings of sign-in and tokens (section <c>Mediation:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Mediation:Security";

    public string Issuer { get; set; } = "mediation";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
    /// <summary>Wrong passwords in a row that lock the account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Sign-in attempts per client address and user name per minute, right or wrong.</summary>
    public int SignInsPerMinute { get; set; } = 10;
    /// <summary>Origins allowed to call the API from a browser; none: CORS stays closed.</summary>
    public string[] CorsOrigins { get; set; } = [];
}
