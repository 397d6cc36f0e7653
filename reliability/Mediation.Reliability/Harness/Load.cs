using System.Collections.Concurrent;

namespace Mediation.Reliability.Harness;

/// <summary>A case the load works on, filed at one grid of the demo county.</summary>
public sealed record LoadCase(Guid Id, string Grid);

/// <summary>
/// Closed-loop clients sending the commands of a dispute's lifecycle, picked at random, to a few cases,
/// as the roles that send them in an office: whatever the case's state, so that many are refused (409)
/// and many race each other. A third carry <c>If-Match</c> with the newest version the clients have seen
/// (412 when another won). Each command records exactly one event when it is carried out.
/// </summary>
public sealed class Load(Api api, IReadOnlyList<LoadCase> cases, int clients, int seed)
{
    static readonly string[] Categories = ["Neighbour", "MarriageFamily", "HousingHomestead", "Labour", "Contract"];

    /// <summary>The event each command records.</summary>
    public static readonly IReadOnlyDictionary<string, string> EventOf = new Dictionary<string, string>
    {
        ["file"] = "CaseFiled", ["assign"] = "CaseAssigned", ["sessions"] = "MediationSessionHeld", ["supervise"] = "SupervisionOrderIssued",
        ["escalate"] = "CaseEscalated", ["send-back"] = "CaseSentBack", ["extend-deadline"] = "DeadlineExtended", ["resolve"] = "CaseResolved",
        ["performance"] = "PerformanceRecorded", ["follow-up"] = "FollowUpRecorded", ["close"] = "CaseClosed", ["reopen"] = "CaseReopened",
    };

    static readonly (string action, string role, Func<LoadCase, Random, object> body)[] Commands =
    [
        ("assign", "Clerk", (c, r) => new { gridCode = c.Grid, assignee = $"网格员{r.Next(1, 9)}" }),
        ("sessions", "Mediator", (_, r) => new { mode = r.Next(2) == 0 ? "InPerson" : "Phone", mediators = new[] { "调解员老张" }, note = "调解" }),
        ("sessions", "Mediator", (_, _) => new { mode = "Video", mediators = new[] { "调解员小李", "调解员老张" } }),
        ("supervise", "Supervisor", (_, _) => new { kind = "Reminder", note = "请加快办理" }),
        ("escalate", "Mediator", (_, _) => new { reason = "MediationFailed", note = "双方分歧较大" }),
        ("send-back", "Supervisor", (_, _) => new { note = "请属地继续化解" }),
        ("extend-deadline", "Supervisor", (_, _) => new { days = 1, approver = "主任", reason = "当事人外出" }),
        ("resolve", "Mediator", (_, r) => new
        {
            outcome = "AgreementReached", agreementForm = "Written", amount = r.Next(100, 9000) + 0.5m, performanceDueAt = DateTimeOffset.UtcNow.AddDays(30),
        }),
        ("resolve", "Mediator", (_, _) => new { outcome = "TerminatedUnresolved", note = "当事人撤回" }),
        ("performance", "Clerk", (_, r) => new { result = r.Next(3) == 0 ? "Partial" : "Full" }),
        ("follow-up", "Clerk", (_, r) => new { satisfaction = r.Next(3) == 0 ? "BasicallySatisfied" : "Satisfied" }),
        ("close", "Clerk", (_, _) => new { }),
        ("close", "Clerk", (_, _) => new { }),
        ("reopen", "Clerk", (_, _) => new { reason = "当事人反映协议未履行" }),
    ];

    readonly ConcurrentDictionary<Guid, long> _versions = new();

    /// <summary>Files <paramref name="count"/> disputes at random grids; the load runs on them.</summary>
    public static async Task<List<LoadCase>> FileCasesAsync(Api api, int count, Random random)
    {
        var cases = new List<LoadCase>();
        while (cases.Count < count)
        {
            var grid = $"330122{random.Next(1, 9):D3}{random.Next(1, 6):D3}-{random.Next(1, 6):D2}";
            var answer = await api.FileAsync(Dispute(grid, random));
            if (answer.Id is { } id) cases.Add(new LoadCase(id, grid));
            else if (answer.Answered) throw new InvalidOperationException($"Filing a case answered {answer.Status}: {answer.Body}");
        }
        return cases;
    }

    public static object Dispute(string grid, Random random, string kind = "Dispute", DateTimeOffset? receivedAt = null) => new
    {
        kind, channel = "WalkIn", category = kind == "Dispute" ? Categories[random.Next(Categories.Length)] : "Other",
        summary = "邻里之间因楼上噪音发生纠纷，申请人请求调解", nodeCode = grid, receivedAt,
        parties = new[]
        {
            new { role = "Applicant", name = "张三", idNumber = "11010519491231002X", phone = "13812345678", address = "示范县城关街道幸福社区幸福路1号" },
            new { role = "Respondent", name = "李四", idNumber = "110105194912310038", phone = "13987654321", address = "示范县城关街道幸福社区幸福路2号" },
        },
    };

    /// <summary>Runs the clients until <paramref name="stop"/>; returns how many commands they sent.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            while (!stop.IsCancellationRequested)
            {
                await SendOneAsync(random);
                Interlocked.Increment(ref sent);
            }
        })));
        return sent;
    }

    async Task SendOneAsync(Random random)
    {
        var target = cases[random.Next(cases.Count)];
        var (action, role, body) = Commands[random.Next(Commands.Length)];
        long? ifMatch = random.Next(3) == 0 && _versions.TryGetValue(target.Id, out var known) ? known : null;
        var answer = await api.CommandAsync(target.Id, action, role, body(target, random), ifMatch);
        if (answer.Version is { } version) _versions.AddOrUpdate(target.Id, version, (_, old) => Math.Max(old, version));
        else if (answer.Status == 412 && answer.Json?["currentVersion"] is { } current)
            _versions.AddOrUpdate(target.Id, current.GetValue<long>(), (_, old) => Math.Max(old, current.GetValue<long>()));
        // A service or a database that is away: do not spin on it.
        if (!answer.Answered || answer.Status >= 500) await Task.Delay(100);
    }
}
