using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Mediation.Hosting;

/// <summary>
/// A PostgreSQL cluster run from the server binaries installed on this machine, for a service
/// with no configured database and for test runs without Docker. The service keeps its data
/// between runs; a test cluster is throwaway (no fsync, deleted when disposed).
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    const string SuperUser = "postgres";

    readonly string _binaries;
    readonly string _dataDirectory;
    readonly string _logFile;
    readonly bool _throwaway;
    readonly string? _runAs;
    readonly ILogger _logger;
    int _stopped;

    LocalPostgres(string binaries, string root, bool throwaway, ILogger logger)
    {
        _binaries = binaries;
        _dataDirectory = Path.Combine(root, "data");
        _logFile = Path.Combine(root, "postgres.log");
        _throwaway = throwaway;
        _logger = logger;
        // initdb and postgres refuse to run as root.
        _runAs = Environment.UserName == "root" ? SuperUser : null;
        Root = root;
    }

    public string Root { get; }
    public int Port { get; private set; }
    public string Password { get; private set; } = "";

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Starts (creating it on first use) the cluster kept under <paramref name="root"/>.
    /// </summary>
    public static LocalPostgres Start(string root, bool throwaway, ILogger? logger = null, string? binDirectory = null)
    {
        logger ??= NullLogger.Instance;
        var binaries = (binDirectory is null ? FindBinaries() : Directory.Exists(binDirectory) ? binDirectory : null)
                       ?? throw new InvalidOperationException(MissingBinariesMessage);
        var server = new LocalPostgres(binaries, Path.GetFullPath(root), throwaway, logger);
        server.InitialiseAndStart();
        return server;
    }

    public const string MissingBinariesMessage =
        "No database is configured and no PostgreSQL server binaries were found (initdb and pg_ctl on PATH " +
        "or under /usr/lib/postgresql/*/bin, or in Mediation:LocalPostgres:BinDirectory). Either install them (Debian/Ubuntu: 'apt-get install postgresql'; " +
        "Fedora: 'dnf install postgresql-server'; macOS: 'brew install postgresql') or point the service at a " +
        "server with the setting ConnectionStrings:Marten (environment variable ConnectionStrings__Marten).";

    /// <summary>The folder holding initdb and pg_ctl: PATH first, then the newest Debian-style install.</summary>
    public static string? FindBinaries()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (fromPath is not null)
        {
            // Debian links a few binaries into PATH; the real folder also holds postgres itself.
            var initdb = new FileInfo(Path.Combine(fromPath, "initdb"));
            return initdb.LinkTarget is { } target
                ? Path.GetDirectoryName(Path.GetFullPath(target, fromPath))
                : fromPath;
        }

        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian)) return null;
        return Directory.GetDirectories(debian)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
            .Where(x => x.version > 0 && File.Exists(Path.Combine(x.dir, "bin", "pg_ctl")))
            .OrderByDescending(x => x.version)
            .Select(x => Path.Combine(x.dir, "bin"))
            .FirstOrDefault();
    }

    void InitialiseAndStart()
    {
        Directory.CreateDirectory(Root);
        if (_runAs is not null && ClosedAncestor(Root) is { } closed)
            throw new InvalidOperationException(
                $"PostgreSQL runs as the '{_runAs}' user, who cannot reach {Root}: {closed} is closed to other users. " +
                "Choose a data folder outside it with Mediation:LocalPostgres:DataDirectory.");
        var passwordFile = Path.Combine(Root, "superuser.password");
        if (!File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            File.WriteAllText(passwordFile, Password);
            GiveToServerUser(Root);
            var sw = Stopwatch.StartNew();
            string[] arguments = ["-D", _dataDirectory, "-U", SuperUser, "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=reject", "-E", "UTF8", "--locale=C.UTF-8"];
            Run("initdb", _throwaway ? [.. arguments, "--no-sync"] : arguments);
            _logger.LogInformation("Created a PostgreSQL cluster in {DataDirectory} in {Elapsed} ms", _dataDirectory, sw.ElapsedMilliseconds);
        }
        if (!File.Exists(passwordFile))
            throw new InvalidOperationException($"The PostgreSQL cluster in {_dataDirectory} has no password file {passwordFile}; remove the folder to start afresh.");
        Password = File.ReadAllText(passwordFile).Trim();

        if (RunningPort() is { } port)
        {
            // Left running by a service that was killed; take it over and stop it when we stop.
            Port = port;
            _logger.LogInformation("Reusing the PostgreSQL server already running on port {Port} for {DataDirectory}", Port, _dataDirectory);
        }
        else
        {
            Port = FreePort();
            var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" +
                           (_throwaway ? " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
                               : $" -c max_connections=200 -c shared_buffers={SharedBuffersMegabytesHere}MB");
            var sw = Stopwatch.StartNew();
            Run("pg_ctl", "-D", _dataDirectory, "-l", _logFile, "-w", "-t", "60", "-o", settings, "start");
            _logger.LogInformation("Started PostgreSQL on 127.0.0.1:{Port} ({DataDirectory}) in {Elapsed} ms", Port, _dataDirectory, sw.ElapsedMilliseconds);
        }
    }

    /// <summary>
    /// PostgreSQL's buffer cache for the service's own cluster: an eighth of the memory this process may use
    /// (PostgreSQL's guide says a quarter on a machine of its own; this one shares it with the service), at
    /// least PostgreSQL's default of 128 MB, at most 4 GB. The projection daemon's tables and indexes must
    /// fit beside the events it reads, which at the default they do not (docs/benchmarks.md, "Projection
    /// rebuild and daemon catch-up"). Test clusters keep the default.
    /// </summary>
    public static long SharedBuffersMegabytes(long availableBytes) => Math.Clamp(availableBytes / 8 / (1024 * 1024), 128, 4096);

    /// <summary>The buffer cache the service's own cluster gets on this machine (cgroup limits included).</summary>
    public static long SharedBuffersMegabytesHere => SharedBuffersMegabytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary>Creates the database when it does not exist yet and returns its connection string.</summary>
    public async Task<string> EnsureDatabaseAsync(string database, CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellation);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
        {
            Parameters = { new() { Value = database } },
        };
        if (await exists.ExecuteScalarAsync(cancellation) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellation);
        }
        return ConnectionString(database);
    }

    int? RunningPort()
    {
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        var (code, _) = TryRun("pg_ctl", "-D", _dataDirectory, "status");
        if (code != 0) return null;
        // postmaster.pid: line 4 is the port.
        var lines = File.ReadAllLines(pidFile);
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        var (code, output) = TryRun("pg_ctl", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop");
        if (code == 0) _logger.LogInformation("Stopped PostgreSQL ({DataDirectory})", _dataDirectory);
        else _logger.LogWarning("pg_ctl stop exited with {Code}: {Output}", code, output);
        if (_throwaway)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (Exception e) { _logger.LogWarning(e, "Could not remove {Root}", Root); }
        }
    }

    public void Dispose() => Stop();

    /// <summary>The first folder above <paramref name="path"/> that other users may not pass through, if any.</summary>
    public static string? ClosedAncestor(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        for (var dir = new DirectoryInfo(path).Parent; dir is not null; dir = dir.Parent)
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0) return dir.FullName;
        return null;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    void GiveToServerUser(string path)
    {
        if (_runAs is null) return;
        var (code, output) = TryRunPlain("chown", "-R", _runAs, path);
        if (code != 0) throw new InvalidOperationException($"Could not give {path} to the '{_runAs}' user: {output}");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    void Run(string tool, params string[] arguments)
    {
        var (code, output) = TryRun(tool, arguments);
        if (code != 0)
        {
            var log = File.Exists(_logFile) ? File.ReadLines(_logFile).TakeLast(20) : [];
            throw new InvalidOperationException(
                $"{tool} failed with exit code {code}:{Environment.NewLine}{output}{Environment.NewLine}{string.Join(Environment.NewLine, log)}");
        }
    }

    (int code, string output) TryRun(string tool, params string[] arguments)
    {
        var executable = Path.Combine(_binaries, tool);
        return _runAs is null
            ? TryRunPlain(executable, arguments)
            : TryRunPlain("runuser", ["-u", _runAs, "--", executable, .. arguments]);
    }

    static (int code, string output) TryRunPlain(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The server user cannot read most working directories of root's.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        // pg_ctl leaves the server holding inherited pipes open; read asynchronously and do not wait for EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = (stdout.Wait(TimeSpan.FromSeconds(2)) ? stdout.Result : "") +
                     (stderr.Wait(TimeSpan.FromSeconds(2)) ? stderr.Result : "");
        return (process.ExitCode, output.Trim());
    }
}
