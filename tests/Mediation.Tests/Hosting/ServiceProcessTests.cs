using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Mediation.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Hosting;

/// <summary>The README's run command, end to end: its own PostgreSQL, ready, stopped cleanly, data kept.</summary>
public class ServiceProcessTests
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static string[] PostgresProcessesFor(string dataDirectory)
    {
        using var ps = Process.Start(new ProcessStartInfo("ps", "-eo args") { RedirectStandardOutput = true })!;
        return ps.StandardOutput.ReadToEnd().Split('\n').Where(l => l.Contains(dataDirectory) && l.Contains("postgres")).ToArray();
    }

    [Fact]
    public async Task Without_a_connection_string_it_runs_its_own_PostgreSQL_stops_it_and_finds_its_data_again()
    {
        Assert.SkipWhen(LocalPostgres.FindBinaries() is null, "no PostgreSQL server binaries on this machine");
        var root = Path.Combine(Path.GetTempPath(), $"mediation-run-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string?>
        {
            ["Mediation__LocalPostgres__DataDirectory"] = root,
            ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
        };
        string token;
        try
        {
            await using (var first = ServiceProcess.Start(environment))
            {
                (await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(first.Output);
                PostgresProcessesFor(root).ShouldNotBeEmpty();
                // Sized for the machine, not PostgreSQL's default for a small one.
                PostgresProcessesFor(root).ShouldContain(p => p.Contains($"shared_buffers={LocalPostgres.SharedBuffersMegabytesHere}MB"));
                using var client = new HttpClient { BaseAddress = new Uri(first.Url) };
                token = await TestUsers.TokenAsync(client, "admin", TestUsers.AdminPassword);
                client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                var put = await client.PutAsJsonAsync($"{first.Url}/api/org/nodes/KEEP", new { name = "留存县", level = "County" }, Cancellation);
                put.StatusCode.ShouldBe(HttpStatusCode.Created);
                await first.StopAsync(TimeSpan.FromSeconds(30));
                first.ExitCode.ShouldBe(0, first.Output);
            }
            PostgresProcessesFor(root).ShouldBeEmpty();

            await using (var second = ServiceProcess.Start(environment))
            {
                (await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(second.Output);
                // The token of the first run still holds: the signing key is configured, not kept with the data.
                using var client = new HttpClient();
                client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                var node = await client.GetAsync($"{second.Url}/api/org/nodes/KEEP", Cancellation);
                node.StatusCode.ShouldBe(HttpStatusCode.OK);
                await second.StopAsync(TimeSpan.FromSeconds(30));
            }
            PostgresProcessesFor(root).ShouldBeEmpty();
        }
        finally
        {
            foreach (var _ in PostgresProcessesFor(root))
                Process.Start("runuser", ["-u", "postgres", "--", Path.Combine(LocalPostgres.FindBinaries()!, "pg_ctl"), "-D", Path.Combine(root, "data"), "-m", "immediate", "stop"])?.WaitForExit();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(512L << 20, 128)]
    [InlineData(24L << 30, 3072)]
    [InlineData(256L << 30, 4096)]
    public void Its_buffer_cache_is_an_eighth_of_the_memory_between_PostgreSQLs_default_and_4_GB(long available, long megabytes) =>
        LocalPostgres.SharedBuffersMegabytes(available).ShouldBe(megabytes);

    [Fact]
    public async Task Without_server_binaries_or_a_connection_string_it_fails_at_start_saying_what_to_do()
    {
        var environment = new Dictionary<string, string?>
        {
            ["Mediation__LocalPostgres__BinDirectory"] = "/nonexistent",
            ["Mediation__LocalPostgres__DataDirectory"] = Path.Combine(Path.GetTempPath(), $"mediation-none-{Guid.NewGuid():N}"),
        };
        await using var service = ServiceProcess.Start(environment);
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        exitCode.ShouldNotBe(0);
        service.Output.ShouldContain("ConnectionStrings__Marten");
        service.Output.ShouldContain("apt-get install postgresql");
    }
}
