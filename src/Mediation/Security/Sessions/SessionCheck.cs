using System.Collections.Concurrent;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Mediation.Security.Sessions;

/// <summary>
/// Whether a signed-in session still holds: its account exists and is enabled, its security stamp is
/// the account's (or it is the one session kept when the user changed their own password), and it is
/// younger than <see cref="SecurityOptions.SessionLimit"/>. Run on every request that carries a token
/// or a workbench cookie. What the process read of an account is trusted for at most
/// <see cref="SecurityOptions.AccountCacheTime"/>: another process's change is seen within that time,
/// this process's own change at once (<see cref="Forget"/>).
/// </summary>
public sealed class SessionCheck(IDocumentStore store, IOptions<SecurityOptions> options, TimeProvider clock, ILogger<SessionCheck> logger)
{
    sealed record Account(bool Disabled, string Stamp, KeptSession? Kept);

    sealed record Read(Account? Account, DateTimeOffset At);

    readonly ConcurrentDictionary<string, Read> _accounts = new(StringComparer.Ordinal);
    // Bumped by every Forget: a read that began before a change must not put the old account back.
    long _changes;

    /// <summary>Why the session is over, or null while it holds.</summary>
    public async ValueTask<string?> RefusalAsync(ClaimsPrincipal principal, CancellationToken cancellation)
    {
        if (SessionClaims.Of(principal) is not { } session) return "it carries no security stamp (issued before sessions could be ended)";
        var settings = options.Value;
        if (clock.GetUtcNow() - session.SignedInAt > settings.SessionLimit) return $"it began more than {settings.SessionLimit} ago";
        var account = await AccountAsync(session.UserId, cancellation);
        if (account is null) return "the account does not exist";
        if (account.Disabled) return "the account is disabled";
        if (session.Stamp == account.Stamp) return null;
        if (account.Kept is { } kept && kept.SessionId == session.SessionId && kept.Stamp == session.Stamp) return null;
        return "the account was changed since it signed in";
    }

    /// <summary>After this process changed the account: the next request reads it again.</summary>
    public void Forget(string userId)
    {
        Interlocked.Increment(ref _changes);
        _accounts.TryRemove(userId, out _);
    }

    async ValueTask<Account?> AccountAsync(string userId, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        if (_accounts.TryGetValue(userId, out var read) && now - read.At < options.Value.AccountCacheTime) return read.Account;
        var changes = Interlocked.Read(ref _changes);
        await using var session = store.QuerySession();
        var user = await session.LoadAsync<UserAccount>(userId, cancellation);
        var account = user is null ? null : new Account(user.Disabled, user.SecurityStamp, user.KeptSession);
        if (Interlocked.Read(ref _changes) == changes) _accounts[userId] = new Read(account, now);
        return account;
    }

    /// <summary>For the API's bearer tokens: a refused session is unauthenticated (401).</summary>
    public static async Task OnTokenValidated(TokenValidatedContext context)
    {
        var check = context.HttpContext.RequestServices.GetRequiredService<SessionCheck>();
        if (await check.RefusedAsync(context.Principal!, "Token", context.HttpContext.RequestAborted) is { } reason)
            context.Fail($"The session is over: {reason}.");
    }

    /// <summary>For the workbench's cookie: a refused session is signed out, and the page sends the browser to sign in.</summary>
    public static async Task OnValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var check = context.HttpContext.RequestServices.GetRequiredService<SessionCheck>();
        if (await check.RefusedAsync(context.Principal!, "Workbench session", context.HttpContext.RequestAborted) is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    async ValueTask<string?> RefusedAsync(ClaimsPrincipal principal, string what, CancellationToken cancellation)
    {
        var reason = await RefusalAsync(principal, cancellation);
        if (reason is not null) logger.LogInformation("{What} of {User} refused: {Reason}", what, principal.FindFirstValue(CurrentUser.NameClaim), reason);
        return reason;
    }
}
