using System.Net;
using System.Text.Json.Nodes;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Cases.Confirming;

/// <summary>The judicial confirmation over HTTP against PostgreSQL: application, ruling and enforcement of an agreement in effect.</summary>
public class ConfirmationTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    async Task<Api.Answer> Do(Guid id, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await Api.Post($"/api/cases/{id}/confirmation", body)).ShouldBe(expected);

    async Task<JsonNode> Case(Guid id) => (await Api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body;

    /// <summary>A dispute filed with <paramref name="filing"/> (or a plain one) and resolved yesterday with an oral agreement, both parties confirming it: in effect from the last confirmation.</summary>
    async Task<(Guid id, DateTimeOffset effectiveAt)> Effective(JsonObject? filing = null)
    {
        var now = DateTimeOffset.UtcNow;
        filing ??= Filing();
        filing["receivedAt"] = now.AddDays(-2);
        var id = (await Api.Post("/api/cases", filing)).ShouldBe(HttpStatusCode.Created).Id;
        (await Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = now.AddDays(-2).AddHours(1) }))
            .ShouldBe(HttpStatusCode.OK);
        (await Api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 500m, occurredAt = now.AddDays(-1) }))
            .ShouldBe(HttpStatusCode.OK);
        var parties = (await Case(id))["parties"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        (await Api.Put($"/api/cases/{id}/agreement", new
        {
            occurredAt = now.AddHours(-2), form = "Oral", facts = "邻里噪音纠纷",
            terms = new[] { new { obligor = parties[1], obligee = parties[0], content = "赔偿 500 元", amount = 500m } },
            mediators = new[] { "王调解" },
        })).ShouldBe(HttpStatusCode.OK);
        var effectiveAt = now.AddHours(-1);
        foreach (var party in parties)
            (await Api.Post($"/api/cases/{id}/agreement/signatures", new { signatory = party, confirmed = true, signedAt = effectiveAt })).ShouldBe(HttpStatusCode.OK);
        return (id, effectiveAt);
    }

    static JsonObject Filing(string channel = "WalkIn", string? courtReference = null)
    {
        var filing = System.Text.Json.JsonSerializer.SerializeToNode(Requests.Dispute("S1C1G1", channel: channel), Api.Options)!.AsObject();
        if (courtReference is not null) filing["courtReference"] = courtReference;
        return filing;
    }

    [Fact]
    public async Task A_case_a_court_referred_carries_its_reference_and_shows_the_outcome_to_report_back()
    {
        (await Api.Post("/api/cases", Filing(courtReference: "(2026)京0101民诉前调100号"))).ShouldBe(HttpStatusCode.BadRequest)
            .Body["errors"]!["courtReference"].ShouldNotBeNull();

        var open = (await Api.Post("/api/cases", Filing("CourtReferral", "(2026)京0101民诉前调101号"))).ShouldBe(HttpStatusCode.Created).Id;
        var referral = (await Case(open))["referral"]!;
        referral["courtReference"]!.GetValue<string>().ShouldBe("(2026)京0101民诉前调101号");
        referral["outcome"].ShouldBeNull();
        (await Api.Post($"/api/cases/{open}/resolve", new { outcome = "TerminatedUnresolved" })).ShouldBe(HttpStatusCode.OK);
        (await Case(open))["referral"]!["outcome"]!.GetValue<string>().ShouldBe("FailedAndReturned");

        var (id, _) = await Effective(Filing("CourtReferral", "(2026)京0101民诉前调102号"));
        (await Case(id))["referral"]!["outcome"]!.GetValue<string>().ShouldBe("Agreement");
        await Do(id, new { @event = "Applied", court = "某区人民法院" });
        await Do(id, new { @event = "Confirmed", court = "某区人民法院", rulingNumber = "(2026)京0101民特7号" });
        (await Case(id))["referral"]!["outcome"]!.GetValue<string>().ShouldBe("Confirmed");

        (await Case((await Effective()).id))["referral"].ShouldBeNull();
    }

    [Fact]
    public async Task The_application_ruling_and_enforcement_are_recorded_in_order_and_shown_with_the_case()
    {
        var (id, effectiveAt) = await Effective();
        var shown = (await Case(id))["confirmation"]!;
        shown["appliedAt"].ShouldBeNull();
        shown["windowEndsAt"]!.GetValue<DateTimeOffset>().ShouldBe(effectiveAt.AddDays(30), TimeSpan.FromMilliseconds(1));

        var early = await Do(id, new { @event = "Confirmed", court = "某区人民法院", rulingNumber = "(2026)民特1号" }, HttpStatusCode.Conflict);
        early.Body["state"]!.GetValue<string>().ShouldBe("Resolved");
        early.Body["command"]!.GetValue<string>().ShouldBe("record a judicial confirmation");

        var appliedAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        var applied = await Do(id, new { @event = "Applied", court = "某区人民法院", at = appliedAt });
        applied.Body["id"]!.GetValue<Guid>().ShouldBe(id);
        await Do(id, new { @event = "Applied", court = "某区人民法院" }, HttpStatusCode.Conflict);
        await Do(id, new { @event = "EnforcementApplied", court = "某区人民法院" }, HttpStatusCode.Conflict);
        var ruled = await Do(id, new { @event = "Confirmed", court = "某区人民法院", rulingNumber = "(2026)民特1号" });
        ruled.Version.ShouldBe(applied.Version + 1);
        await Do(id, new { @event = "EnforcementApplied", court = "某区人民法院" });

        var confirmation = (await Case(id))["confirmation"]!;
        confirmation["court"]!.GetValue<string>().ShouldBe("某区人民法院");
        confirmation["appliedAt"]!.GetValue<DateTimeOffset>().ShouldBe(appliedAt, TimeSpan.FromMilliseconds(1));
        confirmation["ruling"]!.GetValue<string>().ShouldBe("Confirmed");
        confirmation["rulingNumber"]!.GetValue<string>().ShouldBe("(2026)民特1号");
        confirmation["ruledAt"].ShouldNotBeNull();
        confirmation["enforcementAppliedAt"].ShouldNotBeNull();

        var history = (await Api.Get($"/api/cases/{id}/history")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        history.Select(e => e!["type"]?.GetValue<string>()).ShouldContain("ConfirmationRuled");
    }

    [Fact]
    public async Task Bad_fields_are_named_and_an_agreement_not_in_effect_is_not_confirmed()
    {
        var (id, _) = await Effective();
        (await Do(id, new { @event = "Appealed", court = "某区人民法院" }, HttpStatusCode.BadRequest)).Body["errors"]!["event"].ShouldNotBeNull();
        (await Do(id, new { @event = "Applied" }, HttpStatusCode.BadRequest)).Body["errors"]!["court"].ShouldNotBeNull();
        (await Do(id, new { @event = "Rejected", court = "某区人民法院" }, HttpStatusCode.BadRequest)).Body["errors"]!["rulingNumber"].ShouldNotBeNull();
        (await Do(id, new { @event = "Applied", court = "某区人民法院", rulingNumber = "1" }, HttpStatusCode.BadRequest)).Body["errors"]!["rulingNumber"]
            .ShouldNotBeNull();

        var resolved = (await Api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: DateTimeOffset.UtcNow.AddDays(-1)))).ShouldBe(HttpStatusCode.Created).Id;
        (await Case(resolved))["confirmation"].ShouldBeNull();
        (await Do(resolved, new { @event = "Applied", court = "某区人民法院" }, HttpStatusCode.Conflict)).Body["state"]!.GetValue<string>().ShouldBe("Registered");
    }
}
