using System.Net;
using System.Text.RegularExpressions;
using Mediation.Security;
using Mediation.Tests.Cases.Attachments;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using static Mediation.Tests.Cases.Archiving.CaseFiles;

namespace Mediation.Tests.Cases.Archiving;

/// <summary>
/// Closing with a complete case file, archiving (POST /api/cases/{id}/archive) under a file number per unit and
/// year for a retention, and the archived case read-only until a supervisor's correction reopens its file.
/// </summary>
public class ArchivingTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    Api Api => service.Api;

    static readonly Regex FileNumber = new(@"^（(\d{4})）东门社区人调卷字第(\d+)号$");

    static int NumberIn(string fileNumber)
    {
        var match = FileNumber.Match(fileNumber);
        match.Success.ShouldBeTrue(fileNumber);
        match.Groups[1].Value.ShouldBe(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year.ToString());
        return int.Parse(match.Groups[2].Value);
    }

    async Task<string> ArchiveAsync(Guid id, string retention = "Long") =>
        (await Do(Api, id, "archive", new { retention })).Body["fileNumber"]!.GetValue<string>();

    [Fact]
    public async Task Closing_a_case_with_a_written_agreement_is_refused_naming_the_items_its_file_lacks_and_with_them_it_closes()
    {
        var id = await AgreedAsync(Api);
        var refused = await Do(Api, id, "close", new { }, HttpStatusCode.Conflict);
        refused.Body["command"]!.GetValue<string>().ShouldBe("close");
        refused.Body["missing"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["SignedAgreementScan", "FollowUpVisit"]);
        refused.Body["detail"]!.GetValue<string>().ShouldContain("SignedAgreementScan, FollowUpVisit");

        // A scan that is not of the signed agreement does not stand in for it.
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "收据.png", null, ("category", "Receipt")))).ShouldBe(HttpStatusCode.Created);
        await Do(Api, id, "follow-up", new { satisfaction = "Satisfied" });
        (await Do(Api, id, "close", new { }, HttpStatusCode.Conflict)).Body["missing"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["SignedAgreementScan"]);

        await AttachScanAsync(Api, id);
        await Do(Api, id, "close", new { });
        (await Api.Get($"/api/cases/{id}")).Body["status"]!.GetValue<string>().ShouldBe("Closed");
    }

    [Fact]
    public async Task An_attachments_category_is_one_of_a_fixed_list_and_shown_with_it()
    {
        var id = (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        var wrong = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "a.pdf", null, ("category", "Photo")))).ShouldBe(HttpStatusCode.BadRequest);
        wrong.Body["errors"]!["category"]![0]!.GetValue<string>().ShouldBe("must be one of SignedAgreement, Evidence, Receipt, Notice, Record, Other");
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "a.pdf", null, ("category", "1")))).ShouldBe(HttpStatusCode.BadRequest);

        await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "证据.pdf", null, ("category", "Evidence")));
        await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "无类别.pdf"));
        var list = (await Api.Get($"/api/cases/{id}/attachments")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        list.Select(a => a!["category"]?.GetValue<string>()).ShouldBe(["Evidence", null]);
        var history = (await Api.Get($"/api/cases/{id}/history")).Body.AsArray();
        history.Last()!["data"]!.AsObject().ContainsKey("category").ShouldBeFalse();
    }

    [Fact]
    public async Task Archiving_gives_a_number_in_the_customary_form_the_next_case_the_next_and_shows_the_archive_on_the_case()
    {
        var first = await ClosedWithAgreementAsync(Api);
        var answer = await Do(Api, first, "archive", new { retention = "Long" });
        answer.Id.ShouldBe(first);
        var number = NumberIn(answer.Body["fileNumber"]!.GetValue<string>());
        answer.ETag.ShouldBe($"\"{answer.Version}\"");

        var second = await ClosedAsync(Api);
        NumberIn(await ArchiveAsync(second, "Short")).ShouldBe(number + 1);
        // A case handled at a grid is filed by its community: one count for the unit.
        var third = await ClosedAsync(Api, "S1C1G2");
        NumberIn(await ArchiveAsync(third, "Permanent")).ShouldBe(number + 2);

        var year = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year;
        var shown = (await Api.Get($"/api/cases/{first}")).Body;
        shown["archived"]!.GetValue<bool>().ShouldBeTrue();
        shown["fileNumber"]!.GetValue<string>().ShouldBe(answer.Body["fileNumber"]!.GetValue<string>());
        shown["retention"]!.GetValue<string>().ShouldBe("Long");
        shown["retainedUntil"]!.GetValue<string>().ShouldBe($"{year + 30}-12-31");
        (await Api.Get($"/api/cases/{second}")).Body["retainedUntil"]!.GetValue<string>().ShouldBe($"{year + 10}-12-31");
        (await Api.Get($"/api/cases/{third}")).Body["retainedUntil"].ShouldBeNull();

        var listed = (await Api.Get("/api/cases?pageSize=200")).Body["items"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == first.ToString())!;
        listed["archived"]!.GetValue<bool>().ShouldBeTrue();
        listed["fileNumber"]!.GetValue<string>().ShouldBe(answer.Body["fileNumber"]!.GetValue<string>());
        (await Api.Get($"/api/cases/{first}/history")).Body.AsArray().Last()!["type"]!.GetValue<string>().ShouldBe("CaseArchived");
    }

    [Fact]
    public async Task An_archived_case_refuses_every_command_with_409_naming_the_archive_and_the_command()
    {
        var id = await ClosedAsync(Api);
        var fileNumber = await ArchiveAsync(id);
        var version = (await Api.Get($"/api/cases/{id}")).Body["version"]!.GetValue<long>();

        foreach (var (action, command, body) in new (string, string, object)[]
                 {
                     ("follow-up", "follow up", new { satisfaction = "Satisfied" }), ("reopen", "reopen", new { reason = "当事人反悔" }),
                     ("archive", "archive", new { retention = "Short" }),
                     // Dated before the archiving, as a late entry: archived is a matter of now.
                     ("follow-up", "follow up", new { satisfaction = "Satisfied", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1), lateReason = "据台账补录" }),
                 })
        {
            var refused = await Do(Api, id, action, body, HttpStatusCode.Conflict);
            refused.Body["fileNumber"]!.GetValue<string>().ShouldBe(fileNumber, action);
            refused.Body["command"]!.GetValue<string>().ShouldBe(command, action);
            refused.Body["detail"]!.GetValue<string>().ShouldContain($"archived as {fileNumber}");
        }
        var upload = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "补充材料.pdf"))).ShouldBe(HttpStatusCode.Conflict);
        (upload.Body["command"]!.GetValue<string>(), upload.Body["fileNumber"]!.GetValue<string>()).ShouldBe(("attachments", fileNumber));
        (await Api.Get($"/api/cases/{id}")).Body["version"]!.GetValue<long>().ShouldBe(version);
    }

    [Fact]
    public async Task A_supervisors_correction_reopens_the_file_which_is_archived_again_under_the_same_number()
    {
        var id = await ClosedAsync(Api);
        var fileNumber = await ArchiveAsync(id);
        var clerk = await TestUsers.SignedInAsync(service.Host, "archive-clerk", [Roles.Clerk], "S1");
        var correction = new { correctsVersion = 1, changes = new { channel = "Letter" }, reason = "核对纸质卷宗后更正来源" };
        (await clerk.Post($"/api/cases/{id}/corrections", correction)).ShouldBe(HttpStatusCode.Forbidden);

        var supervisor = await TestUsers.SignedInAsync(service.Host, "archive-supervisor", [Roles.Supervisor], "S1");
        (await supervisor.Post($"/api/cases/{id}/corrections", correction)).ShouldBe(HttpStatusCode.OK);
        var history = (await Api.Get($"/api/cases/{id}/history")).Body.AsArray();
        history.TakeLast(2).Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["ActCorrected", "CaseFileReopened"]);
        history.Last()!["data"]!["fileNumber"]!.GetValue<string>().ShouldBe(fileNumber);
        history.Last()!["data"]!["reason"]!.GetValue<string>().ShouldBe("核对纸质卷宗后更正来源");
        var reopened = (await Api.Get($"/api/cases/{id}")).Body;
        (reopened["archived"]!.GetValue<bool>(), reopened["fileNumber"]!.GetValue<string>(), reopened["channel"]!.GetValue<string>(), reopened["retention"])
            .ShouldBe((false, fileNumber, "Letter", null));

        // Open to commands again, then archived again under its number, not the next one.
        await Do(Api, id, "follow-up", new { satisfaction = "BasicallySatisfied" });
        (await ArchiveAsync(id, "Short")).ShouldBe(fileNumber);
        NumberIn(await ArchiveAsync(await ClosedAsync(Api))).ShouldBe(NumberIn(fileNumber) + 1);
        // The stored case is what its events make: archived, reopened and archived again.
        (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Archiving_a_case_not_closed_is_refused_and_takes_no_number()
    {
        var before = NumberIn(await ArchiveAsync(await ClosedAsync(Api)));
        var open = (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;
        var refused = await Do(Api, open, "archive", new { retention = "Long" }, HttpStatusCode.Conflict);
        (refused.Body["command"]!.GetValue<string>(), refused.Body["state"]!.GetValue<string>()).ShouldBe(("archive", "Registered"));
        (await Api.Get($"/api/cases/{open}")).Body["fileNumber"].ShouldBeNull();
        NumberIn(await ArchiveAsync(await ClosedAsync(Api))).ShouldBe(before + 1);
    }

    [Fact]
    public async Task A_bad_or_missing_retention_is_400_naming_the_allowed_values()
    {
        var id = await ClosedAsync(Api);
        var bad = await Do(Api, id, "archive", new { retention = "Forever" }, HttpStatusCode.BadRequest);
        bad.Body["errors"]!["retention"]![0]!.GetValue<string>().ShouldContain("Permanent, Long, Short");
        (await Do(Api, id, "archive", new { }, HttpStatusCode.BadRequest)).Body["errors"]!["retention"].ShouldNotBeNull();
        (await Do(Api, id, "archive", new { retention = "Long", fileNumber = "（2026）自定第1号" }, HttpStatusCode.BadRequest))
            .Body["errors"]!["fileNumber"].ShouldNotBeNull();
        (await Api.Get($"/api/cases/{id}")).Body["archived"]!.GetValue<bool>().ShouldBeFalse();
    }
}
