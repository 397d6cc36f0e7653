using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Security.Sessions;
using Mediation.Security.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Security.SigningIn;

public sealed record ChangeOwnPassword(string? CurrentPassword, string? NewPassword);

/// <summary>
/// The signed-in user sets a new password, proving the current one. Every other session and token of
/// the account ends; the one that made the change carries on (the account keeps its id beside the new
/// stamp, <see cref="KeptSession"/>) until it expires or the account changes again. A wrong current
/// password counts towards the lock like a wrong password at sign-in, so a stolen token cannot be used
/// to guess it.
/// </summary>
public static class ChangeOwnPasswordEndpoint
{
    public static ProblemDetails Validate(ChangeOwnPassword command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Required(command.CurrentPassword, "currentPassword")
            .Require(command.CurrentPassword is null || command.CurrentPassword.Length <= PasswordPolicy.MaximumLength, "currentPassword",
                FieldMessage.AtMostCharacters(PasswordPolicy.MaximumLength))
            .Password(command.NewPassword, "newPassword");
        if (command.NewPassword is not null && command.NewPassword == command.CurrentPassword)
            check.Add("newPassword", FieldMessage.NewPasswordDiffers);
        return check.Result();
    }

    [WolverinePost("/api/auth/password", OperationId = "ChangeOwnPassword")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Post(ChangeOwnPassword command, HttpContext http, IDocumentStore store, SignInCheck check, AccessLog accessLog,
        SessionCheck sessions, IPasswordHasher<UserAccount> hasher)
    {
        // The session check let this request in, so the session has its claims.
        var session = SessionClaims.Of(http.User)!;
        UserAccount? user;
        await using (var query = store.QuerySession()) user = await query.LoadAsync<UserAccount>(session.UserId, http.RequestAborted);
        if (user is null) return AccountChange.NoSuchUser(session.UserId).ToResult();
        if (!await check.ConfirmAsync(http, user, command.CurrentPassword!, "wrong current password when changing it"))
            return Problems.Invalid("currentPassword", FieldMessage.NotCurrentPassword).ToResult();

        var (_, problem) = await AccountChange.RunAsync(store, sessions, user.Id,
            current => current is null || current.PasswordHash != user.PasswordHash
                ? (null, Problems.Conflict("The password was changed meanwhile", "Your password was changed while this request ran; sign in again."))
                : (current with
                {
                    PasswordHash = hasher.HashPassword(current, command.NewPassword!),
                    SecurityStamp = UserAccount.NewStamp(),
                    KeptSession = new KeptSession(session.SessionId, session.Stamp),
                }, null),
            _ => accessLog.Entry(http, user.Id, AccessAction.AccountChanged, detail: "own password changed; other sessions ended", nodes: [user.NodeCode]),
            http.RequestAborted);
        return problem is not null ? problem.ToResult() : Results.NoContent();
    }
}
