using System.Net;
using Mediation.Seeding;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Workbench;

/// <summary>The README's first-run switch: <c>--demo</c> seeds an empty database and prints who to sign in as.</summary>
public class DemoTests(PostgresForTests postgres)
{
    [Fact]
    public async Task Demo_seeds_an_empty_database_once_and_prints_credentials_that_sign_in_to_the_workbench()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync(nameof(DemoTests)),
            // A few cases are enough to show the path; the README's run seeds DemoOnFirstRun.DefaultCases.
            [DemoOnFirstRun.CasesSetting.Replace(":", "__")] = "12",
        };
        await using (var first = ServiceProcess.Start(environment, DemoOnFirstRun.Switch))
        {
            (await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(first.Output);
            await WaitForOutputAsync(first, "clerk-demo-1");
            first.Output.ShouldContain("Demo: seeded 12 cases");
            first.Output.ShouldContain("supervisor-demo-1");
            first.Output.ShouldContain("mediator-demo-1");

            // The printed password opens the workbench.
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(first.Url) };
            var token = await Security.TestUsers.TokenAsync(client, "clerk", "clerk-demo-1");
            token.ShouldNotBeNullOrEmpty();
            var page = await client.GetAsync("/workbench/queue", TestContext.Current.CancellationToken);
            page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        await using (var second = ServiceProcess.Start(environment, DemoOnFirstRun.Switch))
        {
            (await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(second.Output);
            await WaitForOutputAsync(second, "clerk-demo-1");
            second.Output.ShouldContain("nothing seeded");
        }
    }

    static async Task WaitForOutputAsync(ServiceProcess service, string text)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!service.Output.Contains(text) && DateTime.UtcNow < until && !service.HasExited)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        service.Output.ShouldContain(text);
    }
}
