namespace Mediation.Reliability.Harness;

/// <summary>The checks several scenarios end with.</summary>
public static class Checks
{
    /// <summary>No acknowledged write lost, every event accounted for (<see cref="Ledger.CheckAsync"/>).</summary>
    public static async Task LedgerAsync(Suite suite, ScenarioReport report)
    {
        var ledger = await suite.Ledger.CheckAsync(suite.Api);
        report.Add("events", ledger.Summary);
        report.Check(ledger.Lost == 0, $"no acknowledged write lost: {ledger.Lost} lost");
        report.Check(ledger.Events == ledger.Acknowledged + ledger.ServiceAdded + ledger.UnansweredRecorded,
            $"the counts add up: {ledger.Events} events, {ledger.Acknowledged} acknowledged + {ledger.ServiceAdded} breaches + {ledger.UnansweredRecorded} unanswered");
        foreach (var problem in ledger.Problems) report.Violations.Add(problem);
    }

    /// <summary>Every case still verifies against its tamper-evident chain (<c>audit verify</c>, run by the service binary).</summary>
    public static async Task ChainAsync(Suite suite, ScenarioReport report)
    {
        var (code, output) = await suite.Service.RunCommandAsync("audit", "verify");
        // Its verdict, the console's line wrapping undone: a line per case not as recorded, then the count.
        var text = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        var verdict = System.Text.RegularExpressions.Regex.Match(text, @"\d+ cases, \d+ events: every case is as recorded|\d+ of \d+ cases are not as recorded");
        report.Add("event chain", $"audit verify: {(verdict.Success ? verdict.Value : $"exited with {code}")}");
        var problems = System.Text.RegularExpressions.Regex.Matches(text, @"case [0-9a-f-]{36}: \w+").Select(m => m.Value);
        report.Check(code == 0, $"every case verifies against its chain (audit verify): {string.Join("; ", problems.Take(10))} {verdict.Value}");
    }

    /// <summary>The projection catches up after the load and its figures equal the naive recomputation.</summary>
    public static async Task StatisticsAsync(Suite suite, ScenarioReport report)
    {
        var caughtUp = await StatisticsCheck.CaughtUpAsync(suite.Ledger, TimeSpan.FromSeconds(60));
        report.Check(caughtUp is not null, "the statistics projection catches up with the events within 60 s of the load's end");
        if (caughtUp is null) return;
        var differences = await StatisticsCheck.CompareAsync(suite.Api, suite.Ledger);
        report.Add("statistics", $"caught up {caughtUp.Value.TotalSeconds:0.0} s after the load, " +
                                 $"{StatisticsCheck.FiguresCompared} figures compared with the naive recomputation, {differences.Count} differ");
        foreach (var difference in differences) report.Violations.Add($"statistics converge to the naive recomputation: {difference}");
    }
}
