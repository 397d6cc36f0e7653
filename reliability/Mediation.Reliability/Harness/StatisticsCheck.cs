using System.Diagnostics;
using System.Text.Json.Nodes;
using Mediation.Tests.Statistics;

namespace Mediation.Reliability.Harness;

/// <summary>
/// After the load: the statistics projection catches up with the events, and the settlement figures,
/// flows and backlog the service answers equal the naive recomputation from the raw events
/// (tests/Mediation.Tests/Statistics/NaiveStatistics.cs, compiled into this program).
/// </summary>
public static class StatisticsCheck
{
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    const string County = Seeding.DemoCounty.CountyCode;

    /// <summary>Waits until the projection has applied every event; returns how long that took, or null if it did not within the limit.</summary>
    public static async Task<TimeSpan?> CaughtUpAsync(Ledger ledger, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            var (statistics, _, events) = await ledger.ProgressAsync();
            if (statistics >= events) return watch.Elapsed;
            await Task.Delay(250);
        }
        return null;
    }

    /// <summary>The differences between the service's figures and the naive ones as of now; empty when they agree.</summary>
    public static async Task<List<string>> CompareAsync(Api api, Ledger ledger)
    {
        var at = DateTimeOffset.UtcNow;
        var naive = new NaiveStatistics(await ledger.AllEventsAsync());
        var states = naive.StatesAt(at).ToList();
        var today = DateOnly.FromDateTime(at.ToOffset(Cst).DateTime);
        var (from, to) = (today.AddDays(-1), today.AddDays(2));
        var fromTime = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), Cst);
        var toTime = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), Cst);
        var asOf = Uri.EscapeDataString(at.ToString("O"));
        var differences = new List<string>();

        var settlement = await api.GetAsync($"/api/stats/settlement?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&nodeCode={County}&asOf={asOf}");
        if (!settlement.Ok) return [$"settlement answered {settlement.Status}: {settlement.Body}"];
        var cohort = states.Where(s => s.Filed.OccurredAt >= fromTime && s.Filed.OccurredAt < toTime).ToList();
        foreach (var (name, expected) in NaiveStatistics.Figures(cohort))
            Compare(differences, $"settlement {name}", Value(settlement.Json!, name), expected);
        foreach (var (name, count) in naive.Flow(fromTime, toTime, at, _ => true))
            Compare(differences, $"flow {name}", settlement.Json!["flow"]?[name], count);

        var backlog = await api.GetAsync($"/api/stats/backlog?nodeCode={County}&asOf={asOf}");
        if (!backlog.Ok) return [.. differences, $"backlog answered {backlog.Status}: {backlog.Body}"];
        foreach (var (name, count) in naive.Backlog(states, at))
            Compare(differences, $"backlog {name}", Value(backlog.Json!, name), count);
        return differences;
    }

    /// <summary>How many figures a comparison looks at, for the report.</summary>
    public static int FiguresCompared => NaiveStatistics.Figures([]).Count + 5 + 12;

    static JsonNode? Value(JsonNode node, string path) =>
        path.Split('.', 2) is [var head, var rest] ? node[head]?[rest] : node[path];

    static void Compare(List<string> differences, string name, JsonNode? actual, object? expected)
    {
        var same = expected switch
        {
            null => actual is null,
            long l => actual?.GetValue<long>() == l,
            double d => actual is not null && Math.Abs(actual.GetValue<double>() - d) < 1e-9,
            decimal m => actual?.GetValue<decimal>() == m,
            _ => false,
        };
        if (!same) differences.Add($"{name}: the service says {actual?.ToJsonString() ?? "null"}, the events say {expected ?? "null"}");
    }
}
