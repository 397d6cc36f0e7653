using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Cases.Attachments;

/// <summary>
/// An upload over the limit through the real HTTP server: answered with problem details, whether the
/// client announces its length or streams it in chunks, and the connection is not reset under it.
/// </summary>
public class AttachmentServerTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A body whose length the client does not know beforehand: sent chunked.</summary>
    sealed class UnknownLength(byte[] content) : StreamContent(new MemoryStream(content))
    {
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task A_file_over_the_limit_is_answered_413_with_problem_details_by_the_real_server()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync(nameof(AttachmentServerTests)),
            ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
        });
        (await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(service.Output);
        using var admin = new HttpClient { BaseAddress = new Uri(service.Url) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.TokenAsync(admin, SecurityStartup.BootstrapAdmin, TestUsers.AdminPassword));
        (await admin.PutAsJsonAsync("/api/org/nodes/C1", new { name = "测试县", level = "County" }, Cancellation)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/users", new { username = "uploader", password = TestUsers.Password, displayName = "窗口", roles = new[] { Roles.Clerk }, nodeCode = "C1" },
            Cancellation)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var clerk = new HttpClient { BaseAddress = new Uri(service.Url) };
        clerk.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.TokenAsync(clerk, "uploader", TestUsers.Password));
        var filed = await clerk.PostAsJsonAsync("/api/cases", Requests.Dispute("C1"), Cancellation);
        filed.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await filed.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Cancellation))!["id"]!.GetValue<string>();

        var big = new byte[21 * 1024 * 1024];
        "%PDF-1.4"u8.CopyTo(big);
        foreach (var file in new HttpContent[] { new ByteArrayContent(big), new UnknownLength(big) })
        {
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            using var form = new MultipartFormDataContent { { file, "file", "scan.pdf" } };
            var answer = await clerk.PostAsync($"/api/cases/{id}/attachments", form, Cancellation);
            answer.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
            answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await answer.Content.ReadAsStringAsync(Cancellation)).ShouldContain("must be at most 20 MB");
        }

        var limit = new byte[20 * 1024 * 1024];
        "%PDF-1.4"u8.CopyTo(limit);
        using var fits = Files.Form(limit, "scan.pdf");
        (await clerk.PostAsync($"/api/cases/{id}/attachments", fits, Cancellation)).StatusCode.ShouldBe(HttpStatusCode.Created);
        service.Output.ShouldNotContain("fail:");
    }
}
