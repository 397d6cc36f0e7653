using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Mediation.Reliability.Harness;

/// <summary>
/// The built service binary run as a child process in Production, on the suite's cluster, as
/// tests/Mediation.Tests/Hosting/ServiceProcess.cs runs it. Killed with SIGKILL and started again
/// on the same address and database; its output goes to a log file per start.
/// </summary>
public sealed class Service : IAsyncDisposable
{
    public const string AdminPassword = "reliability-admin-1";

    readonly string _dll;
    readonly Dictionary<string, string> _environment;
    readonly string _logFolder;
    readonly string _name = "service";
    Process? _process;
    StreamWriter? _log;

    /// <summary>Another node of the same service: the same database, keys and settings, on an address of its own.</summary>
    Service(Service other, string name)
    {
        _dll = other._dll;
        _logFolder = other._logFolder;
        _name = name;
        Url = $"http://127.0.0.1:{Cluster.FreePort()}";
        _environment = new Dictionary<string, string>(other._environment) { ["ASPNETCORE_URLS"] = Url };
    }

    public Service Beside(string name) => new(this, name);

    public Service(string dll, Cluster cluster, string logFolder, IReadOnlyDictionary<string, string> settings)
    {
        _dll = dll;
        _logFolder = logFolder;
        Url = $"http://127.0.0.1:{Cluster.FreePort()}";
        string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Marten"] = cluster.ConnectionString(),
            ["Mediation__BootstrapAdminPassword"] = AdminPassword,
            // The suite signs in from one address more often than an office would.
            ["Mediation__Security__SignInsPerMinute"] = "1000",
            ["Mediation__Security__SignInsPerUserPerMinute"] = "1000",
        };
        foreach (var ring in new[] { "Token", "Chain", "DataProtection" })
        {
            _environment[$"Mediation__Keys__{ring}__Current"] = "reliability";
            _environment[$"Mediation__Keys__{ring}__Keys__reliability"] = Key();
        }
        foreach (var (key, value) in settings) _environment[key] = value;
    }

    public string Url { get; }
    public int Starts { get; private set; }
    public IReadOnlyDictionary<string, string> Environment => _environment;
    public string LogFile => Path.Combine(_logFolder, $"{_name}-{Starts}.log");

    /// <summary>The running process's id (null when it is not running): each node names its database sessions with it.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The service's build output for a configuration, found from this program's own folder up to Mediation.sln.</summary>
    public static string DllFor(string configuration) => Path.Combine(SolutionRoot, "src", "Mediation", "bin", configuration, "net10.0", "Mediation.dll");

    public static string SolutionRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mediation.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Mediation.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Runs a command of the service binary (seed, audit…) to its end: its exit code and output.</summary>
    public async Task<(int code, string output)> RunCommandAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output + "\n" + await errors).Trim());
    }

    /// <summary>Starts the service and waits until it answers ready; throws with its log when it does not in time.</summary>
    public async Task StartAsync(TimeSpan limit)
    {
        Starts++;
        _log?.Dispose();
        _log = new StreamWriter(LogFile) { AutoFlush = true };
        var process = Process.Start(StartInfo([]))!;
        var log = _log;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!await ReadyAsync(limit))
            throw new InvalidOperationException($"The service did not become ready within {limit.TotalSeconds} s; its log: {LogFile}");
    }

    /// <summary>SIGKILL: no shutdown, no flushing, whatever was in flight is cut off.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task<HttpStatusCode?> ReadinessAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try { return (await client.GetAsync($"{Url}/health/ready")).StatusCode; }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    public async Task<bool> ReadyAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process is { HasExited: true }) return false;
            if (await ReadinessAsync() == HttpStatusCode.OK) return true;
            await Task.Delay(100);
        }
        return false;
    }

    ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        start.ArgumentList.Add(_dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("ConnectionStrings__Marten");
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        return start;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        _process?.Dispose();
        _log?.Dispose();
    }
}
