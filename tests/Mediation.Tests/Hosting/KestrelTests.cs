using System.Net;
using Mediation.Tests.Security;

namespace Mediation.Tests.Hosting;

/// <summary>What the real HTTP server does with a request line before the service sees it.</summary>
public class KestrelTests(PostgresForTests postgres)
{
    [Fact]
    public async Task A_NUL_in_a_path_segment_is_refused_by_the_server_before_the_service()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync(nameof(KestrelTests)),
            ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
        });
        (await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(service.Output);
        using var client = new HttpClient { BaseAddress = new Uri(service.Url) };
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            await TestUsers.TokenAsync(client, Mediation.Security.SecurityStartup.BootstrapAdmin, TestUsers.AdminPassword));
        foreach (var path in new[] { "/api/cases/by-number/%00", "/api/org/nodes/a%00b", $"/api/cases/%00/close" })
        {
            var answer = await client.GetAsync(path, TestContext.Current.CancellationToken);
            answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
        }
        service.Output.ShouldNotContain("fail:");
        service.Output.ShouldNotContain("crit:");
    }
}
