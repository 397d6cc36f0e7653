using System.Net;
using Marten;
using Marten.Services;
using Mediation.Cases;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;

namespace Mediation.Tests.Reports;

/// <summary>
/// A county's worth of cases in the list (their documents written directly: the export reads
/// nothing else), and a count of the queries the export makes for each chunk's parties.
/// </summary>
public class ExportFixture(PostgresForTests postgres) : CaseFixture(postgres)
{
    public const int Cases = 20_000;
    public const int Chunk = 1_000;

    public PartyQueries PartyQueries { get; } = new();

    protected override void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.ConfigureMarten(options => options.Logger(PartyQueries)));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Long summaries make the result far larger than the socket's buffers, so the database is still
        // sending when the client stops reading.
        var summary = new string('纠', 1_000);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cases = Enumerable.Range(0, Cases).Select(i => new MediationCase
        {
            Id = Guid.NewGuid(), CaseNumber = $"X-{i:000000}", Kind = CaseKind.Dispute, Channel = Channel.WalkIn, Category = "Neighbour",
            Summary = summary, NodeCode = "S1C1", HandlingNodeCode = "S1C1", Level = Level.Community, Status = CaseStatus.Registered,
            ReceivedAt = start.AddMinutes(i), DueAt = start.AddMinutes(i).AddDays(30),
        });
        await Store.BulkInsertAsync(cases.ToList(), BulkInsertMode.InsertsOnly, batchSize: 2_000, TestContext.Current.CancellationToken);
    }
}

/// <summary>Counts the export's chunk queries: each looks up the parties of up to a thousand cases.</summary>
public sealed class PartyQueries : IMartenLogger, IMartenSessionLogger
{
    int _count;

    public int Count => Volatile.Read(ref _count);

    public IMartenSessionLogger StartSession(IQuerySession session) => this;
    public void SchemaChange(string sql) { }
    public void OnBeforeExecute(NpgsqlBatch batch)
    {
        if (batch.BatchCommands.Cast<NpgsqlBatchCommand>().Any(c => c.CommandText.Contains("mt_doc_party", StringComparison.Ordinal))) Interlocked.Increment(ref _count);
    }
    public void OnBeforeExecute(NpgsqlCommand command) { }
    public void LogSuccess(NpgsqlCommand command) { }
    public void LogFailure(NpgsqlCommand command, Exception ex) { }
    public void LogSuccess(NpgsqlBatch batch) { }
    public void LogFailure(NpgsqlBatch batch, Exception ex) { }
    public void LogFailure(Exception ex, string message) { }
    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }
}

/// <summary>Report downloads cannot starve the service: they stream, stop with the client, and are few per user.</summary>
public class ExportTests(ExportFixture service) : IClassFixture<ExportFixture>
{
    const string CaseList = "/api/reports/cases?format=csv";
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The export's list query, while the database runs it.</summary>
    async Task<int> RunningListQueriesAsync()
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() " +
            "and state = 'active' and query like '%mt_doc_mediationcase%'", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(Cancellation));
    }

    static async Task<bool> WithinAsync(TimeSpan time, Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + time;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(50, Cancellation);
        }
    }

    Task<HttpResponseMessage> StartDownload(HttpClient client, string path, CancellationToken abandon) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, abandon);

    [Fact]
    public async Task A_download_streams_while_the_query_runs_and_the_client_leaving_stops_the_query()
    {
        var before = service.PartyQueries.Count;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var response = await StartDownload(service.Api.Client, CaseList, abandon.Token).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await WithinAsync(TimeSpan.FromSeconds(5), async () => await RunningListQueriesAsync() > 0))
            .ShouldBeTrue("the file begins while the database is still reading the list (the client has read nothing yet)");

        abandon.Cancel();
        response.Dispose();
        (await WithinAsync(TimeSpan.FromSeconds(5), async () => await RunningListQueriesAsync() == 0))
            .ShouldBeTrue("the export's query still runs after the client left");
        var fetched = service.PartyQueries.Count - before;
        await Task.Delay(500, Cancellation);
        (service.PartyQueries.Count - before).ShouldBe(fetched, "chunks read after the client left");
        fetched.ShouldBeLessThan(ExportFixture.Cases / ExportFixture.Chunk / 4, "chunks read for a client that stopped reading at the start");
    }

    [Fact]
    public async Task A_workbook_the_client_abandons_while_it_is_written_stops_its_query()
    {
        var before = service.PartyQueries.Count;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        // An XLSX is complete before its first byte is sent: the client leaves while it is being written.
        var download = StartDownload(service.Api.Client, "/api/reports/cases?format=xlsx", abandon.Token);
        (await WithinAsync(TimeSpan.FromSeconds(10), async () => await RunningListQueriesAsync() > 0)).ShouldBeTrue("the export's query never ran");
        abandon.Cancel();
        try { (await download).Dispose(); }
        catch (OperationCanceledException) { }

        (await WithinAsync(TimeSpan.FromSeconds(5), async () => await RunningListQueriesAsync() == 0))
            .ShouldBeTrue("the export's query still runs after the client left");
        var fetched = service.PartyQueries.Count - before;
        await Task.Delay(1_000, Cancellation);
        (service.PartyQueries.Count - before).ShouldBe(fetched, "chunks read after the client left");
        fetched.ShouldBeLessThan(ExportFixture.Cases / ExportFixture.Chunk, "the whole list was read for a client that had left");
    }

    [Fact]
    public async Task A_user_may_download_two_files_at_once_and_a_third_gets_429_with_Retry_After()
    {
        var api = await TestUsers.SignedInAsync(service.Host, "exporter", ["Supervisor"]);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        // Two downloads the client does not read: each holds its place until it ends.
        var first = await StartDownload(api.Client, CaseList, abandon.Token);
        var second = await StartDownload(api.Client, CaseList, abandon.Token);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);

        foreach (var path in new[] { CaseList, "/api/reports/settlement?nodeCode=C1&format=csv" })
        {
            var third = await api.Get(path);
            third.ShouldBe(HttpStatusCode.TooManyRequests);
            third.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            third.Body["status"]!.GetValue<int>().ShouldBe(429);
            third.Response.Headers.RetryAfter.ShouldNotBeNull();
        }
        // Another user is not held up by this one.
        (await service.Api.Get("/api/reports/settlement?nodeCode=C1&format=csv")).ShouldBe(HttpStatusCode.OK);

        first.Dispose();
        (await WithinAsync(TimeSpan.FromSeconds(5), async () => (await api.Get("/api/reports/settlement?nodeCode=C1&format=csv")).Code == 200))
            .ShouldBeTrue("a place is free again once a download ends");
        abandon.Cancel();
        second.Dispose();
    }
}
