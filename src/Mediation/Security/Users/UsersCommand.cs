using JasperFx.CommandLine;
using Marten;
using Mediation.Organisation;
using Microsoft.AspNetCore.Identity;
using Spectre.Console;

namespace Mediation.Security.Users;

public sealed class UsersInput : NetCoreInput
{
    [Description("add or list")]
    public string Action { get; set; } = "list";

    [Description("User name (add)")]
    public string? NameFlag { get; set; }

    [Description("Display name (add; default: the user name)")]
    public string? DisplayFlag { get; set; }

    [Description("Roles, comma-separated: Admin, Clerk, Mediator, Supervisor, Auditor (add)")]
    public string? RolesFlag { get; set; }

    [Description("The user's node: their jurisdiction (add; default: the whole tree)")]
    public string? NodeFlag { get; set; }
}

/// <summary>
/// The password of <c>users add</c> comes from standard input, never from the command line, where
/// every user of the machine sees it (ps, /proc) and the shell keeps it in its history: typed at a
/// prompt that does not echo it, or the first line of a pipe.
/// </summary>
[Description("List users, or add one (the same rules as POST /api/users; the password is read from standard input)")]
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
                var locked = await host.Services.GetRequiredService<SigningIn.Lockout>().LockedAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None);
                var table = new Table().AddColumns("user", "name", "roles", "node", "disabled", "locked until");
                foreach (var user in (await session.Query<UserAccount>().ToListAsync()).OrderBy(u => u.Id))
                    table.AddRow(Markup.Escape(user.Id), Markup.Escape(user.DisplayName), string.Join(",", user.Roles), user.NodeCode ?? "(all)",
                        user.Disabled ? "yes" : "", locked.TryGetValue(user.Id, out var until) ? until.ToString("u") : "");
                AnsiConsole.Write(table);
                return true;
            }
            case "add":
            {
                if (ReadPassword() is not { } password) return Fail("no password given: type it at the prompt, or pipe it in on a line of its own");
                var command = new CreateUser(input.NameFlag, password, input.DisplayFlag ?? input.NameFlag,
                    input.RolesFlag?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), input.NodeFlag);
                var problem = CreateUserEndpoint.Validate(command);
                if (!ReferenceEquals(problem, Wolverine.Http.WolverineContinue.NoProblems)) return Fail(problem.Detail);
                var org = await host.Services.GetRequiredService<OrgDirectory>().CurrentAsync();
                var refusal = CreateUserEndpoint.Decide(command, org, CurrentUser.System, TimeProvider.System.GetUtcNow(),
                    host.Services.GetRequiredService<IPasswordHasher<UserAccount>>(), out var user);
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

    /// <summary>A line from a pipe, or typed twice at a prompt that does not echo; null when none came.</summary>
    static string? ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine()?.TrimEnd('\r');
        var password = AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret(null));
        var again = AnsiConsole.Prompt(new TextPrompt<string>("The same password again:").Secret(null));
        if (password == again) return password;
        AnsiConsole.MarkupLine("[red]The two passwords differ.[/]");
        return null;
    }

    static bool Fail(string? message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message ?? "refused")}[/]");
        return false;
    }
}
