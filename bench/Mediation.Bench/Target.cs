using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mediation.Bench;

/// <summary>What a target is: the service, the stack's minimal command endpoint (bench/Mediation.Peer), or the bare ceiling endpoint.</summary>
public enum TargetKind { Service, Peer, Ceiling }

/// <summary>Where the load goes: the service (signed in, commands on cases), the peer, or the bare ceiling endpoint.</summary>
public sealed class Target(string name, HttpClient http, TargetKind kind, string? clerkToken = null, string? mediatorToken = null)
{
    public string Name { get; } = name;
    public HttpClient Http { get; } = http;
    public TargetKind Kind { get; } = kind;
    public string? ClerkToken { get; } = clerkToken;
    public string? MediatorToken { get; } = mediatorToken;

    /// <summary>A client for a target: one pooled connection per concurrent request, none recycled mid-run.</summary>
    public static HttpClient Client(string url) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    })
    { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The service signed in as the seed's county-wide clerk (files, assigns, closes) and mediator (sessions, escalates, resolves).</summary>
    public static async Task<Target> ServiceAsync(HttpClient http, int seed, CancellationToken cancellation = default) =>
        new("service", http, TargetKind.Service, await TokenAsync(http, "clerk", $"clerk-demo-{seed}", cancellation), await TokenAsync(http, "mediator", $"mediator-demo-{seed}", cancellation));

    static async Task<string> TokenAsync(HttpClient http, string username, string password, CancellationToken cancellation)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { username, password }, cancellation);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"signing in as {username} answered {(int)response.StatusCode}: was the service seeded (seed command, --seed)?");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation))!["accessToken"]!.GetValue<string>();
    }
}
