using Alba;
using Mediation.Bench;
using Mediation.Ceiling;
using Mediation.Seeding;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Bench.Tests;

/// <summary>
/// The write-path benchmark (bench/run.sh) at tiny sizes, so that it cannot rot: the load generator
/// drives whole case lifecycles against the service and the same bodies against the ceiling endpoint,
/// on one database, and every command must succeed.
/// </summary>
public class WritePathSmokeTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_write_benchmark_runs_every_lifecycle_without_an_error_against_the_service_and_the_ceiling()
    {
        var connectionString = await postgres.CreateDatabaseAsync("benchsmoke");
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", connectionString).WithTestSettings()
            .ConfigureLogging(TestOutputLogs.Route));
        // The seed command's county and demo users, with no cases: what the load generator signs in as.
        await host.Services.GetRequiredService<Seeder>().RunAsync(new SeedOptions(0, 1, DateOnly.FromDateTime(DateTime.UtcNow), 1), null, Cancellation);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var ceilingApp = await CeilingApp.BuildAsync(builder, connectionString);
        await ceilingApp.StartAsync(Cancellation);
        var ceilingUrl = ceilingApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var ceilingHttp = Target.Client(ceilingUrl);
        var service = await Target.ServiceAsync(host.Server.CreateClient(), seed: 1, Cancellation);
        var output = new StringWriter();
        var results = await WriteLoad.RunAsync(service, new Target("ceiling", ceilingHttp, ceiling: true), [1, 4],
            TimeSpan.FromSeconds(0.5), rate: 40, rateDuration: TimeSpan.FromSeconds(0.5), servicePid: null, output);
        await ceilingApp.StopAsync(Cancellation);

        var table = output.ToString();
        results.Select(r => (r.Target, r.Load)).ShouldBe([
            ("service", "1 clients"), ("ceiling", "1 clients"), ("service", "4 clients"), ("ceiling", "4 clients"), ("service", "40/s offered")], table);
        results.ShouldAllBe(r => r.Requests > 0 && r.ErrorCount == 0 && r.P99 > 0, table);
        // A lifecycle is nine commands at most: in the time given the service got past filing and assigning.
        results[2].Requests.ShouldBeGreaterThan(4, table);
        table.ShouldContain("| **");
    }
}
