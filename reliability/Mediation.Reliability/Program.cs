using System.Diagnostics;
using System.Reflection;
using Mediation.Reliability.Harness;
using Mediation.Reliability.Scenarios;

namespace Mediation.Reliability;

/// <summary>
/// The reliability suite: the service binary as a child process on a PostgreSQL cluster of the suite's
/// own, driven over HTTP while it is contended, killed and cut off from its database; each scenario
/// checks its properties and the program exits non-zero naming every one violated.
/// Usage: Mediation.Reliability [--short | --long] [--minutes N] [--seed N] [--results DIR]
/// </summary>
public static class Program
{
    /// <summary>The build configuration of this program, and so of the service binary it runs.</summary>
    public static string Configuration { get; } =
        typeof(Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The HelpRequest deadline the service runs with: the deadline scenario files help requests due within it.</summary>
    public static readonly TimeSpan HelpRequestDeadline = TimeSpan.FromSeconds(20);

    public static async Task<int> Main(string[] args)
    {
        var minutes = Option(args, "--minutes") is { } m ? int.Parse(m) : 20;
        var mode = args.Contains("--long") || Option(args, "--minutes") is not null ? Mode.Long(minutes) : Mode.Short;
        var seed = Option(args, "--seed") is { } s ? int.Parse(s) : Environment.TickCount;
        var results = Path.GetFullPath(Option(args, "--results") ?? Path.Combine(Service.SolutionRoot, "reliability", "results"));
        var logs = Path.Combine(results, "logs");
        Directory.CreateDirectory(logs);
        Console.WriteLine($"reliability: {mode.Name}, seed {seed}, service {Service.DllFor(Configuration)}, logs in {logs}");

        var watch = Stopwatch.StartNew();
        var reports = new List<ScenarioReport>();
        var settings = new Dictionary<string, string>
        {
            ["Mediation__Deadlines__HelpRequest"] = HelpRequestDeadline.ToString("c"),
            // Quiet: the logs are for reading after a failure, not for the console.
            ["Logging__LogLevel__Default"] = "Warning",
        };
        try
        {
            await using var suite = await Suite.StartAsync(mode, logs, seed, settings);
            reports.Add(await Run("Contention", Contention.Property, suite, Contention.RunAsync));
            reports.Add(await Run("Idempotency storm", IdempotencyStorm.Property, suite, IdempotencyStorm.RunAsync));
            reports.Add(await Run("Crash", Crash.Property, suite, Crash.RunAsync));
            reports.Add(await Run("Database outage", DatabaseOutage.Property, suite, DatabaseOutage.RunAsync));
        }
        catch (Exception e)
        {
            reports.Add(Broken(e));
        }
        try
        {
            // Several nodes on a database of their own, so that the single-node scenarios above run as one node does.
            var nodeLogs = Path.Combine(logs, "nodes");
            Directory.CreateDirectory(nodeLogs);
            await using var nodes = await Suite.StartAsync(mode, nodeLogs, seed, new Dictionary<string, string>(settings) { ["Mediation__Nodes"] = "Several" });
            reports.Add(await Run("Node failover", NodeFailover.Property, nodes, NodeFailover.RunAsync));
        }
        catch (Exception e)
        {
            reports.Add(Broken(e));
        }

        var markdown = ScenarioReport.Markdown(mode.Name, reports, watch.Elapsed);
        await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), markdown);
        var failed = reports.Where(r => !r.Passed).ToList();
        Console.WriteLine($"reliability: {reports.Count - failed.Count} of {reports.Count} scenarios passed in {watch.Elapsed.TotalSeconds:0} s; report in {Path.Combine(results, "latest.md")}");
        foreach (var report in failed)
            Console.WriteLine($"reliability: FAILED {report.Name}: {string.Join("; ", report.Violations.Take(3))}");
        return failed.Count == 0 ? 0 : 1;
    }

    static async Task<ScenarioReport> Run(string name, string property, Suite suite, Func<Suite, ScenarioReport, Task> scenario)
    {
        var report = new ScenarioReport(name, property);
        var watch = Stopwatch.StartNew();
        suite.Api.Restart();
        try { await scenario(suite, report); }
        catch (Exception e) { report.Violations.Add($"the scenario broke: {e.GetType().Name}: {e.Message}"); }
        report.Elapsed = watch.Elapsed;
        report.Print();
        return report;
    }

    static ScenarioReport Broken(Exception e)
    {
        var broken = new ScenarioReport("Harness", "The suite itself could set up and run.");
        broken.Violations.Add($"the run broke: {e}");
        broken.Print();
        return broken;
    }

    static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
