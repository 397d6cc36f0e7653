using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security.Sessions;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Security.Users;

/// <summary>Any of the fields; an absent or null one stays as it is.</summary>
public sealed record ChangeUser(bool? Disabled = null, IReadOnlyList<string>? Roles = null, string? NodeCode = null, string? DisplayName = null);

/// <summary>
/// An administrator disables or enables an account, or changes its roles, node or display name. Every
/// change gives the account a new security stamp, which ends its sessions and tokens: the user signs in
/// again and gets what the account says now.
/// </summary>
public static class ChangeUserEndpoint
{
    public static ProblemDetails Validate(ChangeUser command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.DisplayName, "displayName", 100, required: false)
            .Text(command.NodeCode, "nodeCode", 32, required: false);
        if (command.Roles is not null) CreateUserEndpoint.Roles(check, command.Roles);
        if (command is { Disabled: null, Roles: null, NodeCode: null, DisplayName: null })
            check.Add("body", FieldMessage.NameAChange);
        return check.Result();
    }

    /// <summary>
    /// The changed account, or why not. A user outside the administrator's jurisdiction does not exist
    /// for them; the new node must lie inside it too.
    /// </summary>
    public static ProblemDetails? Decide(ChangeUser command, string username, UserAccount? user, OrgTree org, CurrentUser admin, out UserAccount? changed)
    {
        changed = null;
        if (user is null || !admin.Covers(org, user)) return AccountChange.NoSuchUser(username);
        if (command.NodeCode is not null && CreateUserEndpoint.NodeProblem(command.NodeCode, org, admin) is { } problem) return problem;
        if (user.Id == admin.Name && (command.Disabled == true || (command.Roles is not null && !command.Roles.Contains(Roles.Admin))))
            return Problems.Conflict("Not on your own account",
                "An administrator cannot disable their own account or take away their own Admin role; another administrator can.");
        changed = (user with
        {
            Disabled = command.Disabled ?? user.Disabled,
            Roles = command.Roles?.Distinct().ToList() ?? user.Roles,
            NodeCode = command.NodeCode ?? user.NodeCode,
            DisplayName = command.DisplayName?.Trim() ?? user.DisplayName,
        }).WithNewStamp();
        return null;
    }

    /// <summary>What the access log says was changed.</summary>
    public static string Describe(ChangeUser command, UserAccount changed) => $"user {changed.Id}: " + string.Join("; ", new[]
    {
        command.Disabled is { } disabled ? disabled ? "disabled" : "enabled" : null,
        command.Roles is not null ? $"roles {string.Join(",", changed.Roles)}" : null,
        command.NodeCode is not null ? $"node {changed.NodeCode}" : null,
        command.DisplayName is not null ? "display name" : null,
    }.OfType<string>()) + "; sessions ended";

    [WolverinePatch("/api/users/{username}", OperationId = "ChangeUser")]
    [ProducesResponseType<UserView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Patch(string username, ChangeUser command, HttpContext http, IDocumentStore store, OrgDirectory directory,
        AccessLog accessLog, SessionCheck sessions)
    {
        var org = await directory.CurrentAsync(http.RequestAborted);
        var admin = CurrentUser.From(http);
        var (changed, problem) = await AccountChange.RunAsync(store, sessions, username,
            user => (Decide(command, username, user, org, admin, out var account) is { } refusal ? (null, refusal) : (account, null)),
            account => accessLog.Entry(http, admin.Name, AccessAction.AccountChanged, detail: Describe(command, account), nodes: [account.NodeCode]),
            http.RequestAborted);
        return problem is not null ? problem.ToResult() : Results.Ok(UserView.Of(changed!));
    }
}
