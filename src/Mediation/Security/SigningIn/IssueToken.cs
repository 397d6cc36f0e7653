using System.Security.Claims;
using Mediation.Common;
using Mediation.Hosting;
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
/// lock it for a while after too many in a row; attempts are also limited per client address
/// (SecuritySetup) and per user name (<see cref="SignInCheck"/>) per minute. Every attempt is logged
/// and written to the access log.
/// </summary>
public static class IssueTokenEndpoint
{
    public const string RateLimitPolicy = "sign-in";

    public static ProblemDetails Validate(IssueToken command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Username, "username", 64)
        .Required(command.Password, "password")
        .Require(command.Password is null || command.Password.Length <= 256, "password", FieldMessage.AtMostCharacters(256))
        .Result();

    public static ProblemDetails BadCredentials() => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "Sign-in failed",
        Detail = "The user name or password is wrong, or the account is locked for a while after repeated failures.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    };

    public static ProblemDetails TooManyAttempts() => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = "Too many sign-in attempts",
        Detail = "Wait a minute before trying again.",
        Type = "https://tools.ietf.org/html/rfc6585#section-4",
    };

    [WolverinePost("/api/auth/token", OperationId = "IssueToken")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimitPolicy)]
    [ProducesResponseType<TokenAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType)]
    public static async Task<IResult> Post(IssueToken command, HttpContext http, SignInCheck check, SigningKeys keys,
        IOptions<SecurityOptions> options, TimeProvider clock)
    {
        var settings = options.Value;
        var result = await check.VerifyAsync(command.Username!, command.Password!, http);
        if (result.Outcome == SignInOutcome.Throttled)
        {
            http.Response.Headers.RetryAfter = "60";
            return TooManyAttempts().ToResult();
        }
        if (result.User is not { } user) return BadCredentials().ToResult();

        var token = Issue(user, keys, settings, clock.GetUtcNow());
        return Results.Ok(new TokenAnswer(token, "Bearer", (int)settings.TokenLifetime.TotalSeconds));
    }

    public static string Issue(UserAccount user, SigningKeys keys, SecurityOptions settings, DateTimeOffset now)
    {
        var claims = Sessions.SessionClaims.For(user, now);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + settings.TokenLifetime).UtcDateTime,
            SigningCredentials = keys.Credentials,
        });
    }
}
