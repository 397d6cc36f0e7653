using Marten;
using Mediation.Cases;
using Mediation.Cases.Filing;
using Mediation.Common;
using Mediation.Idempotency;
using Mediation.Organisation;
using Mediation.Parties;
using Mediation.Security;
using Mediation.Hosting;

namespace Mediation.Seeding;

public sealed record SeedOptions(int Cases, int Seed, DateOnly Until, int Parallel);

public sealed record SeedResult(int Cases, int Commands, int Refused, TimeSpan Elapsed, IReadOnlyList<Seeder.DemoUser> Users);

/// <summary>
/// Creates the demo county and its cases through the same validation, decisions and command runner
/// as the HTTP API, as the user <c>seed</c>. Every command carries an idempotency key derived from the
/// seed, so running the same seed again adds nothing.
/// </summary>
public sealed class Seeder(IDocumentStore store, OrgDirectory directory, CaseCommandRunner runner, CaseNumbers numbers, PersonIndex index, TimeProvider clock,
    Microsoft.AspNetCore.Identity.IPasswordHasher<UserAccount> hasher, ILogger<Seeder> logger)
{
    public static readonly CurrentUser User = new("seed", DemoCounty.CountyCode, new HashSet<string>());

    public async Task<OrgTree> EnsureCountyAsync(CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var existing = (await session.Query<OrgNode>().Select(n => n.Id).ToListAsync(cancellation)).ToHashSet();
        foreach (var (code, node) in DemoCounty.Nodes().Where(n => !existing.Contains(n.code)))
        {
            if (PutNodeEndpoint.Validate(code, node) is Microsoft.AspNetCore.Mvc.ValidationProblemDetails invalid)
                throw new InvalidOperationException($"Demo node {code} is invalid: {invalid.Detail}");
            await PutNodeEndpoint.PutAsync(code, node, CurrentUser.System, session, directory, cancellation);
        }
        directory.Invalidate();
        return await directory.CurrentAsync(cancellation);
    }

    public sealed record DemoUser(string Username, string Password, string Role, string NodeCode);

    /// <summary>
    /// One user per working role (and a grid worker, to show jurisdiction), with passwords derived from
    /// the seed number so they can be printed on every run. Demo and test databases only.
    /// </summary>
    public async Task<IReadOnlyList<DemoUser>> EnsureDemoUsersAsync(int seed, OrgTree org, CancellationToken cancellation)
    {
        var grid = org.All.Where(n => n.Level == Level.Grid).OrderBy(n => n.Id, StringComparer.Ordinal).First();
        DemoUser[] users =
        [
            new("clerk", $"clerk-demo-{seed}", Roles.Clerk, DemoCounty.CountyCode),
            new("mediator", $"mediator-demo-{seed}", Roles.Mediator, DemoCounty.CountyCode),
            new("gridworker", $"gridworker-demo-{seed}", Roles.Mediator, grid.Id),
            new("supervisor", $"supervisor-demo-{seed}", Roles.Supervisor, DemoCounty.CountyCode),
            new("auditor", $"auditor-demo-{seed}", Roles.Auditor, DemoCounty.CountyCode),
        ];
        await using var session = store.LightweightSession();
        var existing = (await session.Query<UserAccount>().Select(u => u.Id).ToListAsync(cancellation)).ToHashSet();
        foreach (var user in users.Where(u => !existing.Contains(u.Username)))
        {
            var command = new Security.Users.CreateUser(user.Username, user.Password, user.Username, [user.Role], user.NodeCode);
            if (Security.Users.CreateUserEndpoint.Decide(command, org, CurrentUser.System, clock.GetUtcNow(), hasher, out var account) is { } refusal)
                throw new InvalidOperationException($"Demo user {user.Username}: {refusal.Detail}");
            session.Insert(account!);
        }
        await session.SaveChangesAsync(cancellation);
        return users;
    }

    public async Task<SeedResult> RunAsync(SeedOptions options, Action<int>? caseDone, CancellationToken cancellation)
    {
        var started = clock.GetTimestamp();
        var org = await EnsureCountyAsync(cancellation);
        var users = await EnsureDemoUsersAsync(options.Seed, org, cancellation);
        var end = new DateTimeOffset(options.Until.ToDateTime(new TimeOnly(23, 59)), ChinaStandardTime.Offset).ToUniversalTime();
        if (end > clock.GetUtcNow()) end = clock.GetUtcNow();
        var planner = new CasePlanner(org, end.AddDays(-365), end);

        var commands = 0;
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Cases),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellation },
            async (number, token) =>
            {
                var plan = planner.Plan(options.Seed, number);
                var key = $"seed-{options.Seed}-{number}";
                var filing = await runner.ExecuteAsync(Request(key, "/api/cases", plan.Filing), FileCaseEndpoint.Name, plan.Filing,
                    FileCaseEndpoint.Attempt(plan.Filing, runner, numbers, index, User), token);
                Interlocked.Increment(ref commands);
                if (!filing.Succeeded) throw new InvalidOperationException($"Seed case {number} was not filed: {filing.Problem!.Detail}");
                var id = filing.Body is CaseFiledAnswer answer ? answer.Id : ReplayedId(filing);

                for (var step = 0; step < plan.Steps.Count; step++)
                {
                    var (entry, command) = plan.Steps[step];
                    if (entry.Validate(command) is Microsoft.AspNetCore.Mvc.ValidationProblemDetails invalid)
                        throw new InvalidOperationException($"Seed case {number} step {entry.Name} is invalid: {invalid.Detail}");
                    var outcome = await entry.RunAsync(runner, Request($"{key}-{step}", entry.PathFor(id), command), id, command, token);
                    Interlocked.Increment(ref commands);
                    if (!outcome.Succeeded)
                    {
                        // A plan only ever asks for what the lifecycle allows; say so loudly if not.
                        Interlocked.Increment(ref refused);
                        logger.LogWarning("Seed case {Number}: {Action} refused: {Detail}", number, entry.Name, outcome.Problem!.Detail);
                        break;
                    }
                }
                caseDone?.Invoke(number);
            });
        return new SeedResult(options.Cases, commands, refused, clock.GetElapsedTime(started), users);
    }

    static CommandRequest Request(string key, string path, object command) =>
        new(User, key, IdempotentRequest.HashOf("POST", path, command), null, key);

    static Guid ReplayedId(CommandOutcome outcome) =>
        Guid.Parse(((System.Text.Json.JsonElement)outcome.Body!).GetProperty("id").GetString()!);
}
