using System.Diagnostics;
using Mediation.Bench;

// The benchmark client: measures a running service over HTTP. bench/stats.sh (and bench/run.sh) start
// the database and the service, seed them and call this.
var options = Arguments.Parse(args);
using var http = new HttpClient { BaseAddress = new Uri(options.Get("url", "http://127.0.0.1:5080")), Timeout = TimeSpan.FromMinutes(2) };
if (options.Has("token")) http.DefaultRequestHeaders.Authorization = new("Bearer", options.Get("token", ""));

switch (args.FirstOrDefault())
{
    case "queries":
        await Queries.RunAsync(http, options);
        return 0;
    case "write":
        return await WriteLoad.MainAsync(options);
    case "body":
        Console.WriteLine(WriteLoad.SampleBody());
        return 0;
    default:
        Console.Error.WriteLine("usage: Mediation.Bench queries --url URL [--token JWT] [--rounds N] [--from yyyy-MM-dd --to yyyy-MM-dd]");
        Console.Error.WriteLine("       Mediation.Bench write --url URL [--peer URL] [--ceiling URL] [--clients 1,8,32] [--seconds 20] [--rate 500] [--rate-seconds 20] [--seed 1] [--pid SERVICE_PID] [--peer-pid PEER_PID]");
        Console.Error.WriteLine("       Mediation.Bench body   (the filing body the write mode sends, for pgbench's row)");
        return 2;
}

namespace Mediation.Bench
{
    public sealed class Arguments(Dictionary<string, string> values)
    {
        public static Arguments Parse(string[] args)
        {
            var values = new Dictionary<string, string>();
            for (var i = 1; i < args.Length; i++)
                if (args[i].StartsWith("--"))
                    values[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "true";
            return new Arguments(values);
        }

        public bool Has(string name) => values.ContainsKey(name);
        public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        public int Get(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
    }

    static class Percentiles
    {
        public static double Of(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

        public static string Row(string name, List<double> millis)
        {
            millis.Sort();
            return $"| {name} | {millis.Count} | {Of(millis, 50):F1} | {Of(millis, 95):F1} | {Of(millis, 99):F1} | {millis[^1]:F1} |";
        }
    }

    /// <summary>Settlement and backlog queries, each shape repeated, timed one at a time (latency, not throughput).</summary>
    static class Queries
    {
        public static async Task RunAsync(HttpClient http, Arguments options)
        {
            var rounds = options.Get("rounds", 50);
            var from = options.Get("from", "2025-11-01");
            var to = options.Get("to", "2026-11-01");
            var asOf = options.Get("asOf", "2026-04-30T23:59:59%2B08:00");
            var period = $"from={from}&to={to}";
            // A recording moment in the middle of the data's recording: the read model's past as it knew it.
            var knownAt = options.Get("knownAt", "");
            (string name, string path)[] known = knownAt.Length == 0 ? [] :
            [
                ("settlement, year, as known at a past moment", $"/api/stats/settlement?{period}&knownAt={Uri.EscapeDataString(knownAt)}"),
                ("settlement, year, by street, as known at a past moment", $"/api/stats/settlement?{period}&groupBy=node&knownAt={Uri.EscapeDataString(knownAt)}"),
                ("backlog, county, as known at a past moment", $"/api/stats/backlog?knownAt={Uri.EscapeDataString(knownAt)}"),
            ];
            (string name, string path)[] shapes =
            [
                ("settlement, year, county", $"/api/stats/settlement?{period}"),
                ("settlement, year, by street", $"/api/stats/settlement?{period}&groupBy=node"),
                ("settlement, year, by category", $"/api/stats/settlement?{period}&groupBy=category"),
                ("settlement, year, by channel", $"/api/stats/settlement?{period}&groupBy=channel"),
                ("settlement, year, by month", $"/api/stats/settlement?{period}&groupBy=month"),
                ("settlement, year, by level", $"/api/stats/settlement?{period}&groupBy=level"),
                ("settlement, year, as of a past moment", $"/api/stats/settlement?{period}&asOf={asOf}"),
                ("settlement, days at both ends (not whole months)", $"/api/stats/settlement?from={from[..8]}10&to={to[..8]}20"),
                ("settlement, one month, county", $"/api/stats/settlement?from={DateOnly.Parse(to).AddMonths(-1):yyyy-MM-dd}&to={to}"),
                ("backlog, county, now", "/api/stats/backlog"),
                ("backlog, county, as of a past moment", $"/api/stats/backlog?asOf={asOf}"),
                .. known,
            ];
            // Warm up: connections, prepared statements, the JIT.
            foreach (var (_, path) in shapes)
                for (var i = 0; i < 3; i++) (await http.GetAsync(path)).EnsureSuccessStatusCode();

            var all = new List<double>();
            Console.WriteLine("| query | requests | p50 ms | p95 ms | p99 ms | max ms |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (name, path) in shapes)
            {
                var times = new List<double>();
                for (var i = 0; i < rounds; i++)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await http.GetAsync(path);
                    await response.Content.ReadAsByteArrayAsync();
                    watch.Stop();
                    response.EnsureSuccessStatusCode();
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                all.AddRange(times);
                Console.WriteLine(Percentiles.Row(name, times));
            }
            Console.WriteLine(Percentiles.Row("all of the above", all));
        }
    }
}
