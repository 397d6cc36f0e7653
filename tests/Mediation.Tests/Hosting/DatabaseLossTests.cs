using System.Diagnostics;
using System.Net;
using Alba;
using Mediation.Tests.Cases;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Mediation.Tests.Hosting;

/// <summary>
/// The database out of reach under a running service (its connections cut, new ones refused): requests are
/// answered 503 problem details with Retry-After, never 500, readiness fails, and once the database is
/// back the service serves again by itself.
/// </summary>
public class DatabaseLossTests(PostgresForTests postgres)
{
    [Fact]
    public async Task A_lost_database_is_answered_503_problem_details_and_the_service_serves_again_when_it_is_back()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("databaseloss"));
        await using var relay = new TcpRelay(database.Host!, database.Port);
        var through = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = relay.Port }.ConnectionString;
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", through).WithTestUsers());
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        var id = (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;

        relay.Cut();
        foreach (var attempt in new[]
                 {
                     await api.Post("/api/cases", Requests.Dispute()),
                     await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" }),
                     await api.Get($"/api/cases/{id}"),
                 })
        {
            attempt.Code.ShouldBe(503, attempt.ToString());
            attempt.Response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            attempt.Response.Headers.RetryAfter.ShouldNotBeNull();
            attempt.Body["title"]!.GetValue<string>().ShouldBe("The database cannot be reached");
        }
        (await api.Get("/health/ready")).Code.ShouldBe(503);

        relay.Open();
        var watch = Stopwatch.StartNew();
        Api.Answer assigned;
        do assigned = await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" });
        while (assigned.Code == 503 && watch.Elapsed < TimeSpan.FromSeconds(10));
        assigned.ShouldBe(HttpStatusCode.OK);
        (await api.Get("/health/ready")).Code.ShouldBe(200);
    }
}
