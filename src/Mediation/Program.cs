using JasperFx;
using Mediation.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMediation();

var app = builder.Build();
app.UseMediation();

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
