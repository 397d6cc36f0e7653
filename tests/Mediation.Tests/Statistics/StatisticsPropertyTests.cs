using System.Net;
using System.Text.Json.Nodes;
using Alba;
using CsCheck;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Mediation.Statistics;
using Mediation.Statistics.Projection;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Statistics;

/// <summary>
/// Random valid histories of hundreds of cases (interleaved, escalated, extended, reopened, reviewed,
/// agreements signed and judicially confirmed or not, all recorded late with earlier business times) go through the HTTP command path and the async
/// daemon; then acts placed before acts already recorded, and corrections by a supervisor. Every figure
/// of both statistics endpoints, overall and for each groupBy, for several pairs of as-of (business) and
/// known-at (recording) moments, equals a naive recomputation from the raw events; again after a full
/// rebuild; a report taken before the late entries and corrections is reproduced exactly by its known-at
/// moment afterwards; a month locked before them shows, per unit, the figures as locked and as now; and
/// a report for a past moment does not change when later events arrive.
/// </summary>
public partial class StatisticsPropertyTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("MEDIATION_PROPERTY_ITERATIONS"), out var n) ? n : 2;

    [Fact]
    public async Task Statistics_equal_a_naive_recomputation_from_the_events()
    {
        var histories = Gen.Int[0, int.MaxValue].Array[150, 260].Select(Gen.Int, (seeds, order) => (seeds, order));
        await histories.SampleAsync(async sample => await CheckAsync(sample.seeds, sample.order),
            iter: Iterations, threads: 1, print: s => $"{s.seeds.Length} cases, order {s.order}, seeds [{string.Join(",", s.seeds.Take(5))}…]");
    }

    async Task CheckAsync(int[] seeds, int order)
    {
        var database = await postgres.CreateDatabaseAsync("property");
        // The histories close cases as statistics see them; what a case file needs before a written agreement's case
        // closes is the business of the case-file rule's own tests, so this service asks for nothing.
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database)
            .UseSetting("Mediation:CaseFile:MandatoryItems:Dispute", "").UseSetting("Mediation:CaseFile:MandatoryItems:Petition", "").WithTestUsers());
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);

        var plans = seeds.Select(Histories.Plan).ToList();
        var random = new Random(order);
        var ids = await RunInterleavedAsync(api, plans, random);
        await FinalPetitionAndItsRepeatAsync(api);
        await host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);

        // The reports as they stood before anything was entered late or corrected…
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var sent = DateTimeOffset.UtcNow;
        var asSent = await ReportsAsync(api, new DateTimeOffset(2025, 9, 30, 0, 0, 0, Cst));
        // June's report was sent: the month is locked for the county before anything is entered late.
        var locked = (await api.Post("/api/periods/locks", new { nodeCode = "C1", month = "2025-06" })).ShouldBe(HttpStatusCode.Created)
            .Body["lockedAt"]!.GetValue<DateTimeOffset>();
        var (middle, accepted) = await LateAndCorrectedAsync(api, ids, random);
        await host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        // …are reproduced exactly by their known-at moment afterwards, while the figures as known now moved.
        (await ReportsAsync(api, new DateTimeOffset(2025, 9, 30, 0, 0, 0, Cst), sent)).ShouldBe(asSent);
        (await ReportsAsync(api, new DateTimeOffset(2025, 9, 30, 0, 0, 0, Cst))).ShouldNotBe(asSent);

        var events = await AllEventsAsync(store);
        // The histories reach every figure: judicial confirmations applied for, confirmed and rejected among them.
        var all = NaiveStatistics.Figures(new NaiveStatistics(events).StatesAt(DateTimeOffset.UtcNow).ToList());
        ((long)all["confirmations"]!).ShouldBeGreaterThan(0);
        ((long)all["confirmationApplications"]!).ShouldBeGreaterThan((long)all["confirmations"]!);
        // And the petition-work indicators both ways: petitions decided late and in time, evaluations satisfied and not,
        // repeat petitions, and cases regraded red (each of which went to the county).
        ((long)all["timelyAccepted"]!).ShouldBeInRange(1, (long)all["petitionsDecided"]! - 1);
        ((long)all["evaluatedSatisfied"]!).ShouldBeInRange(1, (long)all["evaluated"]! - 1);
        ((long)all["repeatPetitions"]!).ShouldBeGreaterThan(0);
        ((long)all["leaderResolved"]!).ShouldBeInRange(1, (long)all["leaderCases"]! - 1);
        events.Count(e => e.Data is Mediation.Cases.RiskRegraded { To: Mediation.Cases.RiskColour.Red }).ShouldBeGreaterThan(0);
        foreach (var knownAt in new[] { sent, middle })
            await CompareAsync(api, new NaiveStatistics(events, knownAt), [new(2025, 8, 15, 12, 0, 0, Cst), DateTimeOffset.UtcNow], knownAt);
        await CompareLockedAsync(api, events, locked);
        var naive = new NaiveStatistics(events);
        var moments = new List<DateTimeOffset>
        {
            new(2025, 4, 1, 0, 0, 0, Cst), new(2025, 8, 15, 12, 0, 0, Cst), new(2026, 1, 1, 0, 0, 0, Cst), DateTimeOffset.UtcNow,
            // nearer the end of its month than the start: the month's flows counted whole, the days after taken away
            new(2025, 6, 23, 9, 30, 0, Cst),
            // exactly the business time of some command: "at or before" includes it
            plans.SelectMany(p => p.Commands).Select(c => c.At).OrderBy(_ => random.Next()).First(),
        };
        await CompareAsync(api, naive, moments);

        // A full rebuild from the events gives the same figures.
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(StatisticsProjection.ProjectionName, TimeSpan.FromMinutes(5), Cancellation);
        await CompareAsync(api, naive, [moments[1], moments[3]]);
        await CompareAsync(api, new NaiveStatistics(events, middle), [moments[2]], middle);

        // A report for a past moment does not change when events that happen after it arrive.
        var past = new DateTimeOffset(2025, 7, 1, 0, 0, 0, Cst);
        var before = await ReportsAsync(api, past, locks: false);
        var later = seeds.Take(40).Select(seed => Histories.Plan(seed ^ 0x5bd1e995))
            .Where(p => p.ReceivedAt > past).Take(15).ToList();
        await RunInterleavedAsync(api, later, random);
        var open = (await api.Get("/api/cases?overdue=true&pageSize=30")).Body["items"]!.AsArray();
        foreach (var item in open)
            (await api.Post($"/api/cases/{item!["id"]!.GetValue<string>()}/resolve", new { outcome = "TerminatedUnresolved" })).Code.ShouldBeOneOf(200, 400, 409);
        await host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        var after = await ReportsAsync(api, past, locks: false);
        after.ShouldBe(before);
        (await ReportsAsync(api, DateTimeOffset.UtcNow)).ShouldNotBe(await ReportsAsync(api, past));
        // And the figures as of now, kept up to date through all of that, still equal the naive ones.
        await CompareAsync(api, new NaiveStatistics(await AllEventsAsync(store)), [DateTimeOffset.UtcNow]);
    }

    static async Task<Guid[]> RunInterleavedAsync(Api api, IReadOnlyList<CasePlan> plans, Random random)
    {
        var ids = new Guid[plans.Count];
        var parties = new string[plans.Count][];
        foreach (var i in Enumerable.Range(0, plans.Count).OrderBy(_ => random.Next()))
        {
            ids[i] = (await api.Post("/api/cases", plans[i].Filing)).ShouldBe(HttpStatusCode.Created).Id;
            if (plans[i].Commands.Any(c => c.NamesParties))
                parties[i] = (await api.Get($"/api/cases/{ids[i]}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray()
                    .Select(p => p!["id"]!.GetValue<string>()).ToArray();
        }

        var next = new int[plans.Count];
        var pending = Enumerable.Range(0, plans.Count).Where(i => plans[i].Commands.Count > 0).ToList();
        while (pending.Count > 0)
        {
            // Four cases at a time, each one command, in random order: histories interleave.
            var batch = pending.OrderBy(_ => random.Next()).Take(4).ToList();
            await Task.WhenAll(batch.Select(async i =>
            {
                var command = plans[i].Commands[next[i]++];
                // The histories lie in the past: every act is entered late, with its reason.
                var body = Requests.Late(command.Body);
                if (command.NamesParties)
                    body = JsonNode.Parse(body.ToJsonString().Replace(Histories.FirstParty, parties[i][0]).Replace(Histories.SecondParty, parties[i][1]))!.AsObject();
                var path = $"/api/cases/{ids[i]}/{command.Action}";
                var answer = command.Put ? await api.Put(path, body) : await api.Post(path, body);
                answer.Code.ShouldBe(200, $"{command.Action} on case {i}: {body.ToJsonString()} {answer}");
            }));
            pending.RemoveAll(i => next[i] >= plans[i].Commands.Count);
        }
        return ids;
    }

    /// <summary>
    /// A petition taken through its review and re-review to a final opinion, then the same petitioner (the histories'
    /// applicant) petitioning again: a repeat petition, whatever else the histories hold.
    /// </summary>
    static async Task FinalPetitionAndItsRepeatAsync(Api api)
    {
        var received = new DateTimeOffset(2025, 10, 1, 9, 0, 0, Cst);
        object Petition(DateTimeOffset at) => Requests.Late(new
        {
            kind = "Petition", petitionType = "Claim", channel = "WalkIn", category = "Labour", summary = "追讨工资", nodeCode = "S1",
            receivedAt = at, parties = new[] { Requests.Party() },
        });
        var id = (await api.Post("/api/cases", Petition(received))).ShouldBe(HttpStatusCode.Created).Id;
        (string action, object body)[] steps =
        [
            ("accept", new { noticeMethod = "Written" }), ("resolve", new { opinion = "NotSupport" }),
            ("review", new { reason = "不服处理意见" }), ("resolve", new { opinion = "NotSupport" }),
            ("review", new { reason = "不服复查意见" }), ("resolve", new { opinion = "NotSupport" }),
        ];
        for (var i = 0; i < steps.Length; i++)
        {
            var body = Requests.Late(steps[i].body);
            body["occurredAt"] = received.AddDays(i + 1);
            (await api.Post($"/api/cases/{id}/{steps[i].action}", body)).Code.ShouldBe(200, steps[i].action);
        }
        (await api.Post("/api/cases", Petition(received.AddDays(20)))).ShouldBe(HttpStatusCode.Created);
    }

    static async Task<IReadOnlyList<IEvent>> AllEventsAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().ToListAsync(Cancellation);
    }

    static readonly (string from, string to, string node)[] Scopes =
    [
        ("2025-01-01", "2026-01-01", "C1"),
        ("2025-03-01", "2025-07-01", "S1"),
        ("2025-06-01", "2025-06-16", "S2C1"),
        ("2025-02-01", "2025-12-01", "S1C1G1"),
        ("2025-02-10", "2025-11-20", "S1"), // whole months in the middle, days at both edges
    ];

    static readonly string?[] Groupings = [null, "category", "channel", "kind", "level", "node", "month", "risk"];

    /// <summary>
    /// The locked month in the settlement answer: each unit's figures as locked equal the naive ones as known at
    /// the lock, and as now the naive ones as known now; changed exactly where its figures differ.
    /// </summary>
    static async Task CompareLockedAsync(Api api, IReadOnlyList<IEvent> events, DateTimeOffset lockedAt)
    {
        var from = new DateTimeOffset(2025, 6, 1, 0, 0, 0, Cst);
        var to = new DateTimeOffset(2025, 7, 1, 0, 0, 0, Cst);
        var answer = (await api.Get("/api/stats/settlement?from=2025-06-01&to=2025-07-01&nodeCode=C1")).ShouldBe(HttpStatusCode.OK).Body;
        var month = answer["locks"]!.AsArray().ShouldHaveSingleItem()!;
        month["month"]!.GetValue<string>().ShouldBe("2025-06");
        var codes = CaseFixture.Tree.ToDictionary(n => n.code, n => n.parent);
        string Unit(string code)
        {
            for (var c = code; ; c = codes[c]!) if (c == "C1" || codes[c] == "C1") return c;
        }
        List<NaiveStatistics.State> Cohort(NaiveStatistics naive) =>
            naive.StatesAt(DateTimeOffset.UtcNow).Where(s => s.Filed.OccurredAt >= from && s.Filed.OccurredAt < to).ToList();
        var asLocked = Cohort(new NaiveStatistics(events, lockedAt));
        var now = Cohort(new NaiveStatistics(events));
        foreach (var unit in month["units"]!.AsArray())
        {
            var key = unit!["key"]!.GetValue<string>();
            var before = NaiveStatistics.Figures(asLocked.Where(s => Unit(s.Filed.NodeCode) == key).ToList());
            var after = NaiveStatistics.Figures(now.Where(s => Unit(s.Filed.NodeCode) == key).ToList());
            AssertFigures(unit["asLocked"]!, before, $"June as locked, {key}");
            AssertFigures(unit["now"]!, after, $"June now, {key}");
            // Changed means any of the unit's figures moved, counts behind the rates included.
            unit["changed"]!.GetValue<bool>().ShouldBe(unit["asLocked"]!.ToJsonString() != unit["now"]!.ToJsonString(), key);
        }
    }

    static async Task CompareAsync(Api api, NaiveStatistics naive, IEnumerable<DateTimeOffset> moments, DateTimeOffset? knownAt = null)
    {
        var known = knownAt is { } k ? $"&knownAt={Uri.EscapeDataString(k.ToString("O"))}" : "";
        var codes = CaseFixture.Tree.ToDictionary(n => n.code, n => n.parent);
        bool Within(string code, string ancestor)
        {
            for (string? c = code; c is not null; c = codes[c]) if (c == ancestor) return true;
            return false;
        }
        string ChildOf(string scope, string code)
        {
            for (var c = code; ; c = codes[c]!) if (c == scope || codes[c] == scope) return c;
        }

        foreach (var at in moments)
        {
            var states = naive.StatesAt(at).ToList();
            foreach (var (fromText, toText, node) in Scopes)
            {
                var from = new DateTimeOffset(DateTime.Parse(fromText), Cst);
                var to = new DateTimeOffset(DateTime.Parse(toText), Cst);
                var cohort = states.Where(s => s.Filed.OccurredAt >= from && s.Filed.OccurredAt < to && Within(s.Filed.NodeCode, node)).ToList();
                foreach (var groupBy in Groupings)
                {
                    var query = $"/api/stats/settlement?from={fromText}&to={toText}&nodeCode={node}&asOf={Uri.EscapeDataString(at.ToString("O"))}{known}"
                                + (groupBy is null ? "" : $"&groupBy={groupBy}");
                    var answer = (await api.Get(query)).ShouldBe(HttpStatusCode.OK).Body;
                    var where = $"{query}";
                    AssertFigures(answer, NaiveStatistics.Figures(cohort), where);
                    if (groupBy is null)
                    {
                        var flow = naive.Flow(from, to, at, code => Within(code, node));
                        foreach (var (name, count) in flow) answer["flow"]![name]!.GetValue<long>().ShouldBe(count, $"{where} flow.{name}");
                        continue;
                    }
                    Func<NaiveStatistics.State, string> key = groupBy switch
                    {
                        "category" => s => s.Filed.Category,
                        "channel" => s => s.Filed.Channel.ToString(),
                        "kind" => s => s.Filed.Kind.ToString(),
                        "level" => s => s.Level,
                        "node" => s => ChildOf(node, s.Filed.NodeCode),
                        "risk" => s => s.Risk,
                        _ => s => NaiveStatistics.Month(s.Filed.OccurredAt),
                    };
                    var expected = cohort.GroupBy(key).Where(g => g.Any(s => s.Received)).ToDictionary(g => g.Key, g => g.ToList());
                    var groups = answer["groups"]!.AsArray();
                    groups.Select(g => g!["key"]!.GetValue<string>()).OrderBy(k => k).ShouldBe(expected.Keys.OrderBy(k => k), where);
                    foreach (var group in groups)
                        AssertFigures(group!, NaiveStatistics.Figures(expected[group!["key"]!.GetValue<string>()]), $"{where} group {group["key"]}");
                }

                var backlog = (await api.Get($"/api/stats/backlog?nodeCode={node}&asOf={Uri.EscapeDataString(at.ToString("O"))}{known}")).ShouldBe(HttpStatusCode.OK).Body;
                foreach (var (name, count) in naive.Backlog(states.Where(s => Within(s.Filed.NodeCode, node)), at))
                    Value(backlog, name)!.GetValue<long>().ShouldBe(count, $"backlog {node} at {at:O}: {name}");
            }
        }
    }

    static JsonNode? Value(JsonNode node, string path) =>
        path.Split('.', 2) is [var head, var rest] ? node[head]![rest] : node[path];

    static void AssertFigures(JsonNode actual, Dictionary<string, object?> expected, string where)
    {
        foreach (var (name, value) in expected)
        {
            var got = Value(actual, name);
            switch (value)
            {
                case null: got.ShouldBeNull($"{where}: {name}"); break;
                case long l: got!.GetValue<long>().ShouldBe(l, $"{where}: {name}"); break;
                case double d: got!.GetValue<double>().ShouldBe(d, $"{where}: {name}"); break;
                case decimal m: got!.GetValue<decimal>().ShouldBe(m, $"{where}: {name}"); break;
            }
        }
    }

    /// <summary>
    /// Every report of the county for 2025 as of <paramref name="at"/>, as known now or at <paramref name="knownAt"/>, its moments left
    /// out (and its locked months, unless <paramref name="locks"/>).
    /// </summary>
    static async Task<string> ReportsAsync(Api api, DateTimeOffset at, DateTimeOffset? knownAt = null, bool locks = true)
    {
        var asOf = Uri.EscapeDataString(at.ToString("O")) + (knownAt is { } k ? $"&knownAt={Uri.EscapeDataString(k.ToString("O"))}" : "");
        var parts = new List<string>();
        foreach (var groupBy in Groupings)
        {
            var body = (await api.Get($"/api/stats/settlement?from=2025-01-01&to=2026-01-01&nodeCode=C1&asOf={asOf}" + (groupBy is null ? "" : $"&groupBy={groupBy}")))
                .ShouldBe(HttpStatusCode.OK).Body;
            body.AsObject().Remove("asOf");
            body.AsObject().Remove("knownAt");
            // The locked months say what is known now about them, which later acts change.
            if (!locks) body.AsObject().Remove("locks");
            parts.Add(body.ToJsonString());
        }
        var backlog = (await api.Get($"/api/stats/backlog?nodeCode=C1&asOf={asOf}")).ShouldBe(HttpStatusCode.OK).Body;
        backlog.AsObject().Remove("asOf");
        backlog.AsObject().Remove("knownAt");
        parts.Add(backlog.ToJsonString());
        return string.Join("\n", parts);
    }
}
