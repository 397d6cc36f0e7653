using System.Text.RegularExpressions;
using JasperFx;
using Marten;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Security.Users;

public sealed record CreateUser(string? Username, string? Password, string? DisplayName, IReadOnlyList<string>? Roles, string? NodeCode = null);

public sealed record UserView(string Username, string DisplayName, IReadOnlyList<string> Roles, string? NodeCode, bool Disabled)
{
    public static UserView Of(UserAccount user) => new(user.Id, user.DisplayName, user.Roles, user.NodeCode, user.Disabled);
}

public static partial class CreateUserEndpoint
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    private static partial Regex UserNamePattern();

    public static bool IsUserName(string name) => UserNamePattern().IsMatch(name);

    public static ProblemDetails Validate(CreateUser command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.Username, "username", 64)
            .Text(command.DisplayName, "displayName", 100)
            .Text(command.NodeCode, "nodeCode", 32, required: false);
        if (command.Username is { Length: > 0 } name)
            check.Require(UserNamePattern().IsMatch(name), "username", FieldMessage.UserNameShape);
        check.Password(command.Password, "password");
        return Roles(check, command.Roles).Result();
    }

    /// <summary>At least one role, each a role the service knows.</summary>
    public static Validation Roles(Validation check, IReadOnlyList<string>? roles)
    {
        if (roles is not { Count: > 0 }) return check.Add("roles", FieldMessage.AtLeastOneRole(Security.Roles.All));
        foreach (var role in roles.Where(r => r is null || !Security.Roles.All.Contains(r)).Take(1))
            check.Add("roles", FieldMessage.NotARole(role ?? "null", Security.Roles.All));
        return check;
    }

    /// <summary>The account, refused if the node does not exist or lies outside the creating admin's jurisdiction (one answer for both).</summary>
    public static ProblemDetails? Decide(CreateUser command, OrgTree org, CurrentUser creator, DateTimeOffset now, IPasswordHasher<UserAccount> hasher,
        out UserAccount? user)
    {
        user = null;
        if (NodeProblem(command.NodeCode, org, creator) is { } problem) return problem;
        var account = new UserAccount
        {
            Id = UserAccount.IdFor(command.Username!),
            DisplayName = command.DisplayName!.Trim(),
            Roles = command.Roles!.Distinct().ToList(),
            NodeCode = command.NodeCode,
            SecurityStamp = UserAccount.NewStamp(),
            CreatedAt = now,
            CreatedBy = creator.Name,
        };
        user = account with { PasswordHash = hasher.HashPassword(account, command.Password!) };
        return null;
    }

    /// <summary>
    /// A user's node must lie in the administrator's jurisdiction; one that does not exist is refused
    /// the same way, so the answer does not tell which nodes exist outside it.
    /// </summary>
    public static ProblemDetails? NodeProblem(string? nodeCode, OrgTree org, CurrentUser admin)
    {
        if (nodeCode is not null && !admin.Covers(org, nodeCode))
            return Problems.NoNode(nodeCode);
        if (nodeCode is null && admin.NodeCode is not null)
            return Problems.Invalid("nodeCode", FieldMessage.NodeWithinJurisdiction);
        return null;
    }

    [WolverinePost("/api/users", OperationId = "CreateUser")]
    [ProducesResponseType<UserView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post(CreateUser command, HttpContext http, IDocumentStore store, OrgDirectory directory, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher)
    {
        var org = await directory.CurrentAsync(http.RequestAborted);
        if (Decide(command, org, CurrentUser.From(http), clock.GetUtcNow(), hasher, out var user) is { } problem) return problem.ToResult();
        // A session of its own: a refused insert must not be saved again by a surrounding transaction.
        await using var session = store.LightweightSession();
        session.Insert(user!);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (DocumentAlreadyExistsException)
        {
            return Problems.Conflict("The user exists", $"There is already a user {user!.Id}.").ToResult();
        }
        return Results.Created($"/api/users/{user!.Id}", UserView.Of(user));
    }
}
