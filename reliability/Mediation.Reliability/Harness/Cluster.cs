using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Mediation.Hosting;
using Npgsql;

namespace Mediation.Reliability.Harness;

/// <summary>
/// A PostgreSQL cluster of the suite's own, from the local server binaries, kept on one port so that it
/// can be stopped and started under a running service. Durable (fsync on): crashes are the point.
/// Run as the <c>postgres</c> user when the suite runs as root, as the service's own local cluster is.
/// </summary>
public sealed class Cluster : IDisposable
{
    const string SuperUser = "postgres";
    public const string Database = "mediation";

    readonly string _binaries;
    readonly string _data;
    readonly string _log;
    readonly string? _runAs = Environment.UserName == "root" ? SuperUser : null;

    Cluster(string binaries, string root)
    {
        _binaries = binaries;
        Root = root;
        _data = Path.Combine(root, "data");
        _log = Path.Combine(root, "postgres.log");
        Port = FreePort();
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    public string Root { get; }
    public int Port { get; }
    public string Password { get; }
    public bool Running { get; private set; }

    public string ConnectionString(string database = Database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = SuperUser, Password = Password, Database = database,
        // The suite's own checks must not wait long for a server it has just stopped.
        Timeout = 5,
    }.ConnectionString;

    /// <summary>A new cluster in a fresh folder, started, with the service's database created.</summary>
    public static async Task<Cluster> CreateAsync()
    {
        var binaries = LocalPostgres.FindBinaries() ?? throw new InvalidOperationException(LocalPostgres.MissingBinariesMessage);
        var root = Directory.CreateTempSubdirectory("mediation-reliability-").FullName;
        var cluster = new Cluster(binaries, root);
        var passwordFile = Path.Combine(root, "superuser.password");
        await File.WriteAllTextAsync(passwordFile, cluster.Password);
        if (cluster._runAs is not null) Run("chown", "-R", cluster._runAs, root);
        cluster.Tool("initdb", "-D", cluster._data, "-U", SuperUser, "--pwfile", passwordFile,
            "--auth-host=scram-sha-256", "--auth-local=reject", "-E", "UTF8", "--locale=C.UTF-8");
        cluster.Start();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database {Database}", connection);
        await create.ExecuteNonQueryAsync();
        return cluster;
    }

    public void Start()
    {
        Tool("pg_ctl", "-D", _data, "-l", _log, "-w", "-t", "60", "-o",
            $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200", "start");
        Running = true;
        // The suite's own pooled connections did not survive the server they were opened on.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A fast shutdown: every session is ended, in-flight transactions roll back.</summary>
    public void Stop()
    {
        Tool("pg_ctl", "-D", _data, "-m", "fast", "-w", "-t", "60", "stop");
        Running = false;
    }

    /// <summary>Ends every session on the service's database but the caller's; returns how many.</summary>
    public async Task<int> TerminateConnectionsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var kill = new NpgsqlCommand(
            "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) t", connection)
        {
            Parameters = { new() { Value = Database } },
        };
        var count = Convert.ToInt32(await kill.ExecuteScalarAsync());
        NpgsqlConnection.ClearAllPools();
        return count;
    }

    public string LogTail(int lines) => File.Exists(_log) ? string.Join('\n', File.ReadLines(_log).TakeLast(lines)) : "";

    public void Dispose()
    {
        if (Running) Stop();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    void Tool(string tool, params string[] arguments)
    {
        var path = Path.Combine(_binaries, tool);
        if (_runAs is null) Run(path, arguments);
        else Run("runuser", ["-u", _runAs, "--", path, .. arguments]);
    }

    static void Run(string file, params string[] arguments)
    {
        // The server user cannot read most of root's working directories.
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        // pg_ctl leaves the server holding the pipes open: do not wait for their end.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var text = (errors.Wait(TimeSpan.FromSeconds(2)) ? errors.Result : "") + (output.Wait(TimeSpan.FromSeconds(2)) ? output.Result : "");
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {text.Trim()}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
