using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Filing;

public class FilingTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    static JsonObject Valid() => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Requests.Dispute(), Api.Options))!.AsObject();

    public static TheoryData<string, string, string> BadFilings() => new()
    {
        { "kind", "\"Complaint\"", "kind" },
        { "kind", "null", "kind" },
        { "kind", "1", "kind" },
        { "channel", "null", "channel" },
        { "category", "\"Gambling\"", "category" },
        { "category", "\"\"", "category" },
        { "summary", "\"   \"", "summary" },
        { "summary", $"\"{new string('纠', 4001)}\"", "summary" },
        { "receivedAt", "\"2099-01-01T00:00:00+08:00\"", "receivedAt" },
        { "receivedAt", "\"1999-12-31T00:00:00+08:00\"", "receivedAt" },
        { "receivedAt", "\"2026-03-02\"", "receivedAt" },
        { "receivedAt", "\"2026-03-02T09:30:00\"", "receivedAt" },
        { "groupSize", "0", "groupSize" },
        { "groupSize", "-3", "groupSize" },
        { "riskLevel", "\"Extreme\"", "riskLevel" },
        { "petitionType", "\"Claim\"", "petitionType" },
        { "parties", "[]", "parties" },
        { "parties", "null", "parties" },
        { "parties", "[{\"role\":\"Respondent\",\"name\":\"李四\"}]", "parties" },
        { "parties", "[{\"role\":\"Applicant\",\"name\":\"\"}]", "parties[0].name" },
        { "parties", "[{\"role\":\"Applicant\",\"name\":\"张三\",\"idNumber\":\"110105194912310021\"}]", "parties[0].idNumber" },
        { "parties", "[{\"role\":\"Applicant\",\"name\":\"张三\",\"phone\":\"12345\"}]", "parties[0].phone" },
        { "parties", "[{\"role\":\"Judge\",\"name\":\"张三\"}]", "role" },
        { "unexpected", "true", "unexpected" },
    };

    [Fact]
    public async Task A_node_that_does_not_exist_is_answered_as_one_outside_the_jurisdiction_and_nothing_is_written()
    {
        var body = Valid();
        body["nodeCode"] = "NOWHERE";
        var before = (await Api.Get("/api/cases?pageSize=1")).Body["total"]!.GetValue<long>();
        var answer = (await Api.Post("/api/cases", body.ToJsonString())).ShouldBe(HttpStatusCode.NotFound);
        answer.Body["detail"]!.GetValue<string>().ShouldBe("There is no node NOWHERE in your jurisdiction.");
        (await Api.Get("/api/cases?pageSize=1")).Body["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(BadFilings))]
    public async Task Bad_filings_are_refused_with_the_field_named_and_nothing_written(string field, string json, string named)
    {
        var body = Valid();
        body[field] = JsonNode.Parse(json);
        var before = (await Api.Get("/api/cases?pageSize=1")).Body["total"]!.GetValue<long>();

        var answer = await Api.Post("/api/cases", body.ToJsonString());

        answer.ShouldBe(HttpStatusCode.BadRequest);
        answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = answer.Body;
        var errors = problem["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        (errors.Contains(named) || problem["detail"]!.GetValue<string>().Contains(named, StringComparison.OrdinalIgnoreCase))
            .ShouldBeTrue(answer.ToString());
        (await Api.Get("/api/cases?pageSize=1")).Body["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Fact]
    public async Task A_petition_needs_its_type_and_other_cases_must_not_have_one()
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Requests.Petition(), Api.Options))!.AsObject();
        body.Remove("petitionType");
        (await Api.Post("/api/cases", body.ToJsonString())).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["petitionType"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"case\"")]
    [InlineData("{")]
    public async Task Malformed_bodies_are_400_never_500(string raw)
    {
        (await Api.Post("/api/cases", raw)).Code.ShouldBe(400);
        var someCase = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        foreach (var action in new[] { "accept", "not-accept", "assign", "sessions", "refusal", "escalate", "send-back", "extend-deadline",
                     "supervise", "transfer-out", "resolve", "performance", "follow-up", "close", "reopen", "review" })
        {
            var answer = await Api.Post($"/api/cases/{someCase}/{action}", raw);
            answer.Code.ShouldBe(400, $"{action}: {answer}");
        }
    }

    public static TheoryData<string, string, string> BadCommands() => new()
    {
        { "assign", """{"gridCode":"S1C1G1"}""", "assignee" },
        { "assign", """{"gridCode":"S2C1G1","assignee":"甲"}""", "gridCode" },
        { "sessions", """{"mode":"InPerson","mediators":[]}""", "mediators" },
        { "sessions", """{"mode":"Telepathy","mediators":["甲"]}""", "mode" },
        { "escalate", """{"reason":"Boredom"}""", "reason" },
        { "extend-deadline", """{"days":0,"approver":"主任","reason":"复杂"}""", "days" },
        { "extend-deadline", """{"days":10,"reason":"复杂"}""", "approver" },
        { "supervise", """{"kind":"Reminder","occurredAt":"2099-01-01T00:00:00+08:00"}""", "occurredAt" },
        { "supervise", """{"kind":"Reminder","occurredAt":"2000-01-01T00:00:00+08:00"}""", "occurredAt" },
        { "supervise", """{"kind":"Reminder","occurredAt":"yesterday"}""", "occurredAt" },
        { "resolve", """{"outcome":"AgreementReached","agreementForm":"Written","amount":-1}""", "amount" },
        { "resolve", """{"outcome":"AgreementReached","agreementForm":"Written","amount":0.001}""", "amount" },
        { "resolve", """{"outcome":"AgreementReached","agreementForm":"Written","amount":"lots"}""", "amount" },
        { "resolve", """{"outcome":"TransferredOut"}""", "outcome" },
        { "resolve", """{"outcome":"AgreementReached"}""", "agreementForm" },
        { "transfer-out", """{"target":"Moon"}""", "target" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public async Task Bad_commands_are_refused_with_the_field_named_and_nothing_appended(string action, string json, string named)
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        var answer = await Api.Post($"/api/cases/{id}/{action}", json);
        answer.ShouldBe(HttpStatusCode.BadRequest);
        var errors = answer.Body["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        (errors.Contains(named) || answer.Body["detail"]!.GetValue<string>().Contains(named)).ShouldBeTrue(answer.ToString());
        (await Api.Get($"/api/cases/{id}/history")).Body.AsArray().Count.ShouldBe(1);
    }
}
