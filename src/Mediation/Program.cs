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

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
