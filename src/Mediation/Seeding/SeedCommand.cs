using System.Globalization;
using JasperFx.CommandLine;
using Spectre.Console;

namespace Mediation.Seeding;

public sealed class SeedInput : NetCoreInput
{
    [Description("How many cases to create (default 1000)")]
    public int CasesFlag { get; set; } = 1000;

    [Description("Seed number: the same seed and --until give the same county and cases (default 1)")]
    public int SeedFlag { get; set; } = 1;

    [Description("Last day of the year of cases, yyyy-MM-dd (default today)")]
    public string? UntilFlag { get; set; }

    [Description("Cases worked on at once (default 4)")]
    public int ParallelFlag { get; set; } = 4;
}

[Description("Create the demo county and N cases spread over a year, through the same command path as the HTTP API")]
public sealed class SeedCommand : JasperFxAsyncCommand<SeedInput>
{
    public SeedCommand()
    {
        Usage("Seed the demo county");
    }

    public override async Task<bool> Execute(SeedInput input)
    {
        DateOnly until;
        if (input.UntilFlag is null) until = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        else if (!DateOnly.TryParseExact(input.UntilFlag, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out until))
        {
            AnsiConsole.MarkupLine("[red]--until must be a date, yyyy-MM-dd[/]");
            return false;
        }
        if (input.CasesFlag < 0 || input.ParallelFlag < 1)
        {
            AnsiConsole.MarkupLine("[red]--cases must not be negative and --parallel must be at least 1[/]");
            return false;
        }

        using var host = input.BuildHost();
        // The web server is not needed, only the message bus (deadline watches) and the database.
        if (host is WebApplication app) app.Urls.Add("http://127.0.0.1:0");
        await host.StartAsync();
        try
        {
            var seeder = host.Services.GetRequiredService<Seeder>();
            SeedResult? result = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Seeding {input.CasesFlag} cases (seed {input.SeedFlag})", maxValue: Math.Max(1, input.CasesFlag));
                    result = await seeder.RunAsync(new SeedOptions(input.CasesFlag, input.SeedFlag, until, input.ParallelFlag),
                        _ => task.Increment(1), CancellationToken.None);
                    task.Value = task.MaxValue;
                });
            AnsiConsole.MarkupLine($"Seeded {result!.Cases} cases with {result.Commands} commands in {result.Elapsed.TotalSeconds:0.0} s " +
                                   $"({result.Commands / Math.Max(0.001, result.Elapsed.TotalSeconds):0} commands/s); {result.Refused} refused.");
            var table = new Table().AddColumns("sign in as", "password", "role", "jurisdiction");
            foreach (var user in result.Users) table.AddRow(user.Username, user.Password, user.Role, user.NodeCode);
            AnsiConsole.MarkupLine("Demo users (the administrator is 'admin', with the bootstrap password):");
            AnsiConsole.Write(table);
            return result.Refused == 0;
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
