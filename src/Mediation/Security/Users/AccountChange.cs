using JasperFx;
using Marten;
using Mediation.Auditing;
using Mediation.Hosting;
using Mediation.Security.Sessions;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Security.Users;

/// <summary>
/// What every change to an account shares: read it, decide, write the new account and its access-log
/// entry together unless someone changed the account meanwhile (optimistic concurrency on
/// <see cref="UserAccount"/>; then decide again on what is there now), and make this process read
/// the account again at once, so its ended sessions are refused from the next request.
/// </summary>
public static class AccountChange
{
    const int Attempts = 3;

    public static ProblemDetails NoSuchUser(string username) => Problems.NotFound($"There is no user {username}.");

    /// <param name="decide">The changed account, or why not; given null for a user that does not exist.</param>
    /// <param name="entry">The access-log line of the change.</param>
    public static async Task<(UserAccount? Changed, ProblemDetails? Problem)> RunAsync(IDocumentStore store, SessionCheck sessions, string username,
        Func<UserAccount?, (UserAccount? Changed, ProblemDetails? Problem)> decide, Func<UserAccount, AccessLogEntry> entry, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            // A name no account can have is not looked up (nor sent to PostgreSQL, which refuses some characters).
            var user = CreateUserEndpoint.IsUserName(username) ? await session.LoadAsync<UserAccount>(UserAccount.IdFor(username), cancellation) : null;
            var (changed, problem) = decide(user);
            if (problem is not null) return (null, problem);
            session.Store(changed!);
            session.Insert(entry(changed!));
            try
            {
                await session.SaveChangesAsync(cancellation);
            }
            catch (ConcurrencyException)
            {
                if (attempt < Attempts) continue;
                return (null, Problems.Conflict("The user is being changed", $"User {changed!.Id} was changed by someone else at the same time; try again."));
            }
            sessions.Forget(changed!.Id);
            return (changed, null);
        }
    }
}
