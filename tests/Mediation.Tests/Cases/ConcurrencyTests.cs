using System.Net;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases;

/// <summary>Writers racing on one case, stale versions and replayed requests.</summary>
public class ConcurrencyTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    async Task<Guid> AssignedCase()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "甲" })).ShouldBe(HttpStatusCode.OK);
        return id;
    }

    async Task<int> EventCount(Guid id) => (await Api.Get($"/api/cases/{id}/history")).Body.AsArray().Count;

    [Fact]
    public async Task Twenty_parallel_writers_on_one_case_lose_no_event_and_see_no_server_error()
    {
        var id = await AssignedCase();
        var before = await EventCount(id);

        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            Api.Post($"/api/cases/{id}/sessions", new { mode = "Phone", mediators = new[] { $"调解员{i}" }, note = $"第{i}次电话调解" })));

        answers.ShouldAllBe(a => a.Code < 500, string.Join("; ", answers.Select(a => a.ToString())));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK || a.Status == HttpStatusCode.Conflict);
        var succeeded = answers.Count(a => a.Status == HttpStatusCode.OK);
        (await EventCount(id) - before).ShouldBe(succeeded);
        succeeded.ShouldBeGreaterThan(0);
        // Every success answered a distinct version: none was overwritten.
        answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Version).Distinct().Count().ShouldBe(succeeded);
    }

    [Fact]
    public async Task A_stale_If_Match_is_refused_with_412_and_appends_nothing()
    {
        var id = await AssignedCase();
        var read = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK);
        read.ETag.ShouldBe("\"2\"");

        var first = await Api.Post($"/api/cases/{id}/supervise", new { kind = "Reminder" }, r => r.Headers.TryAddWithoutValidation("If-Match", read.ETag));
        first.ShouldBe(HttpStatusCode.OK).Version.ShouldBe(3);
        first.ETag.ShouldBe("\"3\"");

        var stale = await Api.Post($"/api/cases/{id}/supervise", new { kind = "Summons" }, r => r.Headers.TryAddWithoutValidation("If-Match", read.ETag));
        stale.ShouldBe(HttpStatusCode.PreconditionFailed);
        stale.Body["currentVersion"]!.GetValue<long>().ShouldBe(3);
        (await EventCount(id)).ShouldBe(3);

        (await Api.Post($"/api/cases/{id}/supervise", new { kind = "Notice" }, r => r.Headers.TryAddWithoutValidation("If-Match", "yesterday")))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["If-Match"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Parallel_writers_holding_the_same_version_get_one_success_and_412s()
    {
        var id = await AssignedCase();
        var answers = await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            Api.Post($"/api/cases/{id}/supervise", new { kind = "Reminder", note = $"第{i}次" }, r => r.Headers.TryAddWithoutValidation("If-Match", "\"2\""))));
        answers.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(1, string.Join("; ", answers.Select(a => a.ToString())));
        answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed).ShouldBe(9);
        (await EventCount(id)).ShouldBe(3);
    }

    [Fact]
    public async Task A_repeated_Idempotency_Key_gets_the_first_answer_and_appends_once()
    {
        var id = await AssignedCase();
        var key = Guid.NewGuid().ToString();
        var body = new { mode = "InPerson", mediators = new[] { "王调解" }, note = "现场调解" };
        void WithKey(System.Net.Http.HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", key);

        var first = (await Api.Post($"/api/cases/{id}/sessions", body, WithKey)).ShouldBe(HttpStatusCode.OK);
        var again = (await Api.Post($"/api/cases/{id}/sessions", body, WithKey)).ShouldBe(HttpStatusCode.OK);
        again.Body.ToJsonString().ShouldBe(first.Body.ToJsonString());
        again.ETag.ShouldBe(first.ETag);
        (await EventCount(id)).ShouldBe(3);

        var other = await Api.Post($"/api/cases/{id}/sessions", new { mode = "Phone", mediators = new[] { "王调解" } }, WithKey);
        other.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await EventCount(id)).ShouldBe(3);
    }

    [Fact]
    public async Task A_command_repeated_with_one_key_appends_once_even_when_the_repeats_race()
    {
        var id = await AssignedCase();
        var key = Guid.NewGuid().ToString();
        var body = new { mode = "InPerson", mediators = new[] { "王调解" }, note = "现场调解" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Api.Post($"/api/cases/{id}/sessions", body, r => r.Headers.Add("Idempotency-Key", key))));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK, string.Join("; ", answers.Select(a => a.ToString())));
        answers.Select(a => a.ETag).Distinct().ShouldBe(["\"3\""]);
        (await EventCount(id)).ShouldBe(3);
    }

    [Fact]
    public async Task A_command_with_a_key_on_an_unknown_case_is_404_and_the_key_stays_unused()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { mode = "InPerson", mediators = new[] { "王调解" } };
        (await Api.Post($"/api/cases/{Guid.NewGuid()}/sessions", body, r => r.Headers.Add("Idempotency-Key", key))).ShouldBe(HttpStatusCode.NotFound);
        var id = await AssignedCase();
        (await Api.Post($"/api/cases/{id}/sessions", body, r => r.Headers.Add("Idempotency-Key", key))).ShouldBe(HttpStatusCode.OK);
        (await EventCount(id)).ShouldBe(3);
    }

    [Fact]
    public async Task A_filing_with_a_key_and_an_unknown_category_is_400_and_the_key_stays_unused()
    {
        var key = Guid.NewGuid().ToString();
        (await Api.Post("/api/cases", Requests.Dispute(category: "NoSuchCategory"), r => r.Headers.Add("Idempotency-Key", key)))
            .ShouldBe(HttpStatusCode.BadRequest);
        var filed = (await Api.Post("/api/cases", Requests.Dispute(), r => r.Headers.Add("Idempotency-Key", key))).ShouldBe(HttpStatusCode.Created);
        (await Api.Post("/api/cases", Requests.Dispute(), r => r.Headers.Add("Idempotency-Key", key))).ShouldBe(HttpStatusCode.Created)
            .Id.ShouldBe(filed.Id);
    }

    [Fact]
    public async Task Filing_twice_with_one_key_files_one_case_even_when_the_repeats_race()
    {
        var key = Guid.NewGuid().ToString();
        var body = Requests.Dispute("S2C1");
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Api.Post("/api/cases", body, r => r.Headers.Add("Idempotency-Key", key))));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created, string.Join("; ", answers.Select(a => a.ToString())));
        answers.Select(a => a.Id).Distinct().Count().ShouldBe(1);
        answers.Select(a => a.Response.Headers.Location!.ToString()).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_filings_get_distinct_case_numbers()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Api.Post("/api/cases", Requests.HelpRequest())));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created);
        var numbers = answers.Select(a => a.Body["caseNumber"]!.GetValue<string>()).ToList();
        numbers.Distinct().Count().ShouldBe(25);

        var byNumber = (await Api.Get($"/api/cases/by-number/{numbers[7]}")).ShouldBe(HttpStatusCode.OK);
        byNumber.Id.ShouldBe(answers[7].Id);
        (await Api.Get("/api/cases/by-number/1999-000001")).ShouldBe(HttpStatusCode.NotFound);
    }
}
