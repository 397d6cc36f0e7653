using System.Text.Json;

namespace Mediation.Tests.Hosting;

/// <summary>A log collector reading the service's console in JSON gets nothing but JSON, from the first line to the last.</summary>
public class JsonLogTests(PostgresForTests postgres)
{
    [Fact]
    public async Task With_JSON_console_logs_every_line_the_service_writes_is_a_JSON_log_entry()
    {
        var database = await postgres.CreateDatabaseAsync("jsonlog");
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = database,
            ["Logging__Console__FormatterName"] = "json",
        });
        (await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(service.Output);
        await service.StopAsync(TimeSpan.FromSeconds(30));

        var lines = service.Output.Split(Environment.NewLine).Where(l => l.Length > 0).ToList();
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            entry.RootElement.GetProperty("LogLevel").GetString().ShouldNotBeNullOrEmpty(line);
        }
        lines.ShouldContain(l => l.Contains("Application started", StringComparison.Ordinal));
    }
}
