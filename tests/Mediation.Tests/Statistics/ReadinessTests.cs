using System.Net;
using Alba;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Statistics;

/// <summary>Readiness means the statistics keep up: a stopped projection daemon turns it degraded once events wait longer than allowed.</summary>
public class ReadinessTests(PostgresForTests postgres)
{
    /// <summary>The service's clock, moved forward at will: the lag is judged by it, however slow the machine.</summary>
    sealed class MovableClock : TimeProvider
    {
        public TimeSpan Ahead { get; set; }
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Ahead;
    }

    [Fact]
    public async Task A_stopped_projection_turns_readiness_degraded_once_events_wait_longer_than_the_allowed_lag()
    {
        var database = await postgres.CreateDatabaseAsync("readiness");
        var clock = new MovableClock();
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()
            .UseSetting("Mediation:ProjectionDaemon", "Disabled").UseSetting("Mediation:Statistics:ReadyLag", "00:01:00")
            .ConfigureServices(services => services.AddSingleton<TimeProvider>(clock)));
        async Task<string> ReadyAsync()
        {
            var answer = await host.Server.CreateClient().GetAsync("/health/ready", TestContext.Current.CancellationToken);
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            return await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        (await ReadyAsync()).ShouldBe("Healthy");
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree.Take(4))
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        (await api.Post("/api/cases", Requests.Dispute("S1C1"))).ShouldBe(HttpStatusCode.Created);
        // Within the allowed lag the statistics may still catch up.
        (await ReadyAsync()).ShouldBe("Healthy");
        clock.Ahead = TimeSpan.FromSeconds(50);
        (await ReadyAsync()).ShouldBe("Healthy");
        clock.Ahead = TimeSpan.FromSeconds(70);
        (await ReadyAsync()).ShouldBe("Degraded");
    }
}
