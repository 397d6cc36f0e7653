using System.Net;
using System.Security.Cryptography;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Mediation.Security;
using Mediation.Tests.Auditing;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Attachments;

/// <summary>
/// Files added to a case (POST/GET /api/cases/{id}/attachments): recognised by their content, kept with
/// their event in one transaction, listed for every reader of the case, opened only by the roles that see
/// personal data unmasked, and held by audit verify to the SHA-256 their event recorded.
/// </summary>
public class AttachmentTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    Api Api => service.Api;

    async Task<Guid> CaseAsync() => (await Api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created).Id;

    static string Content(Guid caseId, Guid attachmentId, string reason = "核对协议原件") =>
        $"/api/cases/{caseId}/attachments/{attachmentId}?reason={Uri.EscapeDataString(reason)}";

    async Task<long> StoredAsync(Guid caseId) =>
        (long)(await ScalarAsync("select count(*) from mediation.case_attachments where case_id = $1", caseId))!;

    async Task<long> EventsAsync(Guid caseId) => (long)(await ScalarAsync("select count(*) from mediation.mt_events where stream_id = $1", caseId))!;

    async Task<object?> ScalarAsync(string sql, Guid caseId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection) { Parameters = { new Npgsql.NpgsqlParameter { Value = caseId } } };
        return await command.ExecuteScalarAsync(Cancellation);
    }

    [Fact]
    public async Task Each_kind_of_file_is_added_listed_and_given_back_byte_for_byte()
    {
        var id = await CaseAsync();
        var files = new (byte[] bytes, string name, string type)[]
        {
            (Files.Pdf, "调解协议书.pdf", "application/pdf"),
            (Files.Png, "receipt.png", "image/png"),
            (Files.Jpeg, "现场照片.jpg", "image/jpeg"),
            (Files.Docx, "情况说明.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        };
        var added = new List<Guid>();
        foreach (var (bytes, name, type) in files)
        {
            var answer = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(bytes, name, "签字的协议"))).ShouldBe(HttpStatusCode.Created);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            answer.Body["sha256"]!.GetValue<string>().ShouldBe(sha256);
            answer.Body["contentType"]!.GetValue<string>().ShouldBe(type);
            answer.Body["size"]!.GetValue<long>().ShouldBe(bytes.Length);
            answer.Response.Headers.Location!.ToString().ShouldBe($"/api/cases/{id}/attachments/{answer.Id}");
            added.Add(answer.Id);

            var download = await Api.Client.GetAsync(Content(id, answer.Id), Cancellation);
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            download.Content.Headers.ContentType!.MediaType.ShouldBe(type);
            (await download.Content.ReadAsByteArrayAsync(Cancellation)).ShouldBe(bytes);
            // A Chinese name travels in RFC 5987's encoding, so every client reads it alike.
            download.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe(name);
        }

        var list = (await Api.Get($"/api/cases/{id}/attachments")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        list.Select(a => Guid.Parse(a!["id"]!.GetValue<string>())).ShouldBe(added);
        list[0]!["fileName"]!.GetValue<string>().ShouldBe("调解协议书.pdf");
        list[0]!["description"]!.GetValue<string>().ShouldBe("签字的协议");
        list[0]!["addedBy"]!.GetValue<string>().ShouldBe(TestUsers.Tester);
        (await Api.Get($"/api/cases/{id}")).Body["attachments"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task The_history_shows_the_attachment_with_its_SHA_256_and_the_case_stays_in_its_state()
    {
        var id = await CaseAsync();
        var before = (await Api.Get($"/api/cases/{id}")).Body["status"]!.GetValue<string>();
        // Fields a form leaves empty are not given.
        var added = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "收据.png", "", ("occurredAt", ""), ("lateReason", " "))))
            .ShouldBe(HttpStatusCode.Created);
        added.ETag.ShouldBe("\"2\"");

        var last = (await Api.Get($"/api/cases/{id}/history")).Body.AsArray()[^1]!;
        last["type"]!.GetValue<string>().ShouldBe("AttachmentAdded");
        last["data"]!["sha256"]!.GetValue<string>().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Files.Png)));
        last["data"]!["attachmentId"]!.GetValue<string>().ShouldBe(added.Id.ToString());
        last["data"]!["description"].ShouldBeNull();
        (await Api.Get($"/api/cases/{id}")).Body["status"]!.GetValue<string>().ShouldBe(before);
    }

    [Fact]
    public async Task A_file_that_is_none_of_the_allowed_kinds_by_its_content_is_refused_naming_the_field()
    {
        var id = await CaseAsync();
        foreach (var (bytes, name) in new[]
                 {
                     ("这不是PDF，只是文字"u8.ToArray(), "x.pdf"),
                     (Files.PlainZip, "x.docx"),
                     ("GIF89a"u8.ToArray(), "x.png"),
                 })
        {
            var answer = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(bytes, name))).ShouldBe(HttpStatusCode.BadRequest);
            answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            answer.Body["errors"]!["file"]![0]!.GetValue<string>().ShouldContain("PDF, JPEG, PNG, DOCX");
        }
        var controlled = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "a\tb.pdf"))).ShouldBe(HttpStatusCode.BadRequest);
        controlled.Body["errors"]!["file"]![0]!.GetValue<string>().ShouldContain("control characters");
        var empty = (await Api.Post($"/api/cases/{id}/attachments", Files.Form([], "empty.pdf"))).ShouldBe(HttpStatusCode.BadRequest);
        empty.Body["errors"]!["file"]![0]!.GetValue<string>().ShouldBe("must not be empty");
        // JSON is not a form: refused as a media type the endpoint does not take.
        var json = (await Api.Post($"/api/cases/{id}/attachments", new { file = "JVBERi0=" })).ShouldBe(HttpStatusCode.UnsupportedMediaType);
        json.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await StoredAsync(id)).ShouldBe(0);
        (await EventsAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_file_over_20_MB_is_refused_with_the_limit_named_and_nothing_written()
    {
        var id = await CaseAsync();
        var big = new byte[21 * 1024 * 1024];
        "%PDF-1.4"u8.CopyTo(big);
        var answer = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(big, "scan.pdf"))).ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        answer.Body["errors"]!["file"]![0]!.GetValue<string>().ShouldBe("must be at most 20 MB");
        answer.Body["detail"]!.GetValue<string>().ShouldContain("20971520 bytes");

        // Just at the limit is taken.
        var limit = new byte[20 * 1024 * 1024];
        "%PDF-1.4"u8.CopyTo(limit);
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(limit, "scan.pdf"))).ShouldBe(HttpStatusCode.Created);
        (await StoredAsync(id)).ShouldBe(1);
        (await EventsAsync(id)).ShouldBe(2);
    }

    [Fact]
    public async Task A_refused_upload_writes_neither_the_bytes_nor_the_event()
    {
        var id = await CaseAsync();
        // Refused by the decision, after the file was read: a time in the future.
        var future = (await Api.Post($"/api/cases/{id}/attachments",
            Files.Form(Files.Pdf, "a.pdf", null, ("occurredAt", DateTimeOffset.UtcNow.AddDays(3).ToString("O"))))).ShouldBe(HttpStatusCode.BadRequest);
        future.Body["errors"]!["occurredAt"].ShouldNotBeNull();
        // Refused at commit: the case changed since it was read.
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "a.pdf"), r => r.Headers.IfMatch.ParseAdd("\"7\"")))
            .ShouldBe(HttpStatusCode.PreconditionFailed);
        (await StoredAsync(id)).ShouldBe(0);
        (await EventsAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task An_upload_sent_again_with_its_Idempotency_Key_is_answered_again_and_kept_once()
    {
        var id = await CaseAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "a.png"), r => r.Headers.Add("Idempotency-Key", key)))
            .ShouldBe(HttpStatusCode.Created);
        var again = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "a.png"), r => r.Headers.Add("Idempotency-Key", key)))
            .ShouldBe(HttpStatusCode.Created);
        again.Id.ShouldBe(first.Id);
        again.Response.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        // Another file under the same key is another request.
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "a.png"), r => r.Headers.Add("Idempotency-Key", key)))
            .ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await StoredAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_masked_role_sees_that_an_attachment_exists_but_not_its_content_and_each_opening_is_logged_with_its_reason()
    {
        var id = await CaseAsync();
        var added = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "身份证复印件.pdf"))).ShouldBe(HttpStatusCode.Created).Id;
        var clerk = await TestUsers.SignedInAsync(service.Host, "attachment-clerk", [Roles.Clerk], "S1");
        var auditor = await TestUsers.SignedInAsync(service.Host, "attachment-auditor", [Roles.Auditor], "S1");

        (await clerk.Get($"/api/cases/{id}/attachments")).ShouldBe(HttpStatusCode.OK).Body.AsArray().Count.ShouldBe(1);
        (await clerk.Get(Content(id, added))).ShouldBe(HttpStatusCode.Forbidden);

        (await auditor.Get($"/api/cases/{id}/attachments/{added}")).ShouldBe(HttpStatusCode.BadRequest).Body["errors"]!["reason"].ShouldNotBeNull();
        var opened = await auditor.Client.GetAsync(Content(id, added, "核查证据真实性"), Cancellation);
        opened.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await opened.Content.ReadAsByteArrayAsync(Cancellation)).ShouldBe(Files.Pdf);

        var log = (await auditor.Get($"/api/audit/access-log?caseId={id}&user=attachment-auditor")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        var entry = log.Single(e => e!["action"]!.GetValue<string>() == "ViewAttachment")!;
        entry["reason"]!.GetValue<string>().ShouldBe("核查证据真实性");
        entry["detail"]!.GetValue<string>().ShouldContain(added.ToString());
        entry["detail"]!.GetValue<string>().ShouldNotContain("身份证");
    }

    [Fact]
    public async Task Audit_verify_names_an_attachment_whose_bytes_were_changed_in_the_database()
    {
        var id = await CaseAsync();
        var added = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "协议.pdf"))).ShouldBe(HttpStatusCode.Created).Id;
        var intact = (await Api.Get($"/api/cases/{id}/verify")).Body;
        intact["intact"]!.GetValue<bool>().ShouldBeTrue(intact.ToJsonString());

        (await ChainTests.SqlAsync(service.ConnectionString, "update mediation.case_attachments set content = content || '\\x00'::bytea where id = $1", added))
            .ShouldBe(1);
        var check = (await Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;
        check["intact"]!.GetValue<bool>().ShouldBeFalse();
        ChainTests.Problems(check).ShouldBe([("AttachmentAltered", 2L)]);
        check["problems"]![0]!["detail"]!.GetValue<string>().ShouldContain(added.ToString());

        (await ChainTests.SqlAsync(service.ConnectionString, "delete from mediation.case_attachments where id = $1", added)).ShouldBe(1);
        ChainTests.Problems((await Api.Get($"/api/cases/{id}/verify")).Body).ShouldBe([("AttachmentAltered", 2L)]);
    }

    [Fact]
    public async Task The_case_page_lists_the_attachments_and_its_form_opens_the_content_with_the_session_cookie()
    {
        var id = await CaseAsync();
        var added = (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Png, "现场照片.png"))).ShouldBe(HttpStatusCode.Created).Id;
        await TestUsers.SignedInAsync(service.Host, "attachment-supervisor", [Roles.Supervisor], "S1");
        var cookie = await WorkbenchCookie.SignedInAsync(service.Host, "attachment-supervisor", TestUsers.Password);

        var page = await service.Host.Scenario(s =>
        {
            s.Get.Url($"/workbench/cases/{id}");
            s.WithRequestHeader("Cookie", cookie.Split(';')[0]);
        });
        var html = System.Net.WebUtility.HtmlDecode(await page.ReadAsTextAsync());
        html.ShouldContain("现场照片.png");
        html.ShouldContain($"action=\"/api/cases/{id}/attachments/{added}\"");
        (await WorkbenchCookie.GetAsync(service.Host, cookie, Content(id, added))).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Verify_names_a_case_whose_events_are_gone_while_its_attachments_remain()
    {
        var id = await CaseAsync();
        (await Api.Post($"/api/cases/{id}/attachments", Files.Form(Files.Pdf, "协议.pdf"))).ShouldBe(HttpStatusCode.Created);
        (await ChainTests.SqlAsync(service.ConnectionString, """
            delete from mediation.mt_events where stream_id = $1; delete from mediation.mt_streams where id = $1;
            delete from mediation.chain_links where stream_id = $1; delete from mediation.chain_heads where stream_id = $1;
            delete from mediation.mt_doc_mediationcase where id = $1; delete from mediation.mt_doc_party where (data ->> 'caseId')::uuid = $1
            """, id)).ShouldBeGreaterThan(0);

        var verifier = service.Host.Services.GetRequiredService<Mediation.Auditing.Chain.ChainVerifier>();
        var check = await verifier.VerifyCaseAsync(id, Cancellation);
        check.Problems.ShouldHaveSingleItem().Kind.ShouldBe(Mediation.Auditing.Chain.ChainProblemKind.CaseMissing);
        check.Problems[0].Detail.ShouldBe("the case's attachments remain; its events and chain are gone");
        (await verifier.VerifyAllAsync(Cancellation)).ShouldContain(c => c.CaseId == id && !c.Intact);
    }
}
