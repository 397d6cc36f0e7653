using Mediation.Reliability.Harness;

namespace Mediation.Reliability.Scenarios;

/// <summary>32 clients send the lifecycle's commands to 20 cases at once; every answer is recorded.</summary>
public static class Contention
{
    public const string Property =
        "32 concurrent clients send mixed case commands to 20 cases. No answer is a 5xx (409 and 412 are contention); " +
        "every 2xx-answered command's event is in its stream at the version answered; the streams hold exactly the " +
        "filings and acknowledged commands, plus the breaches the service appends itself.";

    public static async Task RunAsync(Suite suite, ScenarioReport report)
    {
        var acksBefore = suite.Api.Acks.Count;
        var (sent, cases) = await suite.UnderLoadAsync(() => Task.Delay(suite.Mode.Contention));
        var tally = suite.Api.Tally;
        report.Add("load", $"{Suite.Clients} clients, {cases.Count} cases, {suite.Mode.Contention.TotalSeconds:0} s")
            .Add("requests sent", tally.Requests)
            .Add("answers", tally.Summary())
            .Add("faults injected", "none");
        report.Check(tally.ServerErrors == 0, $"no 5xx: {tally.ServerErrors} server errors, e.g. {string.Join(" | ", tally.ServerErrorSamples)}");
        report.Check(tally.NoAnswer == 0, $"every request answered: {tally.NoAnswer} got no answer with the service up");
        var others = tally.Count(s => s is >= 400 and < 500 and not (409 or 412 or 422));
        report.Check(others == 0, $"refusals are contention only (409, 412, 422): {others} other 4xx answers");
        var acked = suite.Api.Acks.Count - acksBefore;
        report.Check(acked == tally.Success, $"every 2xx answer is in the ack log: {tally.Success} answers, {acked} acks");
        await Checks.LedgerAsync(suite, report);
    }
}
