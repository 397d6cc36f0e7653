using Npgsql;
using NpgsqlTypes;

namespace Mediation.Ceiling;

/// <summary>
/// The write path's ceiling: the least an HTTP write can cost on this machine. One POST endpoint that
/// inserts the posted JSON as one jsonb row with a pooled NpgsqlDataSource, no authentication, no
/// validation, no logging; the load generator sends it the same bodies at the same concurrency as the
/// service. Not a top-level program, so that the tests can start it beside the service's Program.
/// </summary>
public static class CeilingApp
{
    public const string Table = "bench_ceiling";

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Ceiling")
            ?? throw new InvalidOperationException("ConnectionStrings:Ceiling (environment ConnectionStrings__Ceiling) is required");
        await using var app = await BuildAsync(builder, connectionString);
        await app.RunAsync();
    }

    public static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder, string connectionString)
    {
        builder.Logging.ClearProviders();
        // The service's own connection settings (DatabaseServer.Tuned): no DISCARD ALL when a
        // connection goes back to the pool; otherwise the ceiling pays a round trip per request the
        // service does not.
        var tuned = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(tuned));
        var app = builder.Build();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var create = dataSource.CreateCommand($"create table if not exists {Table} (id bigint generated always as identity primary key, body jsonb not null)"))
            await create.ExecuteNonQueryAsync();

        app.MapPost("/rows", async (HttpRequest request, NpgsqlDataSource db, CancellationToken cancellation) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(cancellation);
            await using var insert = db.CreateCommand($"insert into {Table} (body) values ($1) returning id");
            insert.Parameters.Add(new NpgsqlParameter { Value = body, NpgsqlDbType = NpgsqlDbType.Jsonb });
            var id = (long)(await insert.ExecuteScalarAsync(cancellation))!;
            // The same shape of answer as a case command, so the client reads as much.
            return Results.Text($"{{\"id\":\"{Guid.NewGuid()}\",\"version\":{id}}}", "application/json");
        });
        app.MapGet("/health", () => "ok");
        return app;
    }
}
