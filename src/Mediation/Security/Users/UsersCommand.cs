using JasperFx.CommandLine;
using Marten;
using Mediation.Organisation;
using Spectre.Console;

namespace Mediation.Security.Users;

public sealed class UsersInput : NetCoreInput
{
    [Description("add or list")]
    public string Action { get; set; } = "list";

    [Description("User name (add)")]
    public string? NameFlag { get; set; }

    [Description("Password, at least 10 characters (add)")]
    public string? PasswordFlag { get; set; }

    [Description("Display name (add; default: the user name)")]
    public string? DisplayFlag { get; set; }

    [Description("Roles, comma-separated: Admin, Clerk, Mediator, Supervisor, Auditor (add)")]
    public string? RolesFlag { get; set; }

    [Description("The user's node: their jurisdiction (add; default: the whole tree)")]
    public string? NodeFlag { get; set; }
}

[Description("List users, or add one (the same rules as POST /api/users)")]
public sealed class UsersCommand : JasperFxAsyncCommand<UsersInput>
{
    public UsersCommand()
    {
        Usage("List the users").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(UsersInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        switch (input.Action)
        {
            case "list":
            {
                await using var session = store.QuerySession();
                var table = new Table().AddColumns("user", "name", "roles", "node", "locked until");
                foreach (var user in (await session.Query<UserAccount>().ToListAsync()).OrderBy(u => u.Id))
                    table.AddRow(Markup.Escape(user.Id), Markup.Escape(user.DisplayName), string.Join(",", user.Roles), user.NodeCode ?? "(all)",
                        user.LockedUntil?.ToString("u") ?? "");
                AnsiConsole.Write(table);
                return true;
            }
            case "add":
            {
                var command = new CreateUser(input.NameFlag, input.PasswordFlag, input.DisplayFlag ?? input.NameFlag,
                    input.RolesFlag?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), input.NodeFlag);
                var problem = CreateUserEndpoint.Validate(command);
                if (!ReferenceEquals(problem, Wolverine.Http.WolverineContinue.NoProblems)) return Fail(problem.Detail);
                var org = await host.Services.GetRequiredService<OrgDirectory>().CurrentAsync();
                var refusal = CreateUserEndpoint.Decide(command, org, CurrentUser.System, TimeProvider.System.GetUtcNow(), out var user);
                if (refusal is not null) return Fail(refusal.Detail);
                await using var session = store.LightweightSession();
                if (await session.LoadAsync<UserAccount>(user!.Id) is not null) return Fail($"there is already a user {user.Id}");
                session.Insert(user);
                await session.SaveChangesAsync();
                AnsiConsole.MarkupLine($"[green]Added {Markup.Escape(user.Id)}[/] ({string.Join(", ", user.Roles)}) at {user.NodeCode ?? "the whole tree"}");
                return true;
            }
            default:
                return Fail("the action is add or list");
        }
    }

    static bool Fail(string? message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message ?? "refused")}[/]");
        return false;
    }
}
