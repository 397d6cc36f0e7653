using Mediation.Hosting;
using Npgsql;

[assembly: AssemblyFixture(typeof(Mediation.Bench.Tests.LocalPostgresForTests))]

namespace Mediation.Bench.Tests;

/// <summary>
/// The server the benchmark's smoke test writes to: the one named by <c>MEDIATION_TEST_POSTGRES</c>, else a
/// throwaway cluster from the local server binaries, as the service runs its own.
/// </summary>
public sealed class LocalPostgresForTests : IAsyncLifetime
{
    LocalPostgres? _local;

    public string AdminConnectionString { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("MEDIATION_TEST_POSTGRES") is { Length: > 0 } configured) AdminConnectionString = configured;
        else
        {
            _local = LocalPostgres.Start(Path.Combine(Path.GetTempPath(), $"mediation-bench-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"), throwaway: true);
            AdminConnectionString = _local.ConnectionString("postgres");
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A new, empty database on the server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public ValueTask DisposeAsync()
    {
        _local?.Dispose();
        return ValueTask.CompletedTask;
    }
}
