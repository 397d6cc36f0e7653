using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mediation.Bench;

/// <summary>
/// One case driven through its life as the workbench would: filed by the clerk, assigned to a grid,
/// mediated, in half the cases escalated one level and mediated again, resolved with an agreement,
/// performance and follow-up recorded, closed. Every command carries <c>If-Match</c> with the version
/// the previous answer gave and an <c>Idempotency-Key</c>. The peer gets the same bodies on its own
/// routes, the version in the body; the ceiling gets them on its one endpoint.
/// </summary>
sealed class CaseScript(Random random)
{
    static readonly string[] Categories = ["Neighbour", "MarriageFamily", "HousingHomestead", "Labour", "Contract"];

    readonly string _grid = $"330122{random.Next(1, 9):D3}{random.Next(1, 6):D3}-{random.Next(1, 6):D2}";
    readonly bool _escalates = random.Next(2) == 0;
    int _step;
    string? _id;
    long _version;

    public bool Done { get; private set; }
    public string? Failure { get; private set; }
    /// <summary>The command the last call sent, for the latency by command.</summary>
    public string LastAction { get; private set; } = "";

    IEnumerable<(string action, bool clerk, object body)> Steps()
    {
        var now = DateTimeOffset.UtcNow;
        yield return ("", true, new
        {
            kind = "Dispute", channel = "WalkIn", category = Categories[random.Next(Categories.Length)],
            summary = "邻里之间因楼上噪音发生纠纷，双方多次争执，申请人请求调解", nodeCode = _grid, receivedAt = now,
            parties = new[]
            {
                new { role = "Applicant", name = "张三", idNumber = "11010519491231002X", phone = "13812345678", address = "示范县城关街道幸福社区幸福路1号" },
                new { role = "Respondent", name = "李四", idNumber = "110105194912310038", phone = "13987654321", address = "示范县城关街道幸福社区幸福路1号" },
            },
            riskLevel = "Low", groupSize = 2,
        });
        yield return ("assign", true, new { gridCode = _grid, assignee = "网格员小李" });
        yield return ("sessions", false, new { heldAt = now, mode = "InPerson", mediators = new[] { "小李" }, note = "首次调解，双方陈述意见" });
        if (_escalates)
        {
            yield return ("escalate", false, new { reason = "MediationFailed", note = "双方分歧较大" });
            yield return ("sessions", false, new { heldAt = now, mode = "Video", mediators = new[] { "社区调解员老张" }, note = "再次调解" });
        }
        yield return ("resolve", false, new { outcome = "AgreementReached", agreementForm = "Written", amount = 5600.00m, performanceDueAt = now.AddDays(30), note = "达成书面协议" });
        yield return ("performance", true, new { result = "Full" });
        yield return ("follow-up", true, new { satisfaction = "Satisfied", note = "回访满意" });
        yield return ("close", true, new { });
    }

    /// <summary>Sends the next command; a failure ends the case (its version is no longer known).</summary>
    public async Task<HttpStatusCode> NextAsync(Target target, CancellationToken cancellation)
    {
        var (action, clerk, body) = Steps().ElementAt(_step);
        LastAction = action == "" ? "file" : action;
        var path = target.Kind switch
        {
            TargetKind.Ceiling => "/rows",
            TargetKind.Service => _step == 0 ? "/api/cases" : $"/api/cases/{_id}/{action}",
            _ => _step == 0 ? "/cases" : $"/cases/{_id}/{action}",
        };
        // The peer's aggregate handler workflow takes the expected version from the body, not from If-Match.
        string json;
        if (target.Kind == TargetKind.Peer && _step > 0)
        {
            var withVersion = JsonSerializer.SerializeToNode(body, Json)!.AsObject();
            withVersion["version"] = _version;
            json = withVersion.ToJsonString(Json);
        }
        else json = JsonSerializer.Serialize(body, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (target.Kind == TargetKind.Service)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clerk ? target.ClerkToken : target.MediatorToken);
            if (_step > 0) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{_version}\""));
        }
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await target.Http.SendAsync(request, cancellation);
        var answer = await response.Content.ReadAsStringAsync(cancellation);
        if (!response.IsSuccessStatusCode)
        {
            Done = true;
            Failure = $"{(int)response.StatusCode} on {(action == "" ? "file" : action)}: {answer}";
            return response.StatusCode;
        }
        var answered = JsonNode.Parse(answer)!;
        _id = answered["id"]!.GetValue<string>();
        _version = answered["version"]!.GetValue<long>();
        _step++;
        Done = _step == Steps().Count();
        return response.StatusCode;
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A filing body, the largest of the script's, for pgbench's row.</summary>
    public static string SampleBody() => JsonSerializer.Serialize(new CaseScript(new Random(1)).Steps().First().body, Json);
}

/// <summary>Closed-loop clients (each sends its next command when the last one answered) and an open-loop fixed rate.</summary>
public static class WriteLoad
{
    static int _failuresShown;

    static async Task<int> SendAsync(CaseScript script, Target target, CancellationToken cancellation)
    {
        int status;
        string? failure;
        try
        {
            status = (int)await script.NextAsync(target, cancellation);
            failure = script.Failure;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            status = 0;
            failure = e.Message;
        }
        // The first few failures in full: a count alone does not say what to fix.
        if (failure is not null && Interlocked.Increment(ref _failuresShown) <= 5) Console.Error.WriteLine($"{target.Name}: {failure}");
        return status;
    }

    /// <summary><paramref name="clients"/> clients, each with its own cases, for <paramref name="duration"/>.</summary>
    public static async Task<LoadResult> ClosedAsync(Target target, int clients, TimeSpan duration, int seed = 1)
    {
        var recorder = new Recorder();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            var script = new CaseScript(random);
            while (watch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await SendAsync(script, target, CancellationToken.None);
                recorder.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds, status, script.LastAction);
                if (script.Done) script = new CaseScript(random);
            }
        })));
        return recorder.Result(target.Name, $"{clients} clients", watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Commands sent at a fixed rate whatever the answers: each timed from when it was due to be sent,
    /// so a stall counts against every command it delayed (no coordinated omission). Each command goes
    /// to a case not busy with another one; when none is free, a new case is filed.
    /// </summary>
    public static async Task<LoadResult> OpenAsync(Target target, int rate, TimeSpan duration, int seed = 1)
    {
        var recorder = new Recorder();
        var idle = new System.Collections.Concurrent.ConcurrentQueue<CaseScript>();
        var random = new Random(seed);
        var inFlight = new List<Task>();
        var total = (int)(rate * duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            else while (Stopwatch.GetTimestamp() < due) Thread.SpinWait(20);
            if (!idle.TryDequeue(out var script))
                lock (random) script = new CaseScript(new Random(random.Next()));
            inFlight.Add(Task.Run(async () =>
            {
                var status = await SendAsync(script, target, CancellationToken.None);
                recorder.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds, status, script.LastAction);
                if (!script.Done) idle.Enqueue(script);
            }));
        }
        await Task.WhenAll(inFlight);
        return recorder.Result(target.Name, $"{rate}/s offered", duration.TotalSeconds);
    }

    /// <summary>The highest resident set (VmRSS, sampled every 50 ms) and the kernel's own peak (VmHWM) of a process while a task runs.</summary>
    public static async Task<(T result, long peakRssMb, long hwmMb, double cpuSeconds)> WithMemoryAsync<T>(int? pid, Func<Task<T>> run)
    {
        if (pid is null) return (await run(), 0, 0, 0);
        var cpuBefore = CpuSeconds(pid.Value);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Status(pid.Value, "VmRSS"));
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var result = await run();
        stop.Cancel();
        await sampler;
        return (result, peak, Status(pid.Value, "VmHWM"), CpuSeconds(pid.Value) - cpuBefore);
    }

    /// <summary>User and system CPU time of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    static long Status(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).FirstOrDefault();

    /// <summary>
    /// Runs <paramref name="target"/> untimed, in slices, until its rate stops rising: two slices in a row no more
    /// than 3% above the best before them (at most twelve). Connections and prepared statements are ready after
    /// the first slice; the JIT's recompilation of hot methods (tiered, with profile-guided optimisation) takes
    /// far longer in a process with much code, and a row measured during it measures the compiler.
    /// </summary>
    static async Task<TimeSpan> WarmUpAsync(Target target, int clients, TimeSpan slice)
    {
        const int MaxSlices = 12;
        var best = 0.0;
        var flat = 0;
        var slices = 0;
        while (slices < MaxSlices && flat < 2)
        {
            var rate = (await ClosedAsync(target, clients, slice, seed: 900 + slices)).PerSecond;
            slices++;
            flat = slices > 1 && rate <= best * 1.03 ? flat + 1 : 0;
            best = Math.Max(best, rate);
        }
        return slice * slices;
    }

    /// <summary>
    /// The write-path benchmark: for each concurrency the service, then the peer and the ceiling (when
    /// given) with the service's rate over theirs; then the service at a fixed offered rate. Prints a
    /// markdown table, the rates side by side and the ratio line, and returns the rows.
    /// </summary>
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(Target service, Target? peer, Target? ceiling, IReadOnlyList<int> concurrencies,
        TimeSpan duration, int rate, TimeSpan rateDuration, int? servicePid, TextWriter output, int? peerPid = null)
    {
        var results = new List<LoadResult>();
        Target[] others = [.. new[] { peer, ceiling }.OfType<Target>()];
        var slice = TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds / 4));
        var warmed = new List<string>();
        foreach (var target in (Target[])[service, .. others])
            warmed.Add($"{target.Name} {(await WarmUpAsync(target, concurrencies.Max(), slice)).TotalSeconds:0.#} s");
        output.WriteLine($"Warm-up, untimed, at {concurrencies.Max()} clients until the rate stops rising: {string.Join(", ", warmed)}.");
        output.WriteLine();
        output.WriteLine("| target | load | commands | commands/s | p50 ms | p95 ms | p99 ms | max ms | errors | service / this | memory, peak RSS (VmHWM); CPU |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var rows = new List<(int clients, LoadResult service, LoadResult? peer, LoadResult? ceiling)>();
        foreach (var clients in concurrencies)
        {
            var (mine, peak, hwm, cpu) = await WithMemoryAsync(servicePid, () => ClosedAsync(service, clients, duration, seed: clients));
            results.Add(mine);
            output.WriteLine(Row(mine, "") + Usage(servicePid, mine, peak, hwm, cpu));
            LoadResult? peerResult = null, ceilingResult = null;
            foreach (var other in others)
            {
                // The peer's own CPU, when its process is known: where the service's extra work goes is read beside it.
                var pid = other.Kind == TargetKind.Peer ? peerPid : null;
                var (theirs, theirPeak, theirHwm, theirCpu) = await WithMemoryAsync(pid, () => ClosedAsync(other, clients, duration, seed: clients));
                results.Add(theirs);
                output.WriteLine(Row(theirs, $"**{Ratio(mine, theirs):F2}**") + Usage(pid, theirs, theirPeak, theirHwm, theirCpu));
                if (other.Kind == TargetKind.Peer) peerResult = theirs; else ceilingResult = theirs;
            }
            rows.Add((clients, mine, peerResult, ceilingResult));
        }
        if (rate > 0)
        {
            var open = await OpenAsync(service, rate, rateDuration);
            results.Add(open);
            output.WriteLine(Row(open, "") + " |");
        }
        // One client: no queueing, so the medians say what each command costs.
        if (results.FirstOrDefault(r => r.Target == "service") is { ByAction.Count: > 0 } single)
        {
            output.WriteLine();
            output.WriteLine($"Median latency by command, service, {single.Load}: " +
                string.Join(", ", single.ByAction.OrderByDescending(a => a.Value.p50).Select(a => $"{a.Key} {a.Value.p50:F1} ms ({a.Value.count})")));
        }
        if (others.Length > 0)
        {
            output.WriteLine();
            output.WriteLine("| clients | service commands/s | peer commands/s | bare requests/s | service / peer | service / bare | peer errors |");
            output.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var (clients, mine, p, c) in rows)
                output.WriteLine($"| {clients} | {mine.PerSecond:F0} | {p?.PerSecond.ToString("F0") ?? ""} | {c?.PerSecond.ToString("F0") ?? ""} | " +
                    $"{(p is null ? "" : Ratio(mine, p).ToString("F2"))} | {(c is null ? "" : Ratio(mine, c).ToString("F2"))} | {p?.ErrorText ?? ""} |");
            output.WriteLine();
            output.WriteLine(RatioLine(rows.Select(r => (r.service, r.peer, r.ceiling)).ToList()));
        }
        output.WriteLine();
        return results;
    }

    static string Usage(int? pid, LoadResult r, long peak, long hwm, double cpu) =>
        pid is null ? " |" : $" {peak} MB ({hwm} MB); {cpu / r.Seconds:F2} cores, {cpu * 1000 / Math.Max(1, r.Requests):F2} ms per command |";

    static double Ratio(LoadResult service, LoadResult other) => service.PerSecond / other.PerSecond;

    /// <summary>
    /// One line for scripts: <c>write ratios: peer R1 R8 R32 bare R1 R8 R32</c>, the service's rate over
    /// the peer's and over the bare endpoint's, for each concurrency run in order, two decimals.
    /// </summary>
    public static string RatioLine(IReadOnlyList<(LoadResult service, LoadResult? peer, LoadResult? ceiling)> rows)
    {
        var line = "write ratios:";
        if (rows.All(r => r.peer is not null))
            line += " peer " + string.Join(' ', rows.Select(r => Ratio(r.service, r.peer!).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        if (rows.All(r => r.ceiling is not null))
            line += " bare " + string.Join(' ', rows.Select(r => Ratio(r.service, r.ceiling!).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        return line;
    }

    static string Row(LoadResult r, string ratio) =>
        $"| {r.Target} | {r.Load} | {r.Requests} | {r.PerSecond:F0} | {r.P50:F1} | {r.P95:F1} | {r.P99:F1} | {r.Max:F1} | {r.ErrorText} | {ratio} |";

    /// <summary>
    /// The command line: <c>write --url SERVICE [--peer URL] [--ceiling URL] [--clients 1,8,32] [--seconds 20] [--rate 500]
    /// [--rate-seconds 20] [--seed 1] [--pid SERVICE_PID] [--peer-pid PEER_PID]</c>. Fails when the service or the ceiling answered anything but 2xx;
    /// the peer's failures (unmapped concurrency conflicts answer 500) are counted in the tables, not failed on.
    /// </summary>
    public static async Task<int> MainAsync(Arguments options)
    {
        using var serviceHttp = Target.Client(options.Get("url", "http://127.0.0.1:5080"));
        var service = await Target.ServiceAsync(serviceHttp, options.Get("seed", 1));
        using var peerHttp = options.Has("peer") ? Target.Client(options.Get("peer", "")) : null;
        var peer = peerHttp is null ? null : new Target("peer", peerHttp, TargetKind.Peer);
        using var ceilingHttp = options.Has("ceiling") ? Target.Client(options.Get("ceiling", "")) : null;
        var ceiling = ceilingHttp is null ? null : new Target("ceiling", ceilingHttp, TargetKind.Ceiling);
        var clients = options.Get("clients", "1,8,32").Split(',').Select(int.Parse).ToList();
        var results = await RunAsync(service, peer, ceiling, clients, TimeSpan.FromSeconds(options.Get("seconds", 20)),
            options.Get("rate", 500), TimeSpan.FromSeconds(options.Get("rate-seconds", 20)),
            options.Has("pid") ? options.Get("pid", 0) : null, Console.Out, options.Has("peer-pid") ? options.Get("peer-pid", 0) : null);
        return results.Any(r => r.Target != "peer" && r.ErrorCount > 0) ? 1 : 0;
    }

    public static string SampleBody() => CaseScript.SampleBody();
}
