using Mediation.Reliability.Harness;

namespace Mediation.Reliability.Scenarios;

/// <summary>Ten clients send the very same request with the same Idempotency-Key at the same moment.</summary>
public static class IdempotencyStorm
{
    public const string Property =
        "The same command with the same Idempotency-Key from 10 clients at once (a filing, and commands on a case): " +
        "exactly one event is recorded, and all ten get the same answer (status and body).";

    const int Senders = 10;

    public static async Task RunAsync(Suite suite, ScenarioReport report)
    {
        var api = suite.Api;
        var grid = $"330122{suite.Random.Next(1, 9):D3}{suite.Random.Next(1, 6):D3}-{suite.Random.Next(1, 6):D2}";
        var events = 0;
        var storms = 0;
        for (var storm = 0; storm < suite.Mode.Storms; storm++)
        {
            // Each storm: one filing, then an assignment and a session on the case it filed.
            var key = Guid.NewGuid().ToString("N");
            var filing = Load.Dispute(grid, suite.Random);
            var filed = await AllAtOnceAsync(() => api.FileAsync(filing, idempotencyKey: key));
            storms++;
            if (!Same(report, "file", filed) || filed[0].Id is not { } id) continue;
            var steps = new (string action, string role, object body)[]
            {
                ("assign", "Clerk", new { gridCode = grid, assignee = "网格员小李" }),
                ("sessions", "Mediator", new { mode = "Phone", mediators = new[] { "调解员老张" } }),
            };
            foreach (var (action, role, body) in steps)
            {
                var commandKey = Guid.NewGuid().ToString("N");
                var answers = await AllAtOnceAsync(() => api.CommandAsync(id, action, role, body, idempotencyKey: commandKey));
                storms++;
                Same(report, action, answers);
            }
            var stream = (await suite.Ledger.AllEventsAsync()).Where(e => e.StreamId == id).OrderBy(e => e.Version).ToList();
            events += stream.Count;
            var types = string.Join(", ", stream.Select(e => e.Data.GetType().Name));
            report.Check(stream.Count == 3 && types == "CaseFiled, CaseAssigned, MediationSessionHeld",
                $"exactly one event per stormed request: case {id} holds {stream.Count} ({types})");
        }
        var tally = api.Tally;
        report.Add("storms", $"{storms} requests sent by {Senders} clients each with one key")
            .Add("requests sent", tally.Requests)
            .Add("answers", tally.Summary())
            .Add("faults injected", "none")
            .Add("events checked", $"{events} ({events} expected: one per stormed request)");
        report.Check(tally.ServerErrors == 0 && tally.NoAnswer == 0, $"every request answered, none 5xx: {tally.Summary()}");
        await Checks.LedgerAsync(suite, report);
    }

    /// <summary>Sends <see cref="Senders"/> copies of a request, released together.</summary>
    static async Task<Answer[]> AllAtOnceAsync(Func<Task<Answer>> send)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () => { await go.Task; return await send(); })).ToArray();
        await Task.Delay(50);
        go.SetResult();
        return await Task.WhenAll(senders);
    }

    static bool Same(ScenarioReport report, string action, Answer[] answers)
    {
        var distinct = answers.Select(a => (a.Status, a.Body)).Distinct().ToList();
        report.Check(distinct.Count == 1,
            $"ten equal answers to one {action}: {distinct.Count} different, statuses {string.Join(" ", answers.Select(a => a.Status))}");
        report.Check(answers[0].Ok, $"the stormed {action} is carried out: answered {answers[0].Status} {answers[0].Body}");
        return distinct.Count == 1 && answers[0].Ok;
    }
}
