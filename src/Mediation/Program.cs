using JasperFx;
using Mediation.Hosting;

// --demo is ours, not a JasperFx command: take it out before the command line is parsed.
var demo = args.Contains(Mediation.Seeding.DemoOnFirstRun.Switch);
args = args.Where(a => a != Mediation.Seeding.DemoOnFirstRun.Switch).ToArray();

var builder = WebApplication.CreateBuilder(args);
builder.AddMediation();
if (demo) builder.Services.AddHostedService<Mediation.Seeding.DemoOnFirstRun>();

var app = builder.Build();
app.UseMediation();

// Without a command it is the service: run it as such, without the command line's discovery, which
// writes plain-text lines ahead of the first (possibly JSON) log line.
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}
return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
