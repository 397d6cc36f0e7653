using Alba;
using Mediation.Bench;
using System.Globalization;
using Mediation.Ceiling;
using Mediation.Peer;
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
/// drives whole case lifecycles against the service and the same bodies against the stack's minimal
/// command endpoint (the peer) and the ceiling endpoint, on one database, and prints the ratio line
/// scripts read.
/// </summary>
public class WritePathSmokeTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_write_benchmark_runs_the_service_the_peer_and_the_ceiling_and_prints_the_ratios()
    {
        var connectionString = await postgres.CreateDatabaseAsync("benchsmoke");
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", connectionString).WithTestSettings()
            .ConfigureLogging(TestOutputLogs.Route));
        // The seed command's county and demo users, with no cases: what the load generator signs in as.
        await host.Services.GetRequiredService<Seeder>().RunAsync(new SeedOptions(0, 1, DateOnly.FromDateTime(DateTime.UtcNow), 1), null, Cancellation);

        await using var ceilingApp = await CeilingApp.BuildAsync(LocalBuilder(), connectionString);
        await using var peerApp = await PeerApp.BuildAsync(LocalBuilder(), connectionString);
        await PeerApp.SeedAsync(peerApp.Services.GetRequiredService<Marten.IDocumentStore>(), 20);
        using var ceilingHttp = Target.Client(await StartAsync(ceilingApp));
        using var peerHttp = Target.Client(await StartAsync(peerApp));

        var service = await Target.ServiceAsync(host.Server.CreateClient(), seed: 1, Cancellation);
        var output = new StringWriter();
        var results = await WriteLoad.RunAsync(service, new Target("peer", peerHttp, TargetKind.Peer), new Target("ceiling", ceilingHttp, TargetKind.Ceiling),
            [1, 4], TimeSpan.FromSeconds(0.5), rate: 40, rateDuration: TimeSpan.FromSeconds(0.5), servicePid: null, output);
        await peerApp.StopAsync(Cancellation);
        await ceilingApp.StopAsync(Cancellation);

        var table = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        results.Select(r => (r.Target, r.Load)).ShouldBe([
            ("service", "1 clients"), ("peer", "1 clients"), ("ceiling", "1 clients"),
            ("service", "4 clients"), ("peer", "4 clients"), ("ceiling", "4 clients"), ("service", "40/s offered")], table);
        results.ShouldAllBe(r => r.Requests > 0 && r.P99 > 0, table);
        // The service and the ceiling never fail; the peer may answer 500 on a concurrency conflict it does not map, nothing else.
        results.Where(r => r.Target != "peer").ShouldAllBe(r => r.ErrorCount == 0, table);
        results.Where(r => r.Target == "peer").SelectMany(r => r.Errors.Keys).ShouldAllBe(status => status == 500, table);
        // A lifecycle is nine commands at most: in the time given the service and the peer got past filing and assigning.
        results[3].Requests.ShouldBeGreaterThan(4, table);
        results[4].Requests.ShouldBeGreaterThan(4, table);

        // The line a script reads: the service's rate over the peer's and over the bare endpoint's, per concurrency.
        var line = table.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("write ratios: ")).ShouldHaveSingleItem(table);
        var words = line["write ratios: ".Length..].Split(' ');
        words.Length.ShouldBe(6, line);
        (words[0], words[3]).ShouldBe(("peer", "bare"), line);
        double[] ratios = [.. words.Where((_, i) => i is not (0 or 3)).Select(w => double.Parse(w, NumberStyles.Float, CultureInfo.InvariantCulture))];
        ratios.ShouldAllBe(r => r > 0, line);
        ratios[0].ShouldBe(results[0].PerSecond / results[1].PerSecond, 0.005, line);
        ratios[3].ShouldBe(results[3].PerSecond / results[5].PerSecond, 0.005, line);
    }

    static WebApplicationBuilder LocalBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    static async Task<string> StartAsync(WebApplication app)
    {
        await app.StartAsync(Cancellation);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }
}
