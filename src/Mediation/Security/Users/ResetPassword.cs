using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security.Sessions;
using Mediation.Security.SigningIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Security.Users;

public sealed record ResetPassword(string? Password);

/// <summary>
/// An administrator sets a new password for a user of their jurisdiction (a forgotten one, or a
/// suspected leak): the user's sessions end, and a lock from wrong passwords is lifted.
/// </summary>
public static class ResetPasswordEndpoint
{
    public static ProblemDetails Validate(ResetPassword command) =>
        command is null ? Problems.MissingBody : new Validation().Password(command.Password, "password").Result();

    [WolverinePost("/api/users/{username}/password", OperationId = "ResetPassword")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Post(string username, ResetPassword command, HttpContext http, IDocumentStore store, OrgDirectory directory,
        AccessLog accessLog, SessionCheck sessions, Lockout lockout, IPasswordHasher<UserAccount> hasher, TimeProvider clock)
    {
        var org = await directory.CurrentAsync(http.RequestAborted);
        var admin = CurrentUser.From(http);
        var (changed, problem) = await AccountChange.RunAsync(store, sessions, username,
            user => user is null || !admin.Covers(org, user)
                ? (null, AccountChange.NoSuchUser(username))
                : ((user with { PasswordHash = hasher.HashPassword(user, command.Password!) }).WithNewStamp(), null),
            account => accessLog.Entry(http, admin.Name, AccessAction.AccountChanged, detail: $"user {account.Id}: password reset; sessions ended", nodes: [account.NodeCode]),
            http.RequestAborted);
        if (problem is not null) return problem.ToResult();
        await lockout.ClearAsync(changed!.Id, clock.GetUtcNow(), evenALock: true, CancellationToken.None);
        return Results.NoContent();
    }
}
