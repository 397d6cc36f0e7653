using Marten;
using Npgsql;

namespace Mediation.Statistics;

/// <summary>
/// A read-only transaction for a report query. Its statements are planned for their actual
/// parameters every time: Npgsql prepares repeated statements, and PostgreSQL's generic plan for a
/// period or a moment given as a parameter is a full scan where an index range would read a few
/// rows. JIT compilation, which costs more than it saves on queries of this size, is off. A page read
/// in index order is costed like one read in table order: the statistics tables are read from memory
/// (or SSD), and at the default four times the cost the planner prefers reading every current row to
/// reading the part of them an as-of report needs from an index alone (docs/read-models.md).
/// </summary>
public sealed class ReportConnection : IAsyncDisposable
{
    readonly NpgsqlTransaction _transaction;

    readonly NpgsqlConnection _connection;

    ReportConnection(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<ReportConnection> OpenAsync(IDocumentStore store, CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellation);
        await using (var settings = new NpgsqlCommand("set transaction read only; set local plan_cache_mode = force_custom_plan; set local jit = off; set local random_page_cost = 1.1", connection, transaction))
            await settings.ExecuteNonQueryAsync(cancellation);
        return new ReportConnection(connection, transaction);
    }

    public NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
