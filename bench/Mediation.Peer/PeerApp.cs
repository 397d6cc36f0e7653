using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Mediation.Peer;

/// <summary>
/// The write path's peer: the simplest command endpoint the service's own stack (Marten, Wolverine.HTTP)
/// documents, on the same database in a schema of its own, so that the bench can set the service's
/// rate beside it. What it leaves out on purpose is what the service adds: authentication and access
/// rules, the idempotency record, the keyed chain, deadlines, problem details. Not a top-level
/// program, so that the tests can start it beside the service's Program.
/// </summary>
public static class PeerApp
{
    public const string Schema = "peer";

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Peer")
            ?? throw new InvalidOperationException("ConnectionStrings:Peer (environment ConnectionStrings__Peer) is required");
        await using var app = await BuildAsync(builder, connectionString);
        // Streams like the service's seeded cases, so that both write into tables of the same size.
        await SeedAsync(app.Services.GetRequiredService<IDocumentStore>(), builder.Configuration.GetValue("Peer:SeedCases", 0));
        await app.RunAsync();
    }

    public static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder, string connectionString)
    {
        builder.Logging.ClearProviders();
        // The ceiling's and the service's connection settings: no reset round trip.
        var tuned = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        builder.Services.AddMarten(options =>
            {
                options.Connection(tuned.ConnectionString);
                options.DatabaseSchemaName = Schema;
                options.Projections.Snapshot<PeerCase>(SnapshotLifecycle.Inline);
                // The documentation's advice for the aggregate handler workflow answering the updated aggregate.
                options.Events.UseIdentityMapForAggregates = true;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine(integration => integration.MessageStorageSchemaName = Schema);
        builder.Host.UseWolverine(options =>
        {
            // Under a test host Wolverine would otherwise scan the test assembly and find no endpoints.
            options.ApplicationAssembly = typeof(PeerApp).Assembly;
            options.Policies.AutoApplyTransactions();
            // It sends no messages: no inbox, outbox or durability agents polling beside the load.
            options.Durability.Mode = DurabilityMode.MediatorOnly;
            // The handlers are generated and compiled at start-up (TypeLoadMode.Dynamic, the default).
            options.UseRuntimeCompilation();
        });
        builder.Services.AddWolverineHttp();
        var app = builder.Build();
        app.MapWolverineEndpoints();
        app.MapGet("/health", () => "ok");
        return app;
    }

    /// <summary>Files <paramref name="cases"/> cases and takes each through the lifecycle the load drives, unless the peer has cases already.</summary>
    public static async Task SeedAsync(IDocumentStore store, int cases)
    {
        if (cases <= 0) return;
        await using (var query = store.QuerySession())
            if (await query.Query<PeerCase>().AnyAsync()) return;
        var random = new Random(1);
        string[] steps = ["assign", "sessions", "resolve", "performance", "follow-up", "close"];
        for (var done = 0; done < cases;)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < 200 && done < cases; i++, done++)
            {
                var filing = new FileCase("Dispute", "WalkIn", "Neighbour", "邻里之间因楼上噪音发生纠纷", $"330122{random.Next(1, 9):D3}{random.Next(1, 6):D3}-01",
                    DateTimeOffset.UtcNow, [new("Applicant", "张三", "11010519491231002X", "13812345678", "示范县城关街道幸福社区幸福路1号")], "Low", 2);
                session.Events.StartStream<PeerCase>(Guid.CreateVersion7(), [new CaseFiled(filing), .. steps.Select(s => new CaseStepped(s, "seeded"))]);
            }
            await session.SaveChangesAsync();
        }
    }
}
