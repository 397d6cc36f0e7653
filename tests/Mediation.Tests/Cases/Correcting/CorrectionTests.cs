using System.Net;
using System.Text.Json.Nodes;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using static Mediation.Tests.Cases.Recording.LateEntryTests;

namespace Mediation.Tests.Cases.Correcting;

/// <summary>
/// 更正 over HTTP against PostgreSQL: a supervisor corrects an act recorded earlier; the case follows the
/// correction, the history keeps the act and the correction beside it.
/// </summary>
public class CorrectionTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    const string Why = "核对纸质卷宗后更正";

    /// <summary>
    /// Monday's case, closed today and followed up: filed (1), assigned (2), session (3), resolved by a
    /// written agreement of 12000 yuan (4), closed (5), followed up satisfied (6).
    /// </summary>
    async Task<Guid> ClosedCase()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1", receivedAt: Monday(9)))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", Requests.Late(new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = Monday(9, 30) }));
        await Do(id, "sessions", Requests.Late(new { mode = "InPerson", mediators = new[] { "网格员小李" }, heldAt = Monday(10) }));
        await Do(id, "resolve", Requests.Late(new
        {
            outcome = "AgreementReached", agreementForm = "Written", amount = 12000, performanceDueAt = Monday(9).AddDays(30), occurredAt = Monday(15),
        }));
        await Do(id, "close", new { });
        (await Do(id, "follow-up", new { satisfaction = "Satisfied" })).Version.ShouldBe(6);
        return id;
    }

    async Task<Api.Answer> Do(Guid id, string action, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await Api.Post($"/api/cases/{id}/{action}", body)).ShouldBe(expected);

    Task<Api.Answer> Correct(Guid id, long version, object changes, HttpStatusCode expected = HttpStatusCode.OK, string? reason = Why) =>
        Do(id, "corrections", new { correctsVersion = version, changes, reason }, expected);

    async Task<JsonNode> Case(Guid id) => (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;

    async Task<JsonArray> History(Guid id) => (await Api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();

    static JsonNode At(JsonArray history, long version) => history.Single(e => e!["version"]!.GetValue<long>() == version)!;

    static long[] CorrectedBy(JsonArray history, long version) => At(history, version)["correctedBy"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();

    [Fact]
    public async Task A_supervisor_corrects_recorded_acts_the_case_follows_and_the_history_keeps_both()
    {
        var id = await ClosedCase();
        var due = (await Case(id))["dueAt"]!.GetValue<DateTimeOffset>();

        var answer = await Correct(id, 4, new { amount = 15000.5m, agreementForm = "Oral", performanceDueAt = Monday(9).AddDays(60) });
        (answer.Id, answer.Version).ShouldBe((id, 7));
        (await Correct(id, 1, new { category = "MarriageFamily", channel = "Phone" })).Version.ShouldBe(8);
        (await Correct(id, 1, new { occurredAt = Monday(8) })).Version.ShouldBe(9);
        (await Correct(id, 6, new { satisfaction = "BasicallySatisfied" })).Version.ShouldBe(10);

        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["version"]!.GetValue<long>()).ShouldBe(("Closed", 10));
        (c["amount"]!.GetValue<decimal>(), c["agreementForm"]!.GetValue<string>(), c["performanceDueAt"]!.GetValue<DateTimeOffset>())
            .ShouldBe((15000.5m, "Oral", Monday(9).AddDays(60)));
        (c["category"]!.GetValue<string>(), c["channel"]!.GetValue<string>()).ShouldBe(("MarriageFamily", "Phone"));
        c["receivedAt"]!.GetValue<DateTimeOffset>().ShouldBe(Monday(8));
        c["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(due.AddHours(-1));
        c["satisfaction"]!.GetValue<string>().ShouldBe("BasicallySatisfied");
        // The case as it stood at a version is its events up to it, corrections included.
        (await Api.Get($"/api/cases/{id}?version=6")).ShouldBe(HttpStatusCode.OK).Body["amount"]!.GetValue<decimal>().ShouldBe(12000m);
        var atSeven = (await Api.Get($"/api/cases/{id}?version=7")).ShouldBe(HttpStatusCode.OK).Body;
        (atSeven["amount"]!.GetValue<decimal>(), atSeven["category"]!.GetValue<string>()).ShouldBe((15000.5m, "Neighbour"));

        var history = await History(id);
        history.Count.ShouldBe(10);
        CorrectedBy(history, 1).ShouldBe([8, 9]);
        CorrectedBy(history, 4).ShouldBe([7]);
        CorrectedBy(history, 6).ShouldBe([10]);
        CorrectedBy(history, 2).ShouldBeEmpty();
        // The act stays as it was recorded.
        (At(history, 4)["data"]!["amount"]!.GetValue<decimal>(), At(history, 4)["data"]!["agreementForm"]!.GetValue<string>()).ShouldBe((12000m, "Written"));
        At(history, 1)["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(Monday(9));

        var correction = At(history, 7);
        correction["type"]!.GetValue<string>().ShouldBe("ActCorrected");
        correction["late"]!.GetValue<bool>().ShouldBeFalse();
        var data = correction["data"]!;
        (data["correctedVersion"]!.GetValue<long>(), data["correctedType"]!.GetValue<string>(), data["reason"]!.GetValue<string>())
            .ShouldBe((4, "CaseResolved", Why));
        var changes = data["changes"]!.AsArray().ToDictionary(ch => ch!["field"]!.GetValue<string>(), ch => (ch!["before"]?.GetValue<string>(), ch["after"]?.GetValue<string>()));
        changes.Keys.ShouldBe(["agreementForm", "amount", "performanceDueAt"], ignoreOrder: true);
        changes["agreementForm"].ShouldBe(("Written", "Oral"));
        changes["amount"].ShouldBe(("12000", "15000.5"));
        var receipt = At(history, 9)["data"]!["changes"]!.AsArray().Single()!;
        (receipt["field"]!.GetValue<string>(), DateTimeOffset.Parse(receipt["before"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(receipt["after"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(("occurredAt", Monday(9), Monday(8)));
    }

    [Fact]
    public async Task The_outcome_is_corrected_with_the_fields_that_go_with_it()
    {
        var id = await ClosedCase();
        (await Correct(id, 4, new { outcome = "Withdrawn" }, HttpStatusCode.BadRequest)).Body["errors"]!["changes.agreementForm"].ShouldNotBeNull();

        // Cleared fields are sent as nulls, which the test client otherwise leaves out.
        const string withdrawn = $$"""{"correctsVersion": 4, "changes": {"outcome": "Withdrawn", "agreementForm": null, "amount": null, "performanceDueAt": null}, "reason": "{{Why}}"}""";
        (await Do(id, "corrections", withdrawn)).Version.ShouldBe(7);
        var c = await Case(id);
        (c["status"]!.GetValue<string>(), c["outcome"]!.GetValue<string>()).ShouldBe(("Closed", "Withdrawn"));
        c["amount"].ShouldBeNull();
        c["agreementForm"].ShouldBeNull();
    }

    [Fact]
    public async Task Only_a_supervisor_corrects()
    {
        var id = await ClosedCase();
        var clerk = await TestUsers.SignedInAsync(service.Host, "clerk-correcting", [Roles.Clerk], "C1");
        (await clerk.Post($"/api/cases/{id}/corrections", new { correctsVersion = 1, changes = new { channel = "Letter" }, reason = Why }))
            .ShouldBe(HttpStatusCode.Forbidden);
        (await Case(id))["version"]!.GetValue<long>().ShouldBe(6);
    }

    [Fact]
    public async Task A_correction_that_does_not_fit_the_act_is_refused_naming_the_field()
    {
        var id = await ClosedCase();
        (await Correct(id, 1, new { channel = "Letter" })).Version.ShouldBe(7);

        var refusals = new (long version, object changes, string? reason, string field)[]
        {
            (99, new { channel = "Phone" }, Why, "correctsVersion"),
            (0, new { channel = "Phone" }, Why, "correctsVersion"),
            (7, new { occurredAt = Monday(12) }, Why, "correctsVersion"),
            (4, new { category = "MarriageFamily" }, Why, "changes.category"),
            (4, new { satisfaction = "Dissatisfied" }, Why, "changes.satisfaction"),
            (1, new { mode = "Video" }, Why, "changes.mode"),
            (1, new { nonsense = 1 }, Why, "changes.nonsense"),
            (1, new { category = "NoSuchCategory" }, Why, "changes.category"),
            (1, new { channel = "Letter" }, Why, "changes.channel"),
            (4, new { amount = 12000 }, Why, "changes.amount"),
            (4, new { amount = -1 }, Why, "changes.amount"),
            (2, new { occurredAt = Monday(8, 59) }, Why, "changes.occurredAt"),
            (5, new { occurredAt = DateTimeOffset.UtcNow.AddDays(1) }, Why, "changes.occurredAt"),
            (1, new { occurredAt = Monday(9, 45) }, Why, "changes.occurredAt"),
            (1, new { channel = "Phone" }, null, "reason"),
        };
        foreach (var (version, changes, reason, field) in refusals)
        {
            var refused = await Correct(id, version, changes, HttpStatusCode.BadRequest, reason);
            refused.Body["errors"]![field].ShouldNotBeNull($"{version} {field}: {refused}");
        }
        (await Case(id))["version"]!.GetValue<long>().ShouldBe(7);
    }

    [Fact]
    public async Task A_correction_that_would_make_an_act_no_longer_allowed_is_refused_naming_it()
    {
        var id = await ClosedCase();

        // A session cannot be held on a closed case.
        var refused = (await Correct(id, 3, new { occurredAt = DateTimeOffset.UtcNow }, HttpStatusCode.Conflict)).Body;
        (refused["contradicts"]!["version"]!.GetValue<long>(), refused["contradicts"]!["type"]!.GetValue<string>()).ShouldBe((3, "MediationSessionHeld"));
        refused["command"]!.GetValue<string>().ShouldBe("correct");

        // Assigned only after Monday's resolution, the grid could not have resolved it.
        refused = (await Correct(id, 2, new { occurredAt = Monday(16) }, HttpStatusCode.Conflict)).Body;
        (refused["contradicts"]!["version"]!.GetValue<long>(), refused["contradicts"]!["type"]!.GetValue<string>()).ShouldBe((4, "CaseResolved"));

        (await Case(id))["version"]!.GetValue<long>().ShouldBe(6);
        (await History(id)).ShouldNotContain(e => e!["type"]!.GetValue<string>() == "ActCorrected");
    }

    [Fact]
    public async Task A_repeated_correction_is_answered_once_and_a_stale_one_is_refused()
    {
        var id = await ClosedCase();
        var body = new { correctsVersion = 1, changes = new { channel = "Letter" }, reason = Why };
        void WithKey(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", $"correct-{id}");

        var first = (await Api.Post($"/api/cases/{id}/corrections", body, WithKey)).ShouldBe(HttpStatusCode.OK);
        var again = (await Api.Post($"/api/cases/{id}/corrections", body, WithKey)).ShouldBe(HttpStatusCode.OK);
        (again.Id, again.Version, again.ETag).ShouldBe((first.Id, first.Version, first.ETag));
        again.Response.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await History(id)).Count(e => e!["type"]!.GetValue<string>() == "ActCorrected").ShouldBe(1);

        var stale = await Api.Post($"/api/cases/{id}/corrections", new { correctsVersion = 6, changes = new { satisfaction = "Dissatisfied" }, reason = Why },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"6\""));
        stale.ShouldBe(HttpStatusCode.PreconditionFailed).Body["currentVersion"]!.GetValue<long>().ShouldBe(7);
        (await Api.Post($"/api/cases/{id}/corrections", new { correctsVersion = 6, changes = new { satisfaction = "Dissatisfied" }, reason = Why },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"7\""))).ShouldBe(HttpStatusCode.OK).Version.ShouldBe(8);
    }
}
