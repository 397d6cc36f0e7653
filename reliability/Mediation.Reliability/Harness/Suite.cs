namespace Mediation.Reliability.Harness;

/// <summary>How long and how hard a run is.</summary>
public sealed record Mode(string Name, TimeSpan Contention, TimeSpan CrashLoad, int Crashes, TimeSpan OutageLoad, int Outages, int Storms)
{
    public static Mode Short { get; } = new("short", TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(40), 2, TimeSpan.FromSeconds(45), 1, 5);

    /// <summary>A soak of about <paramref name="minutes"/>: a crash or an outage every half minute or so.</summary>
    public static Mode Long(int minutes)
    {
        var seconds = minutes * 60.0;
        return new($"long ({minutes} minutes)", TimeSpan.FromSeconds(seconds * 0.1), TimeSpan.FromSeconds(seconds * 0.4), Math.Max(2, minutes * 60 / 40),
            TimeSpan.FromSeconds(seconds * 0.4), Math.Max(1, minutes * 60 / 60), 30);
    }
}

/// <summary>Everything a scenario works with: the cluster, the service process, the signed-in client, the event store.</summary>
public sealed class Suite(Mode mode, Cluster cluster, Service service, Api api, Ledger ledger, int seed) : IAsyncDisposable
{
    public const int Clients = 32;
    public const int Cases = 20;

    public Mode Mode { get; } = mode;
    public Cluster Cluster { get; } = cluster;
    public Service Service { get; } = service;
    public Api Api { get; } = api;
    public Ledger Ledger { get; } = ledger;
    public Random Random { get; } = new(seed);
    public int Seed { get; } = seed;

    /// <summary>
    /// A cluster and a service of its own: the demo county and its users seeded (no cases), the service
    /// started and the clerk, mediator and supervisor signed in.
    /// </summary>
    public static async Task<Suite> StartAsync(Mode mode, string logFolder, int seed, IReadOnlyDictionary<string, string> settings)
    {
        var cluster = await Cluster.CreateAsync();
        var service = new Service(Service.DllFor(Program.Configuration), cluster, logFolder, settings);
        if (await service.RunCommandAsync("seed", "--cases", "0", "--seed", "1") is (not 0, var output))
            throw new InvalidOperationException($"seeding the demo county failed: {output}");
        await service.StartAsync(TimeSpan.FromSeconds(90));
        var api = new Api(service.Url);
        await SignInAsync(api);
        return new Suite(mode, cluster, service, api, new Ledger(service, cluster.ConnectionString()), seed);
    }

    static async Task SignInAsync(Api api)
    {
        await api.SignInAsync("Clerk", "clerk", "clerk-demo-1");
        await api.SignInAsync("Mediator", "mediator", "mediator-demo-1");
        await api.SignInAsync("Supervisor", "supervisor", "supervisor-demo-1");
    }

    /// <summary>Runs the load on fresh cases while <paramref name="faults"/> runs; stops the load when the faults are done.</summary>
    public async Task<(int sent, List<LoadCase> cases)> UnderLoadAsync(Func<Task> faults)
    {
        var cases = await Load.FileCasesAsync(Api, Cases, Random);
        using var stop = new CancellationTokenSource();
        var load = new Load(Api, cases, Clients, Random.Next()).RunAsync(stop.Token);
        try { await faults(); }
        finally { await stop.CancelAsync(); }
        return (await load, cases);
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        Api.Dispose();
        await Service.DisposeAsync();
        Cluster.Dispose();
    }
}
