using Marten;
using Mediation.Cases;
using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Seeding;

/// <summary>
/// <c>--demo</c>: once the service is up, an empty database gets the demo county with a few hundred
/// cases (through the seed's command path), and the demo users' credentials are printed either way,
/// so that a newcomer can sign in to the workbench within a minute.
/// </summary>
public sealed class DemoOnFirstRun(IHostApplicationLifetime lifetime, IDocumentStore store, Seeder seeder, TimeProvider clock,
    IConfiguration configuration, ILogger<DemoOnFirstRun> logger) : BackgroundService
{
    public const string Switch = "--demo";
    /// <summary>Enough for every page to show something, few enough to be seeded in well under a minute.</summary>
    public const int DefaultCases = 300;
    public const string CasesSetting = "Mediation:DemoCases";
    public const int Seed = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The command runner needs Wolverine's outbox, which is ready only once the host has started.
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        await using (var session = store.QuerySession())
        {
            if (await session.Query<MediationCase>().AnyAsync(stoppingToken))
            {
                var org = await seeder.EnsureCountyAsync(stoppingToken);
                Print(await seeder.EnsureDemoUsersAsync(Seed, org, stoppingToken), seeded: null);
                return;
            }
        }
        var cases = configuration.GetValue(CasesSetting, DefaultCases);
        logger.LogInformation("Demo: seeding {Cases} cases of the demo county", cases);
        var until = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaStandardTime.Offset).DateTime);
        var result = await seeder.RunAsync(new SeedOptions(cases, Seed, until, 4), null, stoppingToken);
        Print(result.Users, result);
    }

    static void Print(IReadOnlyList<Seeder.DemoUser> users, SeedResult? seeded)
    {
        Console.WriteLine();
        Console.WriteLine(seeded is null
            ? "Demo: the database already has cases; nothing seeded."
            : $"Demo: seeded {seeded.Cases} cases in {seeded.Elapsed.TotalSeconds:0.0} s.");
        Console.WriteLine("Workbench: /workbench   sign in as (user / password / role):");
        foreach (var user in users.Where(u => u.Username is "clerk" or "mediator" or "supervisor" or "auditor"))
            Console.WriteLine($"  {user.Username,-12} {user.Password,-24} {user.Role}");
        Console.WriteLine();
    }
}
