using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Security.SigningIn;

/// <summary>
/// Wrong passwords in a row per account, and the lock they lead to. A table of its own rather than
/// fields of the account document, so that one statement counts a failure and decides the lock:
/// concurrent wrong passwords each count, where a document read and written back counted a burst once.
/// Only existing accounts get a row, so a stream of invented user names cannot grow it.
/// </summary>
public sealed class Lockout(IDocumentStore store, IOptions<SecurityOptions> options)
{
    public const string TableName = "sign_in_failures";

    string Table => $"{store.Options.DatabaseSchemaName}.{TableName}";

    /// <summary>The table, created and migrated with the rest of the schema.</summary>
    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("user_name", "varchar").NotNull().AsPrimaryKey();
        table.AddColumn("failures", "integer").NotNull();
        table.AddColumn("locked_until", "timestamptz").AllowNulls();
        return table;
    }

    /// <summary>The end of the account's lock, when it is locked at <paramref name="now"/>.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string userName, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"select locked_until from {Table} where user_name = @user and locked_until > @now", connection);
        command.Parameters.AddWithValue("user", userName);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteScalarAsync(cancellation) is DateTime until ? new DateTimeOffset(until, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Counts one wrong password; the one that reaches the limit locks the account and starts the count
    /// again. While the account is locked nothing changes, so a burst does not lengthen the lock.
    /// </summary>
    /// <returns>Wrong passwords in a row after this one, and the end of the lock if the account is locked.</returns>
    public async Task<(int InARow, DateTimeOffset? LockedUntil)> CountFailureAsync(string userName, DateTimeOffset now, CancellationToken cancellation)
    {
        var settings = options.Value;
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"""
            insert into {Table} as f (user_name, failures, locked_until)
              values (@user, case when @max <= 1 then 0 else 1 end, case when @max <= 1 then @until end)
            on conflict (user_name) do update set
              failures = case when f.locked_until > @now then f.failures when f.failures + 1 >= @max then 0 else f.failures + 1 end,
              locked_until = case when f.locked_until > @now then f.locked_until when f.failures + 1 >= @max then @until end
            returning failures, locked_until
            """, connection);
        command.Parameters.AddWithValue("user", userName);
        command.Parameters.AddWithValue("max", settings.MaxFailedSignIns);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + settings.Lockout);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var until = reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1);
        return (reader.GetInt32(0), until > now ? until : null);
    }

    /// <summary>
    /// After a right password: the count starts again. A lock set meanwhile by concurrent wrong
    /// passwords stays, unless <paramref name="evenALock"/> (an administrator set a new password).
    /// </summary>
    public async Task ClearAsync(string userName, DateTimeOffset now, bool evenALock, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"delete from {Table} where user_name = @user" + (evenALock ? "" : " and (locked_until is null or locked_until <= @now)"), connection);
        command.Parameters.AddWithValue("user", userName);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>Every account locked at <paramref name="now"/>, with the end of its lock.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> LockedAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"select user_name, locked_until from {Table} where locked_until > @now", connection);
        command.Parameters.AddWithValue("now", now);
        var locked = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) locked[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return locked;
    }

    async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }
}
