namespace Mediation.Hosting;

/// <summary>
/// The one place the service learns which PostgreSQL to use: the configured
/// <c>ConnectionStrings:Marten</c>, or else a server of its own started from the local binaries,
/// stopped again when the service stops.
/// </summary>
public sealed class DatabaseServer : IDisposable
{
    public const string ConnectionStringName = "Marten";
    readonly LocalPostgres? _local;

    public DatabaseServer(IConfiguration configuration, IHostEnvironment environment, ILogger<DatabaseServer> logger)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = Tuned(configured);
            return;
        }

        var root = configuration["Mediation:LocalPostgres:DataDirectory"] is { Length: > 0 } setting
            ? Path.GetFullPath(setting, environment.ContentRootPath)
            : DefaultDataRoot(environment.ContentRootPath, Environment.UserName);
        logger.LogInformation("No ConnectionStrings:Marten configured; running a local PostgreSQL with its data in {Root}", root);
        _local = LocalPostgres.Start(root, throwaway: false, logger, configuration["Mediation:LocalPostgres:BinDirectory"] is { Length: > 0 } bin ? bin : null);
        ConnectionString = Tuned(_local.EnsureDatabaseAsync("mediation").GetAwaiter().GetResult());
        // Command-line runs (db-apply, projections, seed…) may end without disposing the host: stop the
        // server when the process ends in any orderly way.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _local.Stop();
    }

    public string ConnectionString { get; }

    /// <summary>The connections the service's pool opens at most, unless its connection string says otherwise.</summary>
    public const int MaxPoolSize = 40;

    /// <summary>
    /// Skip the reset round trips when a pooled connection is returned (the service keeps no session state).
    /// Statements are not prepared automatically: after a connection is cut, Marten retries a batch on a fresh
    /// connection, and Npgsql 9.0.4 runs the retried batch with the dead connection's prepared statements (its
    /// issue 6432): the answers no longer match the statements, and the request fails with a server error.
    /// The pool is bounded well below PostgreSQL's <c>max_connections</c>: past a few connections per core
    /// more statements at once only make each slower, and a burst of requests beyond what the database
    /// keeps up with then waits for a connection (503 "busy" after the pool's <c>Timeout</c>) instead of
    /// taking every connection slot of the server, where its other clients fail and it thrashes.
    /// Settings given explicitly in the connection string win.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        if (!given.Contains("MaxPoolSize") && !given.Contains("MaximumPoolSize")) builder.MaxPoolSize = MaxPoolSize;
        // Which node each session belongs to, in pg_stat_activity and the server's log, when several share the database.
        if (!given.Contains("ApplicationName")) builder.ApplicationName = $"mediation {Environment.MachineName} {Environment.ProcessId}";
        return builder.ConnectionString;
    }

    /// <summary>True when this process started the server and owns its lifetime.</summary>
    public bool IsLocal => _local is not null;

    /// <summary>
    /// A folder under the working directory, unless the PostgreSQL server user could not reach it (root's
    /// home is closed to others); then a folder under /var/lib/mediation named after the working directory:
    /// a place for a service's state, never a temporary folder that the system may clean.
    /// </summary>
    public static string DefaultDataRoot(string contentRoot, string userName)
    {
        var underWorkingDirectory = Path.Combine(contentRoot, ".mediation", "postgres");
        if (userName != "root" || LocalPostgres.ClosedAncestor(underWorkingDirectory) is null) return underWorkingDirectory;
        var name = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(contentRoot)))[..12];
        return Path.Combine(StateRoot, name, "postgres");
    }

    /// <summary>Where a local PostgreSQL keeps its data when the working directory cannot hold it.</summary>
    public const string StateRoot = "/var/lib/mediation";

    public void Dispose() => _local?.Stop();
}
