using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Mediation.Cases;
using Mediation.Reliability.Harness;
using Npgsql;

namespace Mediation.Reliability.Scenarios;

/// <summary>Two nodes on one database under load; the node running the statistics projection is killed.</summary>
public static partial class NodeFailover
{
    public const string Property =
        "Two service nodes (Mediation:Nodes=Several) share one PostgreSQL and the load. The node running the statistics projection " +
        "is killed (SIGKILL) and taken out of the balancer: the other takes the projection over within 30 s, no acknowledged event is lost, " +
        "there is no 5xx, the statistics converge to the naive recomputation, every case verifies against its chain, a deadline falling due " +
        "meanwhile is breached exactly once, and a workbench session signed in on one node works on the other.";

    static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Suite suite, ScenarioReport report)
    {
        var first = suite.Service;
        await using var second = first.Beside("node-b");
        await second.StartAsync(TimeSpan.FromSeconds(90));
        suite.Api.AddNode(second.Url);

        var session = await WorkbenchAcrossAsync(first.Url, second.Url);
        report.Add("workbench across nodes", session ?? "one node's sign-in form posted to the other, and the session it gave let into the first's workbench");
        report.Check(session is null, $"a workbench session signed in on one node works on the other: {session}");

        // A node may hold a lock of its own for a moment (a transaction's); the projection's is held for good.
        int? before = null;
        for (var look = 0; look < 20 && before != first.ProcessId; look++)
        {
            if (look > 0) await Task.Delay(250);
            before = await HolderAsync(suite);
        }
        report.Check(before == first.ProcessId, $"the statistics projection runs on one node, the first started: sessions of {Describe(before)} hold its lock");
        TimeSpan? takeover = null;
        Guid? due = null;
        var dueIn = TimeSpan.FromSeconds(8);
        var (_, cases) = await suite.UnderLoadAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            // A help request that falls due while the projection's node is dead and the other takes over.
            var received = DateTimeOffset.UtcNow - Program.HelpRequestDeadline + dueIn;
            var filed = await suite.Api.FileAsync(Load.Dispute($"330122{suite.Random.Next(1, 9):D3}{suite.Random.Next(1, 6):D3}-{suite.Random.Next(1, 6):D2}",
                suite.Random, "HelpRequest", received));
            report.Check(filed.Ok, $"a help request is filed: {filed.Status} {filed.Body}");
            due = filed.Id;
            var dueAt = received + Program.HelpRequestDeadline;

            await first.KillAsync();
            suite.Api.RemoveNode(first.Url);
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TakeoverLimit + TimeSpan.FromSeconds(15))
            {
                if (await HolderAsync(suite) == second.ProcessId) { takeover = watch.Elapsed; break; }
                await Task.Delay(250);
            }
            // The load goes on against the survivor past the deadline and a second delivery's chance.
            var rest = dueAt + TimeSpan.FromSeconds(15) - DateTimeOffset.UtcNow;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
        });

        var tally = suite.Api.Tally;
        report.Add("load", $"{Suite.Clients} clients over two nodes, {cases.Count} cases, then over the survivor")
            .Add("requests sent", tally.Requests)
            .Add("answers", tally.Summary())
            .Add("faults injected", "the node holding the statistics projection killed (SIGKILL) under load")
            .Add("takeover", takeover is { } t ? $"the survivor held the projection {t.TotalSeconds:0.0} s after the kill" : "none seen");
        report.Check(takeover is { } took && took <= TakeoverLimit, $"the other node takes the projection over within {TakeoverLimit.TotalSeconds:0} s: {takeover?.TotalSeconds:0.0} s");
        report.Check(tally.ServerErrors == 0, $"no 5xx: {tally.ServerErrors} server errors, e.g. {string.Join(" | ", tally.ServerErrorSamples)}");
        await Checks.LedgerAsync(suite, report);
        await Checks.ChainAsync(suite, report);
        await Checks.StatisticsAsync(suite, report);
        if (due is { } id)
        {
            await using var events = suite.Ledger.Store.QuerySession();
            var breaches = (await events.Events.FetchStreamAsync(id)).Count(e => e.Data is DeadlineBreached);
            report.Add("deadline during the takeover", $"a help request due {dueIn.TotalSeconds:0} s after its filing, the projection's node killed at once: {breaches} DeadlineBreached");
            report.Check(breaches == 1, $"a deadline due while a node dies is breached exactly once: {breaches} breaches");
        }
    }

    static string Describe(int? process) => process is { } id ? $"process {id}" : "no node (or more than one)";

    /// <summary>
    /// The node whose database sessions hold the projection daemon's advisory lock: each node names its sessions
    /// "mediation host process" (Wolverine's own locks are taken on sessions it names itself).
    /// </summary>
    static async Task<int?> HolderAsync(Suite suite)
    {
        await using var connection = new NpgsqlConnection(suite.Cluster.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select distinct a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and a.application_name like 'mediation %'
            """, connection);
        var holders = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (int.TryParse(reader.GetString(0).Split(' ')[^1], out var process)) holders.Add(process);
        return holders.Distinct().Count() == 1 ? holders[0] : null;
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();

    /// <summary>
    /// The sign-in form read from one node and posted to the other (its antiforgery token made by the first),
    /// then the workbench asked of the first with the cookie the second gave: null when all of it works, else what failed.
    /// </summary>
    static async Task<string?> WorkbenchAcrossAsync(string one, string other)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        using var page = await http.GetAsync($"{one}/workbench/sign-in");
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = page.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]).ToList() : [];
        var form = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["Form.Username"] = "clerk";
        form["Form.Password"] = "clerk-demo-1";
        form["Form.ReturnUrl"] = "/workbench";
        using var post = new HttpRequestMessage(HttpMethod.Post, $"{other}/workbench/sign-in") { Content = new FormUrlEncodedContent(form) };
        post.Headers.Add("Cookie", string.Join("; ", antiforgery));
        using var signedIn = await http.SendAsync(post);
        var cookie = signedIn.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(Mediation.Security.SecuritySetup.WorkbenchCookie + "=", StringComparison.Ordinal))
            : null;
        if (cookie is null) return $"the sign-in form of one node, posted to the other, answered {(int)signedIn.StatusCode} without a session cookie";
        using var workbench = new HttpRequestMessage(HttpMethod.Get, $"{one}/workbench");
        workbench.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var answer = await http.SendAsync(workbench);
        var location = answer.Headers.Location?.OriginalString;
        return answer.StatusCode == HttpStatusCode.OK || (answer.StatusCode == HttpStatusCode.Found && location?.StartsWith("/workbench/sign-in", StringComparison.Ordinal) == false)
            ? null
            : $"the workbench of one node, with the other's session cookie, answered {(int)answer.StatusCode} {location}";
    }
}
