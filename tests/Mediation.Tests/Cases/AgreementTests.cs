using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases;

/// <summary>The mediation agreement over HTTP against PostgreSQL: its text, signatures, seal, and its terms' due dates.</summary>
public class AgreementTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    async Task<Api.Answer> Do(Guid id, string action, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await Api.Post($"/api/cases/{id}/{action}", body)).ShouldBe(expected);

    async Task<JsonNode> Case(Guid id) => (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;

    /// <summary>A dispute between an applicant and a respondent, received two days ago and resolved yesterday with a written agreement.</summary>
    async Task<(Guid id, string applicant, string respondent)> Resolved()
    {
        var now = DateTimeOffset.UtcNow;
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: now.AddDays(-2)))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = now.AddDays(-2).AddHours(1) });
        await Do(id, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 2000m, occurredAt = now.AddDays(-1) });
        var parties = (await Case(id))["parties"]!.AsArray();
        string Of(string role) => parties.Single(p => p!["role"]!.GetValue<string>() == role)!["id"]!.GetValue<string>();
        return (id, Of("Applicant"), Of("Respondent"));
    }

    /// <summary>The text as drawn up an hour ago, so that signatures given since stand after it.</summary>
    static object TwoTerms(string applicant, string respondent, DateTimeOffset firstDue, string facts = "楼上漏水致楼下天花板受损") => new
    {
        occurredAt = DateTimeOffset.UtcNow.AddHours(-1),
        form = "Written",
        facts,
        positions = "申请人要求赔偿维修费；被申请人同意赔偿但认为金额过高",
        terms = new object[]
        {
            new { obligor = respondent, obligee = applicant, content = "赔偿维修费", amount = 2000m, dueAt = firstDue, place = "社区调委会", manner = "现金" },
            new { obligor = applicant, obligee = respondent, content = "配合进入房屋维修水管", dueAt = firstDue.AddDays(10) },
        },
        mediators = new[] { "王调解" },
    };

    [Fact]
    public async Task A_written_agreement_is_recorded_signed_by_each_and_sealed_and_takes_effect_with_the_last()
    {
        var (id, applicant, respondent) = await Resolved();
        var due = DateTimeOffset.UtcNow.AddDays(20);
        var put = (await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, respondent, due, facts: "初稿"))).ShouldBe(HttpStatusCode.OK);
        put.Version.ShouldBe(4);
        (await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, respondent, due))).ShouldBe(HttpStatusCode.OK).Version.ShouldBe(5);

        var signedAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        (await Do(id, "agreement/signatures", new { signatory = applicant, signedAt })).Body["effective"]!.GetValue<bool>().ShouldBeFalse();
        (await Do(id, "agreement/signatures", new { signatory = respondent, signedAt })).Body["effective"]!.GetValue<bool>().ShouldBeFalse();
        (await Do(id, "agreement/signatures", new { signatory = applicant, signedAt }, HttpStatusCode.Conflict))
            .Body["state"]!.GetValue<string>().ShouldBe("Resolved");
        var replacement = System.Text.Json.JsonSerializer.SerializeToNode(TwoTerms(applicant, respondent, due), Api.Options)!.AsObject();
        replacement.Remove("occurredAt");
        (await Api.Put($"/api/cases/{id}/agreement", replacement)).ShouldBe(HttpStatusCode.Conflict)
            .Body["detail"]!.GetValue<string>().ShouldContain("signatures would no longer be for the same text");
        (await Do(id, "agreement/signatures", new { signatory = "王调解", signedAt })).Body["effective"]!.GetValue<bool>().ShouldBeFalse();
        var sealedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var last = await Do(id, "agreement/signatures", new { seal = true, sealedAt });
        last.Body["effective"]!.GetValue<bool>().ShouldBeTrue();
        last.Version.ShouldBe(9);

        var agreement = (await Case(id))["agreement"]!;
        agreement["form"]!.GetValue<string>().ShouldBe("Written");
        agreement["facts"]!.GetValue<string>().ShouldBe("楼上漏水致楼下天花板受损");
        var terms = agreement["terms"]!.AsArray();
        terms.Select(t => t!["number"]!.GetValue<int>()).ShouldBe([1, 2]);
        (terms[0]!["obligor"]!.GetValue<string>(), terms[0]!["obligee"]!.GetValue<string>(), terms[0]!["amount"]!.GetValue<decimal>())
            .ShouldBe((respondent, applicant, 2000m));
        agreement["signatures"]!.AsArray().Count.ShouldBe(3);
        agreement["effective"]!.GetValue<bool>().ShouldBeTrue();
        agreement["effectiveAt"]!.GetValue<DateTimeOffset>().ShouldBe(sealedAt, TimeSpan.FromMilliseconds(1));
        agreement["sealedAt"]!.GetValue<DateTimeOffset>().ShouldBe(sealedAt, TimeSpan.FromMilliseconds(1));

        var history = (await Api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        history.Select(e => e!["type"]!.GetValue<string>()).Skip(3).ShouldBe([
            "AgreementRecorded", "AgreementRecorded", "AgreementSigned", "AgreementSigned", "AgreementSigned", "AgreementSealed"]);
    }

    [Fact]
    public async Task Bad_terms_are_named_by_field_and_a_stranger_cannot_sign()
    {
        var (id, applicant, respondent) = await Resolved();
        var bad = (await Api.Put($"/api/cases/{id}/agreement", new
        {
            form = "Written", facts = "事实", mediators = new[] { "王调解" },
            terms = new object[] { new { obligor = respondent, obligee = applicant, content = " ", amount = -1m } },
        })).ShouldBe(HttpStatusCode.BadRequest);
        var errors = bad.Body["errors"]!.AsObject();
        errors.Select(e => e.Key).ShouldBe(["terms[0].content", "terms[0].amount"], ignoreOrder: true);

        (await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddDays(5))))
            .ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["terms[0].obligor"].ShouldNotBeNull();
        var oral = System.Text.Json.JsonSerializer.SerializeToNode(TwoTerms(applicant, respondent, DateTimeOffset.UtcNow.AddDays(5)), Api.Options)!.AsObject();
        oral["form"] = "Oral";
        (await Api.Put($"/api/cases/{id}/agreement", oral)).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["form"].ShouldNotBeNull();

        await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, respondent, DateTimeOffset.UtcNow.AddDays(5)));
        (await Do(id, "agreement/signatures", new { signatory = "李四" }, HttpStatusCode.BadRequest)).Body["errors"]!["signatory"].ShouldNotBeNull();
        (await Do(id, "agreement/signatures", new { signatory = applicant, seal = true }, HttpStatusCode.BadRequest)).Body["errors"]!["seal"]
            .ShouldNotBeNull();
    }

    [Fact]
    public async Task A_term_past_its_due_date_puts_the_case_on_the_overdue_list_until_it_is_performed_in_full()
    {
        var (id, applicant, respondent) = await Resolved();
        var number = (await Case(id))["caseNumber"]!.GetValue<string>();
        await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, respondent, DateTimeOffset.UtcNow.AddHours(-1)));

        var overdue = (await Api.Get($"/api/cases?q={number}&overdue=true")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        var row = overdue.ShouldHaveSingleItem()!;
        (row["termOverdue"]!.GetValue<bool>(), row["overdue"]!.GetValue<bool>()).ShouldBe((true, false));
        (await Api.Get($"/api/cases?q={number}&overdue=false")).Body["total"]!.GetValue<long>().ShouldBe(0);
        var c = await Case(id);
        c["termOverdue"]!.GetValue<bool>().ShouldBeTrue();
        c["agreement"]!["terms"]!.AsArray().Select(t => t!["overdue"]!.GetValue<bool>()).ShouldBe([true, false]);

        await Do(id, "performance", new { result = "Full" });
        (await Api.Get($"/api/cases?q={number}&overdue=true")).Body["total"]!.GetValue<long>().ShouldBe(0);
        (await Case(id))["termOverdue"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task The_agreement_names_parties_by_id_so_masking_and_erasure_cover_it()
    {
        var (id, applicant, respondent) = await Resolved();
        await Api.Put($"/api/cases/{id}/agreement", TwoTerms(applicant, respondent, DateTimeOffset.UtcNow.AddDays(5)));
        await Do(id, "agreement/signatures", new { signatory = respondent });

        // Requests.Dispute files 张三 and 李四 with these numbers and phones; the case shows them masked, the agreement not at all.
        string[] personal = ["张三", "李四", Requests.ValidIdNumber, "13812345678", "13987654321"];
        var shown = (await Case(id)).ToJsonString();
        foreach (var value in personal) shown.ShouldNotContain(value);
        (await Case(id))["agreement"]!.ToJsonString().ShouldNotContain("*");

        (await Api.Post($"/api/parties/{respondent}/erase", new { reason = "当事人申请删除个人信息，卷宗保存期限已满" })).ShouldBe(HttpStatusCode.OK);
        var erased = await Case(id);
        erased["parties"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == respondent)!["erased"]!.GetValue<bool>().ShouldBeTrue();
        var terms = erased["agreement"]!["terms"]!.AsArray();
        terms[0]!["obligor"]!.GetValue<string>().ShouldBe(respondent);
        erased["agreement"]!["signatures"]!.AsArray().Single()!["partyId"]!.GetValue<string>().ShouldBe(respondent);
    }
}
