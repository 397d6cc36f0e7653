using System.Security.Claims;
using Marten;
using Mediation.Auditing;
using Mediation.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wolverine.Http;

namespace Mediation.Security.SigningIn;

public sealed record IssueToken(string? Username, string? Password);

public sealed record TokenAnswer(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>
/// Sign-in: a user name and password for a signed JWT. Wrong passwords count against the account and
/// lock it for a while after too many in a row; attempts per client and user name are also limited
/// per minute (see SecuritySetup). Every attempt is logged and written to the access log.
/// </summary>
public static class IssueTokenEndpoint
{
    public const string RateLimitPolicy = "sign-in";

    public static ProblemDetails Validate(IssueToken command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Username, "username", 64)
        .Required(command.Password, "password")
        .Require(command.Password is null || command.Password.Length <= 256, "password", "must be at most 256 characters")
        .Result();

    public static ProblemDetails BadCredentials() => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "Sign-in failed",
        Detail = "The user name or password is wrong, or the account is locked for a while after repeated failures.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    };

    [WolverinePost("/api/auth/token", OperationId = "IssueToken")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimitPolicy)]
    [ProducesResponseType<TokenAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType)]
    public static async Task<IResult> Post(IssueToken command, HttpContext http, IDocumentStore store, SigningKeys keys, AccessLog accessLog,
        IOptions<SecurityOptions> options, TimeProvider clock, ILogger<IssueToken> logger)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var user = await VerifyAsync(command, http, store, accessLog, settings, now, logger);
        if (user is null) return BadCredentials().ToResult();

        var token = Issue(user, keys, settings, now);
        return Results.Ok(new TokenAnswer(token, "Bearer", (int)settings.TokenLifetime.TotalSeconds));
    }

    /// <summary>
    /// The credential check of every sign-in, for a token here and for the workbench's cookie: the
    /// account when the password is right, else null, with lockout and the access log kept either way.
    /// </summary>
    public static async Task<UserAccount?> VerifyAsync(IssueToken command, HttpContext http, IDocumentStore store, AccessLog accessLog,
        SecurityOptions settings, DateTimeOffset now, ILogger logger)
    {
        var id = UserAccount.IdFor(command.Username!);
        var address = http.Connection.RemoteIpAddress?.ToString();
        // Sign-in state changes are not cancelled with the request: a failure must count.
        var cancellation = CancellationToken.None;

        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<UserAccount>(id, cancellation);
        if (user is null)
        {
            // Hash anyway, so an unknown name takes as long as a wrong password.
            new PasswordHasher<UserAccount>().HashPassword(new UserAccount(), command.Password!);
            logger.LogWarning("Sign-in failed for unknown user {User} from {Address}", id, address);
            session.Insert(accessLog.Entry(http, id, AccessAction.SignInFailed, detail: "unknown user"));
            await session.SaveChangesAsync(cancellation);
            return null;
        }

        if (user.LockedUntil is { } until && until > now)
        {
            logger.LogWarning("Sign-in refused for locked user {User} from {Address} (locked until {Until})", id, address, until);
            session.Insert(accessLog.Entry(http, id, AccessAction.SignInLocked, detail: $"locked until {until:O}"));
            await session.SaveChangesAsync(cancellation);
            return null;
        }

        var hasher = new PasswordHasher<UserAccount>();
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, command.Password!);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failures = user.FailedSignIns + 1;
            var locked = failures >= settings.MaxFailedSignIns;
            session.Store(user with { FailedSignIns = locked ? 0 : failures, LockedUntil = locked ? now + settings.Lockout : null });
            session.Insert(accessLog.Entry(http, id, AccessAction.SignInFailed,
                detail: locked ? $"wrong password; locked for {settings.Lockout}" : $"wrong password ({failures} in a row)"));
            await session.SaveChangesAsync(cancellation);
            if (locked) logger.LogWarning("User {User} locked after {Failures} wrong passwords, last from {Address}", id, failures, address);
            else logger.LogWarning("Sign-in failed for {User} from {Address}: wrong password ({Failures} in a row)", id, address, failures);
            return null;
        }

        var signedIn = user with
        {
            FailedSignIns = 0,
            LockedUntil = null,
            PasswordHash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(user, command.Password!) : user.PasswordHash,
        };
        if (signedIn != user) session.Store(signedIn);
        session.Insert(accessLog.Entry(http, id, AccessAction.SignIn));
        await session.SaveChangesAsync(cancellation);
        logger.LogInformation("User {User} signed in from {Address}", id, address);
        return signedIn;
    }

    /// <summary>Who the user is, the same for a token and for a workbench cookie.</summary>
    public static List<Claim> ClaimsOf(UserAccount user)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, user.Id), new(CurrentUser.NameClaim, user.Id) };
        claims.AddRange(user.Roles.Select(r => new Claim(CurrentUser.RoleClaim, r)));
        if (user.NodeCode is not null) claims.Add(new Claim(CurrentUser.NodeClaim, user.NodeCode));
        return claims;
    }

    public static string Issue(UserAccount user, SigningKeys keys, SecurityOptions settings, DateTimeOffset now)
    {
        var claims = ClaimsOf(user);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + settings.TokenLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
