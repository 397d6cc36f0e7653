using System.Text.RegularExpressions;
using JasperFx;
using Marten;
using Mediation.Hosting;
using Mediation.Organisation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Security.Users;

public sealed record CreateUser(string? Username, string? Password, string? DisplayName, IReadOnlyList<string>? Roles, string? NodeCode = null);

public sealed record UserView(string Username, string DisplayName, IReadOnlyList<string> Roles, string? NodeCode)
{
    public static UserView Of(UserAccount user) => new(user.Id, user.DisplayName, user.Roles, user.NodeCode);
}

public static partial class CreateUserEndpoint
{
    public const int MinimumPasswordLength = 10;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    private static partial Regex UserNamePattern();

    public static ProblemDetails Validate(CreateUser command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.Username, "username", 64)
            .Text(command.DisplayName, "displayName", 100)
            .Text(command.NodeCode, "nodeCode", 32, required: false);
        if (command.Username is { Length: > 0 } name)
            check.Require(UserNamePattern().IsMatch(name), "username", "must be 2 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
        if (command.Password is null) check.Add("password", "is required");
        else check.Require(command.Password.Length is >= MinimumPasswordLength and <= 256, "password",
            $"must be {MinimumPasswordLength} to 256 characters");
        if (command.Roles is not { Count: > 0 }) check.Add("roles", $"at least one of {string.Join(", ", Security.Roles.All)}");
        else if (command.Roles.FirstOrDefault(r => !Security.Roles.All.Contains(r)) is { } unknown)
            check.Add("roles", $"{unknown} is not a role; roles are {string.Join(", ", Security.Roles.All)}");
        return check.Result();
    }

    /// <summary>The account, refused if the node does not exist or lies outside the creating admin's jurisdiction.</summary>
    public static ProblemDetails? Decide(CreateUser command, OrgTree org, CurrentUser creator, DateTimeOffset now, out UserAccount? user)
    {
        user = null;
        if (command.NodeCode is not null && !creator.Covers(org, command.NodeCode))
            return Problems.Invalid("nodeCode", $"there is no node {command.NodeCode} in your jurisdiction");
        if (command.NodeCode is null && creator.NodeCode is not null)
            return Problems.Invalid("nodeCode", "is required: you may only create users in your own jurisdiction");
        var account = new UserAccount
        {
            Id = UserAccount.IdFor(command.Username!),
            DisplayName = command.DisplayName!.Trim(),
            Roles = command.Roles!.Distinct().ToList(),
            NodeCode = command.NodeCode,
            CreatedAt = now,
            CreatedBy = creator.Name,
        };
        user = account with { PasswordHash = new PasswordHasher<UserAccount>().HashPassword(account, command.Password!) };
        return null;
    }

    [WolverinePost("/api/users", OperationId = "CreateUser")]
    [ProducesResponseType<UserView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post(CreateUser command, HttpContext http, IDocumentStore store, OrgDirectory directory, TimeProvider clock)
    {
        var org = await directory.CurrentAsync(http.RequestAborted);
        if (Decide(command, org, CurrentUser.From(http), clock.GetUtcNow(), out var user) is { } problem) return problem.ToResult();
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
