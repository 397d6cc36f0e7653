using System.Net;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Statistics;

/// <summary>The property test's second phase: acts entered late before acts already recorded, and corrections.</summary>
public partial class StatisticsPropertyTests
{
    /// <summary>
    /// Acts entered late before acts already recorded (sessions, follow-ups, supervision orders, judicial confirmation
    /// applications and rulings) and corrections (the receipt's time, category and channel; a resolution's time, amount
    /// or outcome; a follow-up's satisfaction) on random cases, each refused or not as the rules say. Returns a recording
    /// moment in the middle, and how many of each kind were accepted.
    /// </summary>
    static async Task<(DateTimeOffset, Dictionary<string, int>)> LateAndCorrectedAsync(Api api, IReadOnlyList<Guid> ids, Random random)
    {
        string Time(DateTimeOffset t) => t.ToOffset(Cst).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz");
        static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
        var accepted = new Dictionary<string, int>();
        var middle = DateTimeOffset.UtcNow;
        var cases = ids.OrderBy(_ => random.Next()).Take(Math.Max(40, ids.Count / 4)).ToList();
        for (var n = 0; n < cases.Count; n++)
        {
            if (n == cases.Count / 2) middle = DateTimeOffset.UtcNow;
            var id = cases[n];
            var history = (await api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray()
                .Select(h => (version: h!["version"]!.GetValue<long>(), type: h["type"]!.GetValue<string>(), at: h["occurredAt"]!.GetValue<DateTimeOffset>(), data: h["data"]!))
                .Where(h => h.type != "ActCorrected").ToList();
            var filed = history[0];
            var latest = history.Max(h => h.at);
            var between = filed.at + (latest - filed.at) * random.NextDouble();
            var resolved = history.LastOrDefault(h => h.type == "CaseResolved");
            var followUp = history.LastOrDefault(h => h.type == "FollowUpRecorded");
            // The agreement in effect now, and its judicial confirmation so far.
            var shown = history.Any(h => h.type.StartsWith("Agreement")) ? (await api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body : null;
            var effective = shown?["agreement"]?["effectiveAt"]?.GetValue<DateTimeOffset>();
            var confirmation = shown?["confirmation"];
            var applied = confirmation?["appliedAt"]?.GetValue<DateTimeOffset>();
            // Cases whose agreement is in effect are few: they take a late step of its confirmation more often.
            var roll = effective is not null && confirmation?["ruling"] is null && random.Next(2) == 0 ? 8 + (applied is null ? 0 : 1) : random.Next(8);
            (string kind, string path, object body) attempt = roll switch
            {
                0 => ("late session", "sessions", new { mode = "Phone", mediators = new[] { "补录调解员" }, heldAt = between }),
                1 => ("late supervision", "supervise", new { kind = "Reminder", occurredAt = between }),
                2 when resolved != default => ("late follow-up", "follow-up",
                    new { satisfaction = "Satisfied", occurredAt = resolved.at + (latest - resolved.at) * random.NextDouble() }),
                3 => ("receipt corrected", "corrections", new
                {
                    correctsVersion = filed.version,
                    changes = new Dictionary<string, object> { ["occurredAt"] = Time(filed.at.AddHours(-random.Next(1, 72))) },
                    reason = "受理时间登记有误",
                }),
                4 => ("filing corrected", "corrections", new
                {
                    correctsVersion = filed.version,
                    changes = random.Next(2) == 0
                        ? new Dictionary<string, object> { ["category"] = filed.data["category"]!.GetValue<string>() == "Other" ? "Labour" : "Other" }
                        : new Dictionary<string, object> { ["channel"] = filed.data["channel"]!.GetValue<string>() == "Letter" ? "Online" : "Letter" },
                    reason = "登记有误",
                }),
                5 when resolved != default && resolved.data["outcome"]!.GetValue<string>() == "AgreementReached" => ("resolution corrected", "corrections", new
                {
                    correctsVersion = resolved.version,
                    changes = random.Next(2) == 0
                        ? new Dictionary<string, object?> { ["amount"] = (resolved.data["amount"]?.GetValue<decimal>() ?? 0m) + random.Next(1, 1000) + 0.5m }
                        : new Dictionary<string, object?> { ["outcome"] = "TerminatedUnresolved", ["agreementForm"] = null, ["amount"] = null, ["performanceDueAt"] = null },
                    reason = "办结情况登记有误",
                }),
                6 when resolved != default => ("resolution time corrected", "corrections", new
                {
                    correctsVersion = resolved.version,
                    // Up to two days earlier, but never before the receipt: that is a bad time (400), not a contradiction.
                    changes = new Dictionary<string, object> { ["occurredAt"] = Time(Max(resolved.at.AddHours(-random.Next(1, 48)), filed.at)) },
                    reason = "办结时间登记有误",
                }),
                7 when followUp != default => ("satisfaction corrected", "corrections", new
                {
                    correctsVersion = followUp.version,
                    changes = new Dictionary<string, object> { ["satisfaction"] = followUp.data["satisfaction"]!.GetValue<string>() == "Dissatisfied" ? "Satisfied" : "Dissatisfied" },
                    reason = "回访结果登记有误",
                }),
                8 when effective is { } since && applied is null => ("late confirmation application", "confirmation", new
                {
                    @event = "Applied", court = "某区人民法院",
                    at = since + ((latest < since.AddDays(30) ? latest : since.AddDays(30)) - since) * random.NextDouble(),
                }),
                9 when applied is { } appliedAt && confirmation!["ruling"] is null => ("late ruling", "confirmation", new
                {
                    @event = random.Next(2) == 0 ? "Confirmed" : "Rejected", court = "某区人民法院", rulingNumber = "（2025）民特补1号",
                    at = appliedAt + (Max(latest, appliedAt) - appliedAt) * random.NextDouble(),
                }),
                _ => ("late session", "sessions", new { mode = "InPerson", mediators = new[] { "补录调解员" }, heldAt = between }),
            };
            var answer = await api.Post($"/api/cases/{id}/{attempt.path}", Requests.Late(attempt.body));
            // A late act or a correction the rules do not allow where it would stand is refused, and changes nothing.
            answer.Code.ShouldBeOneOf([200, 409], $"{attempt.kind} on case {id}: {answer}");
            if (answer.Code == 200) accepted[attempt.kind] = accepted.GetValueOrDefault(attempt.kind) + 1;
        }
        accepted.Values.Sum().ShouldBeGreaterThan(cases.Count / 3, string.Join(", ", accepted.Select(a => $"{a.Key}: {a.Value}")));
        accepted.Keys.Count(k => k.EndsWith("corrected")).ShouldBeGreaterThanOrEqualTo(2);
        return (middle, accepted);
    }
}
