using System.Net;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Reading;

public class ReadingTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    [Fact]
    public async Task A_case_reads_as_it_stood_at_a_version_or_a_business_time()
    {
        var received = new DateTimeOffset(2026, 3, 2, 9, 30, 0, Cst);
        var id = (await Api.Post("/api/cases", Requests.Dispute(receivedAt: received))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "甲", occurredAt = received.AddDays(1), lateReason = "据纸质台账补录" })).ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/escalate", new { reason = "MediationFailed", occurredAt = received.AddDays(5), lateReason = "据纸质台账补录" })).ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/resolve", new { outcome = "Withdrawn", occurredAt = received.AddDays(9), lateReason = "据纸质台账补录" })).ShouldBe(HttpStatusCode.OK);

        var v2 = (await Api.Get($"/api/cases/{id}?version=2")).ShouldBe(HttpStatusCode.OK);
        (v2.Body["status"]!.GetValue<string>(), v2.Body["level"]!.GetValue<string>(), v2.Body["version"]!.GetValue<long>()).ShouldBe(("Assigned", "Grid", 2L));
        v2.ETag.ShouldBe("\"2\"");

        var asOf = Uri.EscapeDataString(received.AddDays(6).ToString("O"));
        var sixthDay = (await Api.Get($"/api/cases/{id}?asOf={asOf}")).ShouldBe(HttpStatusCode.OK);
        (sixthDay.Body["status"]!.GetValue<string>(), sixthDay.Body["level"]!.GetValue<string>(), sixthDay.Body["version"]!.GetValue<long>())
            .ShouldBe(("Assigned", "Community", 3L));

        var now = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK);
        (now.Body["status"]!.GetValue<string>(), now.Body["version"]!.GetValue<long>()).ShouldBe(("Resolved", 4L));

        (await Api.Get($"/api/cases/{id}?version=9")).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get($"/api/cases/{id}?version=0")).ShouldBe(HttpStatusCode.BadRequest);
        (await Api.Get($"/api/cases/{id}?version=abc")).ShouldBe(HttpStatusCode.BadRequest);
        (await Api.Get($"/api/cases/{id}?asOf=2026-03-05")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["asOf"].ShouldNotBeNull();
        (await Api.Get($"/api/cases/{id}?asOf={Uri.EscapeDataString(received.AddDays(-1).ToString("O"))}")).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get($"/api/cases/{id}?version=2&asOf={asOf}")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_correction_changes_the_case_as_it_is_stored_and_read()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute(category: "Neighbour", channel: "WalkIn"))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/corrections", new { correctsVersion = 1, changes = new { channel = "Phone", category = "Contract" }, reason = "登记时选错" }))
            .ShouldBe(HttpStatusCode.OK);

        var now = (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK);
        (now.Body["channel"]!.GetValue<string>(), now.Body["category"]!.GetValue<string>(), now.Body["version"]!.GetValue<long>())
            .ShouldBe(("Phone", "Contract", 2L));
        var listed = (await Api.Get("/api/cases?category=Contract&pageSize=100")).ShouldBe(HttpStatusCode.OK);
        listed.Body.ToJsonString().ShouldContain(id.ToString());
    }

    [Fact]
    public async Task Times_are_answered_in_China_Standard_Time_whatever_offset_they_were_sent_in()
    {
        var received = new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);
        var id = (await Api.Post("/api/cases", Requests.Dispute(receivedAt: received))).ShouldBe(HttpStatusCode.Created).Id;
        var c = (await Api.Get($"/api/cases/{id}")).Body;
        c["receivedAt"]!.GetValue<string>().ShouldBe("2026-03-02T09:30:00+08:00");
        c["dueAt"]!.GetValue<string>().ShouldBe("2026-04-01T09:30:00+08:00");
    }

    [Fact]
    public async Task Overdue_is_judged_at_the_moment_read()
    {
        var received = DateTimeOffset.UtcNow.AddDays(-40);
        var id = (await Api.Post("/api/cases", Requests.Dispute("S2C1", receivedAt: received))).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Get($"/api/cases/{id}")).Body["overdue"]!.GetValue<bool>().ShouldBeTrue();
        var beforeDue = Uri.EscapeDataString(received.AddDays(10).ToString("O"));
        (await Api.Get($"/api/cases/{id}?asOf={beforeDue}")).Body["overdue"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task The_list_filters_pages_and_counts_from_the_indexed_read_model()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var petition = (await Api.Post("/api/cases", Requests.Petition(nodeCode: "S2"))).ShouldBe(HttpStatusCode.Created).Id;
        var inS2 = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var body = new
            {
                kind = "Dispute", channel = "Phone", category = "Labour", summary = $"劳动报酬纠纷 {tag} #{i}", nodeCode = "S2C1",
                parties = new[] { Requests.Party() },
            };
            inS2.Add((await Api.Post("/api/cases", body)).ShouldBe(HttpStatusCode.Created).Id);
        }
        (await Api.Post($"/api/cases/{inS2[0]}/assign", new { gridCode = "S2C1G2", assignee = "网格员老周" })).ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{inS2[1]}/resolve", new { outcome = "Withdrawn" })).ShouldBe(HttpStatusCode.OK);

        var bySummary = (await Api.Get($"/api/cases?q={tag}&pageSize=2&page=1")).ShouldBe(HttpStatusCode.OK).Body;
        bySummary["total"]!.GetValue<long>().ShouldBe(5);
        bySummary["items"]!.AsArray().Count.ShouldBe(2);
        (bySummary["page"]!.GetValue<int>(), bySummary["pageSize"]!.GetValue<int>()).ShouldBe((1, 2));
        var lastPage = (await Api.Get($"/api/cases?q={tag}&pageSize=2&page=3")).Body["items"]!.AsArray();
        lastPage.Count.ShouldBe(1);

        (await Api.Get($"/api/cases?q={tag}&status=Resolved")).Body["total"]!.GetValue<long>().ShouldBe(1);
        (await Api.Get($"/api/cases?q={tag}&level=Grid")).Body["total"]!.GetValue<long>().ShouldBe(1);
        (await Api.Get($"/api/cases?q={tag}&assignee=网格员老周")).Body["total"]!.GetValue<long>().ShouldBe(1);
        (await Api.Get($"/api/cases?q={tag}&category=Labour&kind=Dispute")).Body["total"]!.GetValue<long>().ShouldBe(5);
        (await Api.Get($"/api/cases?q={tag}&overdue=true")).Body["total"]!.GetValue<long>().ShouldBe(0);
        (await Api.Get($"/api/cases?q={tag}&nodeCode=S1")).Body["total"]!.GetValue<long>().ShouldBe(0);
        (await Api.Get($"/api/cases?q={tag}&nodeCode=S2")).Body["total"]!.GetValue<long>().ShouldBe(5);
        (await Api.Get($"/api/cases?q={tag}&handlingNodeCode=S2C1G2")).Body["total"]!.GetValue<long>().ShouldBe(1);

        var s2 = (await Api.Get("/api/cases?nodeCode=S2&kind=Petition")).Body["items"]!.AsArray();
        s2.Select(i => i!["id"]!.GetValue<string>()).ShouldContain(petition.ToString());

        var number = (await Api.Get($"/api/cases/{inS2[3]}")).Body["caseNumber"]!.GetValue<string>();
        (await Api.Get($"/api/cases?q={number}")).Body["items"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(inS2[3].ToString());

        var invalid = (await Api.Get("/api/cases?status=Lost&pageSize=1000&overdue=maybe&page=0")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!;
        invalid["status"].ShouldNotBeNull();
        invalid["pageSize"].ShouldNotBeNull();
        invalid["overdue"].ShouldNotBeNull();
        invalid["page"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Unknown_cases_are_404_with_problem_details()
    {
        var missing = (await Api.Get($"/api/cases/{Guid.NewGuid()}")).ShouldBe(HttpStatusCode.NotFound);
        missing.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await Api.Get($"/api/cases/{Guid.NewGuid()}/history")).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Post($"/api/cases/{Guid.NewGuid()}/close", new { })).ShouldBe(HttpStatusCode.NotFound);
        var notAGuid = (await Api.Get("/api/cases/not-a-guid/history")).ShouldBe(HttpStatusCode.NotFound);
        notAGuid.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
