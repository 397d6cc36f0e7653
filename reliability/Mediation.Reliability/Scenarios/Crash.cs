using System.Diagnostics;
using Mediation.Cases;
using Mediation.Reliability.Harness;

namespace Mediation.Reliability.Scenarios;

/// <summary>The service killed with SIGKILL under load and started again, several times.</summary>
public static class Crash
{
    public const string Property =
        "Under load the service is killed (SIGKILL) at random moments and restarted. Requests cut off get no answer " +
        "(not counted as 5xx); no answer is a 5xx; every acknowledged event is there after the restart; after the load " +
        "the statistics converge to the naive recomputation and every case verifies against its chain; a deadline due while the service is down is breached exactly once after it restarts.";

    public static async Task RunAsync(Suite suite, ScenarioReport report)
    {
        var restarts = new List<double>();
        var slice = suite.Mode.CrashLoad / suite.Mode.Crashes;
        var (_, cases) = await suite.UnderLoadAsync(async () =>
        {
            for (var crash = 0; crash < suite.Mode.Crashes; crash++)
            {
                await Task.Delay(slice * (0.3 + 0.5 * suite.Random.NextDouble()));
                await suite.Service.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(0.5 + 2 * suite.Random.NextDouble()));
                var watch = Stopwatch.StartNew();
                await suite.Service.StartAsync(TimeSpan.FromSeconds(90));
                restarts.Add(watch.Elapsed.TotalSeconds);
            }
            // The load goes on for a while on the last start.
            await Task.Delay(TimeSpan.FromSeconds(3));
        });
        var tally = suite.Api.Tally;
        report.Add("load", $"{Suite.Clients} clients, {cases.Count} cases, {suite.Mode.CrashLoad.TotalSeconds:0} s")
            .Add("requests sent", tally.Requests)
            .Add("answers", tally.Summary())
            .Add("faults injected", $"{restarts.Count} SIGKILLs, each restarted (ready again in {string.Join(", ", restarts.Select(s => $"{s:0.0}"))} s)");
        report.Check(tally.ServerErrors == 0, $"no 5xx: {tally.ServerErrors} server errors, e.g. {string.Join(" | ", tally.ServerErrorSamples)}");
        await Checks.LedgerAsync(suite, report);
        await Checks.ChainAsync(suite, report);
        await Checks.StatisticsAsync(suite, report);
        await DeadlineDuringOutageAsync(suite, report);
    }

    /// <summary>A help request falling due while the service is down is breached once after it is back.</summary>
    static async Task DeadlineDuringOutageAsync(Suite suite, ScenarioReport report)
    {
        // Received long enough ago that it falls due a few seconds from now.
        var dueIn = TimeSpan.FromSeconds(6);
        var received = DateTimeOffset.UtcNow - Program.HelpRequestDeadline + dueIn;
        var grid = $"330122{suite.Random.Next(1, 9):D3}{suite.Random.Next(1, 6):D3}-{suite.Random.Next(1, 6):D2}";
        var filed = await suite.Api.FileAsync(Load.Dispute(grid, suite.Random, "HelpRequest", received));
        report.Check(filed.Ok, $"a help request is filed: {filed.Status} {filed.Body}");
        if (filed.Id is not { } id) return;
        await suite.Service.KillAsync();
        await Task.Delay(received + Program.HelpRequestDeadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        await suite.Service.StartAsync(TimeSpan.FromSeconds(90));
        var watch = Stopwatch.StartNew();
        var breaches = 0;
        // Wolverine looks for due scheduled messages every 5 seconds.
        while (watch.Elapsed < TimeSpan.FromSeconds(30) && (breaches = await BreachesAsync(suite, id)) == 0) await Task.Delay(250);
        var after = watch.Elapsed;
        // Long enough for a second delivery, were there one.
        await Task.Delay(TimeSpan.FromSeconds(12));
        breaches = await BreachesAsync(suite, id);
        report.Add("deadline during the outage", $"a help request due {dueIn.TotalSeconds:0} s after its filing, the service killed at once and restarted 3 s after the due time; " +
                                                  $"{breaches} DeadlineBreached, {after.TotalSeconds:0.0} s after the restart");
        report.Check(breaches == 1, $"a deadline due during the outage is breached exactly once after the restart: {breaches} breaches");
    }

    static async Task<int> BreachesAsync(Suite suite, Guid id)
    {
        await using var session = suite.Ledger.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Count(e => e.Data is DeadlineBreached);
    }
}
