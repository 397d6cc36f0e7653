using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Marten;
using Mediation.Auditing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Mediation.Security.SigningIn;

public enum SignInOutcome { SignedIn, Refused, Throttled }

public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User = null);

/// <summary>
/// The credential check of every sign-in, for a token and for the workbench's cookie: attempts per
/// user name limited, the password always hashed, lockout and the access log kept whatever the answer.
/// </summary>
public sealed class SignInCheck : IDisposable
{
    readonly IDocumentStore _store;
    readonly AccessLog _accessLog;
    readonly IPasswordHasher<UserAccount> _hasher;
    readonly Lockout _lockout;
    readonly TimeProvider _clock;
    readonly ILogger<SignInCheck> _logger;
    readonly PartitionedRateLimiter<string> _perUserName;
    readonly string _nobodysHash;
    // Never stored: a tag cannot be turned back into what was typed, nor checked against a guess, once the process is gone.
    readonly byte[] _tagKey = RandomNumberGenerator.GetBytes(32);

    public SignInCheck(IDocumentStore store, AccessLog accessLog, IPasswordHasher<UserAccount> hasher, Lockout lockout,
        IOptions<SecurityOptions> options, TimeProvider clock, ILogger<SignInCheck> logger)
    {
        (_store, _accessLog, _hasher, _lockout, _clock, _logger) = (store, accessLog, hasher, lockout, clock, logger);
        var perMinute = options.Value.SignInsPerUserPerMinute;
        // In this process only: with several service nodes each allows this many (see README).
        _perUserName = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(name,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _nobodysHash = hasher.HashPassword(new UserAccount(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>
    /// How a name nobody has is written to logs and to the access log: a keyed hash, the same for the
    /// same name while the process runs, because what was typed as a user name may be a password.
    /// </summary>
    public string UnknownUserTag(string userName) =>
        "unknown-user:" + Convert.ToHexStringLower(HMACSHA256.HashData(_tagKey, Encoding.UTF8.GetBytes(userName)))[..16];

    public async Task<SignInResult> VerifyAsync(string userName, string password, HttpContext http)
    {
        var now = _clock.GetUtcNow();
        var id = UserAccount.IdFor(userName);
        var address = http.Connection.RemoteIpAddress?.ToString();
        // Sign-in state changes are not cancelled with the request: a failure must count.
        var cancellation = CancellationToken.None;

        await using var session = _store.LightweightSession();
        var user = await session.LoadAsync<UserAccount>(id, cancellation);
        var shown = user?.Id ?? UnknownUserTag(id);
        using (var lease = _perUserName.AttemptAcquire(id))
        {
            if (!lease.IsAcquired)
            {
                _logger.LogWarning("Sign-in for {User} from {Address} refused: too many attempts for this user name", shown, address);
                return new SignInResult(SignInOutcome.Throttled);
            }
        }

        var lockedUntil = user is null ? null : await _lockout.LockedUntilAsync(id, now, cancellation);
        // Hashed whatever happens next, so that an unknown name, a locked or a disabled account takes as long as a wrong password.
        var verdict = _hasher.VerifyHashedPassword(user ?? new UserAccount(), user?.PasswordHash ?? _nobodysHash, password);

        if (user is null)
        {
            _logger.LogWarning("Sign-in failed for unknown user {User} from {Address}", shown, address);
            await _accessLog.WriteAsync(_accessLog.Entry(http, shown, AccessAction.SignInFailed, detail: "unknown user"), cancellation);
            return new SignInResult(SignInOutcome.Refused);
        }
        if (lockedUntil is { } until)
        {
            _logger.LogWarning("Sign-in refused for locked user {User} from {Address} (locked until {Until})", id, address, until);
            await _accessLog.WriteAsync(_accessLog.Entry(http, id, AccessAction.SignInLocked, detail: $"locked until {until:O}", nodes: [user.NodeCode]), cancellation);
            return new SignInResult(SignInOutcome.Refused);
        }
        if (verdict == PasswordVerificationResult.Failed)
        {
            await CountFailureAsync(http, user, now, "wrong password");
            return new SignInResult(SignInOutcome.Refused);
        }
        if (user.Disabled)
        {
            _logger.LogWarning("Sign-in refused for disabled user {User} from {Address}", id, address);
            await _accessLog.WriteAsync(_accessLog.Entry(http, id, AccessAction.SignInDisabled, detail: "account disabled", nodes: [user.NodeCode]), cancellation);
            return new SignInResult(SignInOutcome.Refused);
        }

        await _lockout.ClearAsync(id, now, evenALock: false, cancellation);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            session.Store(user with { PasswordHash = _hasher.HashPassword(user, password) });
            // Only if nobody changed the account since it was read: an administrator's change must not be written over.
            try { await session.SaveChangesAsync(cancellation); }
            catch (JasperFx.ConcurrencyException) { }
        }
        await _accessLog.WriteAsync(_accessLog.Entry(http, id, AccessAction.SignIn, nodes: [user.NodeCode]), cancellation);
        _logger.LogInformation("User {User} signed in from {Address}", id, address);
        return new SignInResult(SignInOutcome.SignedIn, user);
    }

    /// <summary>
    /// A wrong password for an existing account, at sign-in or when changing one's own password: one
    /// atomic count, the lock when it reaches the limit, a log line and an access-log entry.
    /// </summary>
    public async Task CountFailureAsync(HttpContext http, UserAccount user, DateTimeOffset now, string what)
    {
        var id = user.Id;
        var address = http.Connection.RemoteIpAddress?.ToString();
        var (inARow, lockedUntil) = await _lockout.CountFailureAsync(id, now, CancellationToken.None);
        var detail = lockedUntil is { } until ? $"{what}; locked until {until:O}" : $"{what} ({inARow} in a row)";
        await _accessLog.WriteAsync(_accessLog.Entry(http, id, AccessAction.SignInFailed, detail: detail, nodes: [user.NodeCode]), CancellationToken.None);
        if (lockedUntil is not null) _logger.LogWarning("User {User} locked after wrong passwords, the last from {Address}: {Detail}", id, address, detail);
        else _logger.LogWarning("Sign-in failed for {User} from {Address}: {Detail}", id, address, detail);
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the account's, hashing in every case, and only if the
    /// account is not locked; a wrong one counts as a failed sign-in.
    /// </summary>
    public async Task<bool> ConfirmAsync(HttpContext http, UserAccount user, string password, string what)
    {
        var now = _clock.GetUtcNow();
        var lockedUntil = await _lockout.LockedUntilAsync(user.Id, now, CancellationToken.None);
        var right = _hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (lockedUntil is not null) return false;
        if (right) await _lockout.ClearAsync(user.Id, now, evenALock: false, CancellationToken.None);
        else await CountFailureAsync(http, user, now, what);
        return right;
    }

    public void Dispose() => _perUserName.Dispose();
}
