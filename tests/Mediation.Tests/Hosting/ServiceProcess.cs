using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mediation.Tests.Hosting;

/// <summary>The service binary run as a separate process, the way the README runs it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];

    ServiceProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }
    public string Output { get { lock (_output) return string.Join(Environment.NewLine, _output); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The service's own build output (the test build builds it), not the copy beside the tests.</summary>
    public static string ServiceDll
    {
        get
        {
            var configuration = typeof(ServiceProcess).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
                .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
            return Path.Combine(SolutionRoot, "src", "Mediation", "bin", configuration, "net10.0", "Mediation.dll");
        }
    }

    public static string SolutionRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mediation.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Mediation.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static ServiceProcess Start(IDictionary<string, string?> environment, params string[] arguments) => Start(environment, null, arguments);

    /// <summary>With <paramref name="standardInput"/> piped in (then closed), as <c>echo … | mediation …</c> does.</summary>
    public static ServiceProcess StartPiped(IDictionary<string, string?> environment, string standardInput, params string[] arguments) =>
        Start(environment, standardInput, arguments);

    /// <summary>Runs the service with <paramref name="environment"/> added to this process's, and the test keys.</summary>
    static ServiceProcess Start(IDictionary<string, string?> environment, string? standardInput, string[] arguments)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            WorkingDirectory = Path.GetDirectoryName(ServiceDll)!,
        };
        start.ArgumentList.Add(ServiceDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ConnectionStrings__Marten");
        foreach (var (key, value) in Security.TestKeys.Environment) start.Environment[key] = value;
        // A null value takes a variable away (a test of what the service does without it).
        foreach (var (key, value) in environment)
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        return new ServiceProcess(process, url);
    }

    public async Task<bool> WaitUntilReadyAsync(TimeSpan limit)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.StartNew();
        while (until.Elapsed < limit && !_process.HasExited)
        {
            try
            {
                if ((await client.GetAsync($"{Url}/health/ready")).StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>SIGTERM, as a service manager (or Ctrl-C) stops it, then wait for it to finish.</summary>
    public async Task StopAsync(TimeSpan limit)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { await StopAsync(TimeSpan.FromSeconds(20)); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
