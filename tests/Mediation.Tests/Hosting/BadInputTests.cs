using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Mediation.Tests.Hosting;

/// <summary>
/// Each hole the hostile requests from outside found, on its own: ids and characters that name
/// nothing, bodies the service cannot read, and how such a client error is logged.
/// </summary>
public class BadInputTests(HostileInputFixture service) : IClassFixture<HostileInputFixture>
{
    const string Zero = "00000000-0000-0000-0000-000000000000";
    Api Api => service.Api;

    static JsonNode Dispute() => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Cases.Requests.Dispute(), Api.Options))!;

    static void ShouldBeProblem(Api.Answer answer, HttpStatusCode status)
    {
        answer.ShouldBe(status);
        answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", answer.ToString());
    }

    static string[] Errors(Api.Answer answer, string field)
    {
        ShouldBeProblem(answer, HttpStatusCode.BadRequest);
        var messages = answer.Body["errors"]?[field] as JsonArray;
        messages.ShouldNotBeNull($"errors names {field}: {answer}");
        return messages.Select(m => m!.GetValue<string>()).ToArray();
    }

    [Fact]
    public async Task An_all_zero_case_id_answers_404_for_reads_and_commands()
    {
        foreach (var path in new[] { $"/api/cases/{Zero}", $"/api/cases/{Zero}/history", $"/api/cases/{Zero}/verify", $"/api/cases/{Zero}?version=1" })
            ShouldBeProblem(await Api.Get(path), HttpStatusCode.NotFound);
        foreach (var (command, body) in new (string, object)[]
                 {
                     ("close", new { }), ("reopen", new { reason = "当事人反悔" }), ("supervise", new { kind = "Reminder", note = "督办" }),
                     ("escalate", new { reason = "MediationFailed", note = "调解未果" }), ("assign", new { gridCode = "S1C1G1", assignee = "网格员" }),
                 })
        {
            ShouldBeProblem(await Api.Post($"/api/cases/{Zero}/{command}", body), HttpStatusCode.NotFound);
            // The same through the batched look-up an Idempotency-Key takes.
            ShouldBeProblem(await Api.Post($"/api/cases/{Zero}/{command}", body, r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString())),
                HttpStatusCode.NotFound);
        }
        ShouldBeProblem(await Api.Post($"/api/parties/{Zero}/erase", new { reason = "当事人申请删除，保存期限已满" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_NUL_or_other_control_character_in_a_query_value_answers_400_naming_the_parameter()
    {
        Errors(await Api.Get("/api/cases?q=%00"), "q").ShouldBe(["must not contain control characters"]);
        Errors(await Api.Get("/api/cases?nodeCode=S1%00"), "nodeCode");
        Errors(await Api.Get("/api/cases?assignee=%0D%0AX"), "assignee");
        Errors(await Api.Get("/api/audit/access-log?user=a%00b"), "user");
        Errors(await Api.Get("/api/reports/cases?format=csv&q=%7F"), "q");
        Errors(await Api.Get("/api/stats/settlement?nodeCode=%00"), "nodeCode");
        Errors(await Api.Get("/api/cases?%00=1"), "\\u0000");
        // The workbench's pages read the same filters.
        (await Api.Get("/workbench/queue?q=%00")).Code.ShouldBe(400);
        (await Api.Get("/workbench/audit?page=%00")).Code.ShouldBe(400);
        (await Api.Get("/workbench/audit?page=many")).Code.ShouldBe(200);
    }

    [Fact]
    public async Task A_control_character_in_a_path_segment_answers_404()
    {
        foreach (var path in new[] { "/api/cases/by-number/%01", "/api/cases/by-number/a%7Fb", "/api/org/nodes/%0A", "/api/cases/%09", "/api/cases/%1B/history" })
            ShouldBeProblem(await Api.Get(path), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_with_an_invalid_enum_value_answers_400_naming_the_field_and_its_values()
    {
        var body = Dispute();
        body["parties"]![0]!["role"] = "Boss";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "parties[0].role").ShouldBe(["must be one of Applicant, Respondent, ThirdParty, Agent"]);

        body = Dispute();
        body["kind"] = "Quarrel";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "kind").ShouldBe(["must be one of Dispute, Petition, HelpRequest"]);
        Errors(await Api.Post($"/api/cases/{service.CaseId}/supervise", new { kind = 1, note = "督办" }), "kind")
            .ShouldBe(["must be one of Reminder, Summons, Notice, Listed"]);
    }

    [Fact]
    public async Task A_body_with_a_value_of_the_wrong_type_answers_400_naming_the_field()
    {
        var body = Dispute();
        body["groupSize"] = "many";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "groupSize").Single().ShouldStartWith("must be a whole number");
        body = Dispute();
        body["summary"] = 5;
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "summary").ShouldBe(["must be a string of valid Unicode text"]);
        body = Dispute();
        body["parties"] = new JsonObject();
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "parties").ShouldBe(["must be an array"]);
        body = Dispute();
        body["receivedAt"] = "yesterday";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "receivedAt").Single().ShouldStartWith("must be a time in ISO 8601");
        Errors(await Api.Post("/api/cases", "{\"summary\":\"a\\ud800\"}"), "summary");
        Errors(await Api.Post("/api/cases", "[]"), "body").ShouldBe(["must be a JSON object"]);
    }

    [Fact]
    public async Task A_NUL_in_any_string_of_a_body_answers_400_naming_the_field()
    {
        // A code that is only looked up, never checked as text, reached the database with its NUL.
        Errors(await Api.Put("/api/org/nodes/N1", new { name = "新社区", level = "Community", parentCode = "S1\u0000" }), "parentCode")
            .ShouldBe(["must not contain the NUL character (\\u0000)"]);
        var body = Dispute();
        body["parties"]![0]!["name"] = "张\u0000三";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "parties[0].name");
    }

    [Fact]
    public async Task A_body_with_an_unknown_field_answers_400_naming_it()
    {
        var body = Dispute();
        body["colour"] = "red";
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "colour").Single().ShouldStartWith("is not a field here; the fields are kind, channel, category, summary");
        body = Dispute();
        body["parties"]![1]!["age"] = 40;
        Errors(await Api.Post("/api/cases", body.ToJsonString()), "parties[1].age");
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_answers_400_naming_the_body_or_where_it_broke()
    {
        Errors(await Api.Post("/api/cases", "{"), "body").Single().ShouldStartWith("is not valid JSON");
        Errors(await Api.Post($"/api/cases/{service.CaseId}/close", ""), "body").Single().ShouldStartWith("is not valid JSON");
        Errors(await Api.Post("/api/cases", "{\"kind\":\"Dispute\",\"parties\":[{\"role\":tru}]}"), "parties[0].role").Single().ShouldStartWith("is not valid JSON");
        Errors(await Api.Post("/api/cases", new string('[', 1000) + new string(']', 1000)), "body");
    }

    [Fact]
    public async Task A_time_outside_the_calendar_the_reports_cut_answers_400_naming_it()
    {
        foreach (var asOf in new[] { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59%2B14:00" })
        {
            Errors(await Api.Get($"/api/stats/settlement?nodeCode=C1&asOf={asOf}"), "asOf");
            Errors(await Api.Get($"/api/stats/backlog?nodeCode=C1&asOf={asOf}"), "asOf");
        }
    }

    [Fact]
    public async Task A_client_error_is_logged_as_one_line_at_Information_without_an_exception()
    {
        var path = $"/api/cases/{service.CaseId}/supervise";
        var before = service.Logs.Entries.Count;
        (await Api.Post(path, new { kind = "Shout", note = "督办" })).Code.ShouldBe(400);
        (await Api.Post($"/api/cases/{Zero}/close", new { })).Code.ShouldBe(404);
        (await Api.Get("/api/cases?q=%00")).Code.ShouldBe(400);

        var entries = service.Logs.Entries.Skip(before).ToList();
        entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).ShouldBeEmpty();
        var lines = entries.Where(e => e.Category == "Mediation.Hosting.ClientErrors").ToList();
        lines.Count.ShouldBe(3, string.Join("\n", entries));
        lines.ShouldAllBe(e => e.Level == LogLevel.Information && !e.Message.Contains('\n'));
        lines[0].Message.ShouldBe($"POST {path} answered 400 The request is not valid (kind)");
        lines[1].Message.ShouldStartWith($"POST /api/cases/{Zero}/close answered 404 Not found");
        lines[2].Message.ShouldBe("GET /api/cases answered 400 The request is not valid (q)");
    }
}
