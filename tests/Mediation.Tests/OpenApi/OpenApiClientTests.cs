using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using Mediation.Hosting;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.OpenApi;

/// <summary>
/// The OpenAPI document as another system integrates from it, with Node.js tools: Redocly's recommended
/// rules, and a client generated from it (openapi-typescript, openapi-fetch) that compiles under strict
/// TypeScript and then uses the running service. The node project is <c>OpenApi/client</c> (its
/// package-lock.json pins every tool), run in a copy beside the test binaries.
/// </summary>
public class OpenApiClientTests(OpenApiClientFixture fixture) : IClassFixture<OpenApiClientFixture>
{
    [Fact]
    public async Task The_OpenAPI_document_passes_Redocly_recommended_rules()
    {
        fixture.RequireTools();
        var lint = await fixture.RunAsync("npx", ["--no", "--", "redocly", "lint", OpenApiClientFixture.Document, "--format=stylish"]);
        lint.Code.ShouldBe(0, lint.Output);
    }

    [Fact]
    public async Task A_client_generated_from_the_OpenAPI_document_compiles_under_strict_TypeScript_and_works_against_the_service()
    {
        fixture.RequireTools();
        var generate = await fixture.RunAsync("npx", ["--no", "--", "openapi-typescript", OpenApiClientFixture.Document, "-o", "src/generated/api.d.ts"]);
        generate.Code.ShouldBe(0, generate.Output);
        var compile = await fixture.RunAsync("npx", ["--no", "--", "tsc", "-p", "."]);
        compile.Code.ShouldBe(0, compile.Output);
        var marker = "T" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3));
        var use = await fixture.RunAsync("node", ["dist/use-api.js", fixture.BaseAddress, TestUsers.AdminPassword, marker]);
        use.Code.ShouldBe(0, use.Output);
    }
}

/// <summary>
/// The service as a process of its own (Production, the reference configured Public), the node project's
/// packages installed once per package-lock.json (npm ci, then reused by later runs), and the document
/// as the service serves it.
/// </summary>
public sealed class OpenApiClientFixture(PostgresForTests postgres) : IAsyncLifetime
{
    public const string Document = "openapi.json";
    const string Install = "Node.js 20.19 or later with npm (e.g. apt-get install nodejs npm, or NodeSource's nodejs package)";
    static readonly Version MinimumNode = new(20, 19);

    ServiceProcess? _service;
    string? _missing;

    public string Project { get; } = Path.Combine(AppContext.BaseDirectory, "openapi-client");
    public string BaseAddress => _service!.Url;

    /// <summary>Skips without the tools, unless CI is set: there they are required.</summary>
    public void RequireTools() => RequiredTool.Require(_missing, Install);

    public async ValueTask InitializeAsync()
    {
        _missing = await MissingToolsAsync();
        if (_missing is not null) return;

        var installed = await RunAsync("npm", ["--version"]);
        var stamp = Path.Combine(Project, "node_modules", ".package-lock.sha256");
        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Project, "package-lock.json"))));
        if (!File.Exists(stamp) || await File.ReadAllTextAsync(stamp) != lockHash)
        {
            var ci = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], TimeSpan.FromMinutes(5));
            if (ci.Code != 0) throw new InvalidOperationException($"npm ci failed:\n{installed.Output}\n{ci.Output}");
            await File.WriteAllTextAsync(stamp, lockHash);
        }

        _service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync("openapiclient"),
            ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
            ["Mediation__Security__SignInsPerMinute"] = "100000",
            ["Mediation__ApiReference"] = nameof(ApiReferenceAccess.Public),
        });
        if (!await _service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)))
            throw new InvalidOperationException("The service did not start:\n" + _service.Output);
        using var client = new HttpClient();
        await File.WriteAllTextAsync(Path.Combine(Project, Document), await client.GetStringAsync($"{BaseAddress}/openapi/v1.json"));
    }

    static async Task<string?> MissingToolsAsync()
    {
        try
        {
            var node = (await RunInAsync(AppContext.BaseDirectory, "node", ["--version"], TimeSpan.FromSeconds(30))).Output.Trim().Split('\n')[^1];
            if (!Version.TryParse(node.TrimStart('v'), out var version) || version < MinimumNode) return $"node --version answered {node}";
            await RunInAsync(AppContext.BaseDirectory, "npm", ["--version"], TimeSpan.FromSeconds(30));
            return null;
        }
        catch (Win32Exception e)
        {
            return $"Node.js or npm is not installed ({e.Message})";
        }
    }

    public Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? limit = null) =>
        RunInAsync(Project, file, arguments, limit ?? TimeSpan.FromMinutes(2));

    static async Task<(int Code, string Output)> RunInAsync(string directory, string file, IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Nothing beyond the registry npm ci needs: no telemetry, no update checks.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} took over {limit}"); }
        return (process.ExitCode, $"$ {file} {string.Join(' ', start.ArgumentList)}\n{await output}{await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
    }
}
