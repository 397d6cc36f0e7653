using DotNet.Testcontainers.Builders;
using Mediation.Hosting;
using Npgsql;
using Testcontainers.PostgreSql;

[assembly: AssemblyFixture(typeof(Mediation.Tests.Hosting.PostgresForTests))]

namespace Mediation.Tests.Hosting;

/// <summary>
/// One PostgreSQL server for the whole test run, in this order of preference: the server named by
/// <c>MEDIATION_TEST_POSTGRES</c>; a Testcontainers container when a Docker engine answers; a
/// throwaway cluster from the local server binaries. Each test class gets a database of its own.
/// </summary>
public sealed class PostgresForTests : IAsyncLifetime
{
    public const string EnvironmentVariable = "MEDIATION_TEST_POSTGRES";

    PostgreSqlContainer? _container;
    LocalPostgres? _local;
    int _databases;

    public string AdminConnectionString { get; private set; } = "";
    public string Source { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            AdminConnectionString = configured;
            Source = EnvironmentVariable;
            return;
        }

        try
        {
            _container = new PostgreSqlBuilder("postgres:15-alpine")
                .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
                .Build();
            await _container.StartAsync();
            AdminConnectionString = _container.GetConnectionString();
            Source = "Testcontainers";
            return;
        }
        catch (DockerUnavailableException)
        {
            _container = null;
        }

        var root = Path.Combine(Path.GetTempPath(), $"mediation-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _local = LocalPostgres.Start(root, throwaway: true);
        AdminConnectionString = _local.ConnectionString("postgres");
        Source = "local binaries";
    }

    /// <summary>A new, empty database on the shared server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var safe = new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray());
        var name = $"{safe}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..Math.Min(60, safe.Length + 20)];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
        _local?.Dispose();
    }
}
