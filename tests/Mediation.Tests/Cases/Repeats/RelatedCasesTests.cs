using System.Net;
using Mediation.Parties;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Cases.Repeats;

/// <summary>
/// At intake and on the case page, the cases of the last twelve months with the same person (ID number,
/// phone) or the same address: in full within the reader's jurisdiction, as a count outside it; found by
/// keyed hashes that hold none of the values, and gone with the party's erasure.
/// </summary>
public class RelatedCasesTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static readonly Random Digits = new();

    /// <summary>A valid ID number of its own for each test, so that tests sharing the database do not find each other's cases.</summary>
    static string NewIdNumber()
    {
        var first17 = $"110105198{Digits.Next(0, 10)}0{Digits.Next(1, 10)}1{Digits.Next(0, 10)}{Digits.Next(100, 1000)}";
        return first17 + PersonalData.IdCheckCharacter(first17);
    }

    static string NewPhone() => $"139{Digits.Next(10_000_000, 100_000_000)}";

    static object Dispute(string nodeCode, string idNumber, string phone, string address, DateTimeOffset? receivedAt = null)
    {
        var request = new
        {
            kind = "Dispute", channel = "WalkIn", category = "Neighbour", summary = "邻里纠纷再次来访", nodeCode, receivedAt,
            parties = new[] { new { role = "Applicant", name = "张三", idNumber, phone, address } },
        };
        return receivedAt is null ? request : Requests.Late(request);
    }

    async Task<Guid> FileAsync(object request) => (await service.Api.Post("/api/cases", request)).ShouldBe(HttpStatusCode.Created).Id;

    static List<string> Numbers(Api.Answer answer) =>
        answer.ShouldBe(HttpStatusCode.OK).Body["cases"]!.AsArray().Select(c => c!["caseNumber"]!.GetValue<string>()).ToList();

    static int Elsewhere(Api.Answer answer) => answer.Body["elsewhere"]!.GetValue<int>();

    [Fact]
    public async Task The_same_ID_number_at_two_grids_shows_the_first_case_to_the_county_and_only_a_count_to_the_other_grid()
    {
        var idNumber = NewIdNumber();
        var first = await FileAsync(Dispute("S1C1G1", idNumber, NewPhone(), $"城关街道幸福路{Digits.Next()}号"));
        var firstNumber = (await service.Api.Get($"/api/cases/{first}")).Body["caseNumber"]!.GetValue<string>();
        var county = await TestUsers.SignedInAsync(service.Host, "clerk-county-c1", [Roles.Clerk], "C1");
        var otherGrid = await TestUsers.SignedInAsync(service.Host, "clerk-grid-s2c1g1", [Roles.Clerk], "S2C1G1");

        // The second intake, before it is filed: the clerk types the ID number (lower-case x as typed, too).
        var atCounty = await county.Post("/api/persons/related", new { idNumber = idNumber.ToLowerInvariant() });
        Numbers(atCounty).ShouldBe([firstNumber]);
        atCounty.Body["cases"]![0]!["matched"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["IdNumber"]);
        Elsewhere(atCounty).ShouldBe(0);
        var atOtherGrid = await otherGrid.Post("/api/persons/related", new { idNumber });
        Numbers(atOtherGrid).ShouldBeEmpty();
        Elsewhere(atOtherGrid).ShouldBe(1);
        atOtherGrid.Body.ToJsonString().ShouldNotContain(first.ToString());

        // Filed at the other grid: its case page shows the same, each reader by their jurisdiction.
        var second = await FileAsync(Dispute("S2C1G1", idNumber, NewPhone(), $"河西村{Digits.Next()}号"));
        Numbers(await county.Get($"/api/cases/{second}/related")).ShouldBe([firstNumber]);
        var gridView = await otherGrid.Get($"/api/cases/{second}/related");
        (Numbers(gridView).Count, Elsewhere(gridView)).ShouldBe((0, 1));
        Numbers(await county.Get($"/api/cases/{first}/related")).Count.ShouldBe(1);

        // Erased, the first case's party is no longer in the index.
        var party = Guid.Parse((await service.Api.Get($"/api/cases/{first}")).Body["parties"]![0]!["id"]!.GetValue<string>());
        (await service.Api.Post($"/api/parties/{party}/erase", new { reason = "当事人申请删除个人信息，保存期限已满" })).ShouldBe(HttpStatusCode.OK);
        var after = await county.Post("/api/persons/related", new { idNumber });
        Numbers(after).ShouldNotContain(firstNumber);
        Numbers(await county.Get($"/api/cases/{second}/related")).ShouldBeEmpty();
        (await RowsAsync(party)).ShouldBe(0);
    }

    [Fact]
    public async Task A_phone_or_an_address_however_typed_finds_the_case_and_a_case_older_than_a_year_is_not_listed()
    {
        var phone = NewPhone();
        var place = Digits.Next(1000, 100_000);
        var recent = await FileAsync(Dispute("S1C1", NewIdNumber(), phone, $"测试县城关街道东门社区幸福路{place}号"));
        var old = await FileAsync(Dispute("S1C1", NewIdNumber(), phone, "另一个地址", receivedAt: DateTimeOffset.UtcNow.AddDays(-400)));
        var recentNumber = (await service.Api.Get($"/api/cases/{recent}")).Body["caseNumber"]!.GetValue<string>();

        var byPhone = await service.Api.Post("/api/persons/related", new { phone });
        Numbers(byPhone).ShouldBe([recentNumber]);
        Elsewhere(byPhone).ShouldBe(0);

        // Full-width digits and spaces as a clerk's input method may give them.
        var fullWidth = string.Concat(place.ToString().Select(d => (char)(d - '0' + '０')));
        var byAddress = await service.Api.Post("/api/persons/related", new { address = $" 测试县 城关街道东门社区幸福路{fullWidth}号 " });
        Numbers(byAddress).ShouldBe([recentNumber]);
        byAddress.Body["cases"]![0]!["matched"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["Address"]);
        // The old case's page lists the recent one (the year is counted back from now), never itself.
        Numbers(await service.Api.Get($"/api/cases/{old}/related")).ShouldBe([recentNumber]);
    }

    [Fact]
    public async Task The_index_holds_keyed_hashes_and_never_the_values()
    {
        var idNumber = NewIdNumber();
        var phone = NewPhone();
        var id = await FileAsync(Dispute("S1C1", idNumber, phone, "城关街道某小区"));
        var party = Guid.Parse((await service.Api.Get($"/api/cases/{id}")).Body["parties"]![0]!["id"]!.GetValue<string>());
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"select entry from mediation.{PersonIndex.TableName} where party_id = @party", connection);
        command.Parameters.AddWithValue("party", party);
        var entries = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) entries.Add(reader.GetString(0));
        entries.Count.ShouldBe(3);
        entries.ShouldAllBe(e => System.Text.RegularExpressions.Regex.IsMatch(e, "^(IdNumber|Phone|Address):[A-Za-z0-9_]+:[0-9a-f]{64}$"));
        string.Concat(entries).ShouldNotContain(idNumber[..10]);
        string.Concat(entries).ShouldNotContain(phone[3..]);

        // Made again from the parties (a database filed before the index, a rotated key): the same entries.
        await using (var delete = new NpgsqlCommand($"delete from mediation.{PersonIndex.TableName} where party_id = @party", connection))
        {
            delete.Parameters.AddWithValue("party", party);
            await delete.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        (await service.Host.Services.GetRequiredService<PersonIndex>().ReindexAsync(TestContext.Current.CancellationToken)).ShouldBeGreaterThan(0);
        (await RowsAsync(party)).ShouldBe(3);
        Numbers(await service.Api.Post("/api/persons/related", new { idNumber })).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_petition_final_after_re_review_is_flagged_with_the_not_accept_reason_suggested()
    {
        var idNumber = NewIdNumber();
        var petition = new
        {
            kind = "Petition", petitionType = "Claim", channel = "Letter", category = "Requisition", summary = "反映征地补偿款未按时发放", nodeCode = "S1",
            parties = new[] { new { role = "Applicant", name = "王五", idNumber } },
        };
        var first = await FileAsync(petition);
        (await service.Api.Post($"/api/cases/{first}/accept", new { noticeMethod = "Written" })).ShouldBe(HttpStatusCode.OK);
        (await service.Api.Post($"/api/cases/{first}/resolve", new { opinion = "Support" })).ShouldBe(HttpStatusCode.OK);
        var before = await service.Api.Post("/api/persons/related", new { idNumber });
        before.Body["cases"]![0]!["finalReviewed"]!.GetValue<bool>().ShouldBeFalse();
        before.Body["suggestedNotAcceptReason"].ShouldBeNull();
        for (var stage = 0; stage < 2; stage++) // the review, then the re-review
        {
            (await service.Api.Post($"/api/cases/{first}/review", new { reason = "不服处理意见" })).ShouldBe(HttpStatusCode.OK);
            (await service.Api.Post($"/api/cases/{first}/resolve", new { opinion = "Support" })).ShouldBe(HttpStatusCode.OK);
        }

        var again = await service.Api.Post("/api/persons/related", new { idNumber });
        again.Body["cases"]![0]!["finalReviewed"]!.GetValue<bool>().ShouldBeTrue();
        again.Body["suggestedNotAcceptReason"]!.GetValue<string>().ShouldContain("不再受理");
        // The new petition's page says so too.
        var second = await FileAsync(petition);
        (await service.Api.Get($"/api/cases/{second}/related")).Body["suggestedNotAcceptReason"]!.GetValue<string>().ShouldContain("同一事实和理由");
        // Its page offers not accepting it with that reason filled in, and marks the earlier petition final.
        var page = System.Net.WebUtility.HtmlDecode(await (await service.Api.Get($"/workbench/cases/{second}")).ShouldBe(HttpStatusCode.OK)
            .Response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var dialog = page[page.IndexOf("id=\"dlg-not-accept\"", StringComparison.Ordinal)..];
        dialog[..dialog.IndexOf("</dialog>", StringComparison.Ordinal)].ShouldContain(Mediation.Cases.Repeats.RelatedCases.FinalRequestReason);
        page.ShouldContain("data-testid=\"final-reviewed\"");
    }

    [Fact]
    public async Task A_lookup_needs_one_of_the_marks_and_a_case_outside_the_jurisdiction_is_not_found()
    {
        var empty = (await service.Api.Post("/api/persons/related", new { })).ShouldBe(HttpStatusCode.BadRequest);
        empty.Body["errors"]!["person"]!.ToJsonString().ShouldContain("an ID number, a phone or an address");
        var id = await FileAsync(Dispute("S1C1", NewIdNumber(), NewPhone(), "东门"));
        var otherGrid = await TestUsers.SignedInAsync(service.Host, "clerk-grid-s2c1g2", [Roles.Clerk], "S2C1G2");
        (await otherGrid.Get($"/api/cases/{id}/related")).ShouldBe(HttpStatusCode.NotFound);
    }

    async Task<long> RowsAsync(Guid party)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"select count(*) from mediation.{PersonIndex.TableName} where party_id = @party", connection);
        command.Parameters.AddWithValue("party", party);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
