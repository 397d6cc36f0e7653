using System.Diagnostics;
using System.Net;
using Mediation.Reliability.Harness;

namespace Mediation.Reliability.Scenarios;

/// <summary>PostgreSQL stopped under load and started again; and every connection of the service cut.</summary>
public static class DatabaseOutage
{
    public const string Property =
        "Under load PostgreSQL is stopped (pg_ctl stop -m fast) for some seconds and started again, and separately every " +
        "connection of the service is terminated. While the database is away the service answers 503 problem details, " +
        "never 500, and /health/ready is not 200; within 10 s of its return a command is answered 2xx and ready is 200; " +
        "no acknowledged write is lost and every case verifies against its chain; the statistics projection moves past the outage and catches up with the events.";

    static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);
    static readonly TimeSpan Down = TimeSpan.FromSeconds(6);

    public static async Task RunAsync(Suite suite, ScenarioReport report)
    {
        var recoveries = new List<string>();
        var probes = new Tally();
        long statisticsBefore = 0;
        // A case of its own, kept open, for the probes' commands.
        var probe = (await Load.FileCasesAsync(suite.Api, 1, suite.Random))[0].Id;
        var slice = suite.Mode.OutageLoad / (suite.Mode.Outages + 1);
        var (_, cases) = await suite.UnderLoadAsync(async () =>
        {
            for (var outage = 0; outage < suite.Mode.Outages; outage++)
            {
                await Task.Delay(slice * (0.5 + 0.5 * suite.Random.NextDouble()));
                statisticsBefore = (await suite.Ledger.ProgressAsync()).highWater;
                suite.Cluster.Stop();
                await ProbeWhileDownAsync(suite, report, probes, probe);
                suite.Cluster.Start();
                recoveries.Add($"stop: {await RecoveredAsync(suite, report, probe, "PostgreSQL started again")}");

                await Task.Delay(slice * 0.3);
                var cut = await suite.Cluster.TerminateConnectionsAsync();
                recoveries.Add($"{cut} connections cut: {await RecoveredAsync(suite, report, probe, $"{cut} connections terminated")}");
            }
            // Events written after the last outage, for the projection to catch up with.
            await Task.Delay(slice * 0.5);
        });
        var tally = suite.Api.Tally;
        report.Add("load", $"{Suite.Clients} clients, {cases.Count} cases, {suite.Mode.OutageLoad.TotalSeconds:0} s")
            .Add("requests sent", $"{tally.Requests} by the load, {probes.Requests} probes while down")
            .Add("answers", tally.Summary())
            .Add("probes while down", probes.Summary())
            .Add("faults injected", $"{suite.Mode.Outages} × PostgreSQL stopped for {Down.TotalSeconds:0} s, {suite.Mode.Outages} × all connections terminated")
            .Add("back to 2xx and ready", string.Join("; ", recoveries));
        var notUnavailable = tally.ServerErrors - tally.Status(503);
        report.Check(notUnavailable == 0, $"never a 5xx other than 503: {notUnavailable}, e.g. {string.Join(" | ", tally.ServerErrorSamples)}");
        report.Check(tally.PlainUnavailable == 0, $"every 503 is problem details: {tally.PlainUnavailable} are not");
        await Checks.LedgerAsync(suite, report);
        await Checks.ChainAsync(suite, report);

        var (statistics, highWater, events) = await suite.Ledger.ProgressAsync();
        await Checks.StatisticsAsync(suite, report);
        var after = await suite.Ledger.ProgressAsync();
        report.Add("statistics progress", $"high-water mark {statisticsBefore} before the last stop; at the load's end statistics {statistics}, " +
                                          $"high-water {highWater}, events {events}; after catching up statistics {after.statistics} of {after.events}");
        report.Check(after.statistics > statisticsBefore && after.statistics >= after.events,
            $"the statistics projection moves past the outage: at sequence {after.statistics}, {after.events} events, {statisticsBefore} before the outage");
    }

    /// <summary>While the database is down: commands answer 503 problem details and readiness is not 200.</summary>
    static async Task ProbeWhileDownAsync(Suite suite, ScenarioReport report, Tally probes, Guid probe)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Down)
        {
            var answer = await suite.Api.CommandAsync(probe, "supervise", "Supervisor", new { kind = "Reminder", note = "数据库停机探测" });
            probes.Add("probe", answer);
            report.Check(answer.Status == 503 && answer.ContentType == "application/problem+json",
                $"a command while the database is down answers 503 problem details: {answer.Status} {answer.ContentType} {answer.Body[..Math.Min(200, answer.Body.Length)]}");
            var ready = await suite.Service.ReadinessAsync();
            report.Check(ready is not null && ready != HttpStatusCode.OK, $"/health/ready is not 200 while the database is down: {ready?.ToString() ?? "no answer"}");
            await Task.Delay(500);
        }
    }

    /// <summary>How long until a command answers 2xx and readiness 200; a violation when longer than <see cref="Recovery"/>.</summary>
    static async Task<string> RecoveredAsync(Suite suite, ScenarioReport report, Guid probe, string fault)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Recovery)
        {
            var answer = await suite.Api.CommandAsync(probe, "supervise", "Supervisor", new { kind = "Reminder", note = "恢复探测" });
            if (answer.Ok && await suite.Service.ReadinessAsync() == HttpStatusCode.OK) return $"{watch.Elapsed.TotalSeconds:0.0} s";
            await Task.Delay(200);
        }
        report.Violations.Add($"serves again within {Recovery.TotalSeconds:0} s of the fault ({fault}): a command and /health/ready did not both succeed");
        return "not within 10 s";
    }
}
