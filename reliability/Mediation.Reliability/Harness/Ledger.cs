using JasperFx.Events;
using Marten;
using Mediation.Cases;
using Mediation.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mediation.Reliability.Harness;

/// <summary>What the streams hold against what the service acknowledged.</summary>
public sealed record LedgerCheck(int Events, int Acknowledged, int Lost, int ServiceAdded, int UnansweredRecorded, IReadOnlyList<string> Problems)
{
    public string Summary => $"events checked {Events}: acknowledged {Acknowledged}, added by the service (DeadlineBreached) {ServiceAdded}, " +
                             $"recorded for requests that got no answer {UnansweredRecorded}; lost: {Lost}";
}

/// <summary>
/// The event store read the way the service reads it: the service's own Marten registration
/// (<see cref="ServiceSetup.AddMediation"/>) built, never started, on the suite's database.
/// </summary>
public sealed class Ledger : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly string _connectionString;

    public Ledger(Service service, string connectionString)
    {
        _connectionString = connectionString;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = typeof(ServiceSetup).Assembly.GetName().Name,
            ContentRootPath = Path.GetDirectoryName(Service.DllFor(Program.Configuration))!,
        });
        builder.Configuration.AddInMemoryCollection(service.Environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":"), e.Value)));
        // A fresh connection for every read: the suite stops the server and cuts connections under it.
        builder.Configuration["ConnectionStrings:Marten"] = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, MaxAutoPrepare = 0 }.ConnectionString;
        builder.Logging.ClearProviders();
        builder.AddMediation();
        _app = builder.Build();
        Store = _app.Services.GetRequiredService<IDocumentStore>();
    }

    public IDocumentStore Store { get; }

    /// <summary>Every case event in recording order; not Marten's tombstones, the placeholders of appends that failed.</summary>
    public async Task<IReadOnlyList<IEvent>> AllEventsAsync()
    {
        await using var session = Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        return events.Where(e => e.Data is ICaseEvent).OrderBy(e => e.Sequence).ToList();
    }

    /// <summary>
    /// Every acknowledged command's event is in its case's stream at the version it was answered with, of
    /// the command's type; and every event is accounted for: acknowledged, a breach the service appended
    /// itself, or one of the requests to the case that got no answer (cut off by a crash).
    /// </summary>
    public async Task<LedgerCheck> CheckAsync(Api api)
    {
        var events = await AllEventsAsync();
        var streams = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToDictionary(e => e.Version));
        var problems = new List<string>();
        var lost = 0;
        var acks = api.Acks.ToList();
        foreach (var ack in acks)
        {
            if (!streams.TryGetValue(ack.Case, out var stream) || !stream.TryGetValue(ack.Version, out var e))
            {
                lost++;
                problems.Add($"lost: {ack.Action} on case {ack.Case} acknowledged at version {ack.Version}, no such event");
            }
            else if (e.Data.GetType().Name != Load.EventOf[ack.Action])
            {
                lost++;
                problems.Add($"lost: {ack.Action} on case {ack.Case} acknowledged at version {ack.Version}, but that event is a {e.Data.GetType().Name}");
            }
        }
        // The answers to one Idempotency-Key are one acknowledgement.
        foreach (var twice in acks.GroupBy(a => (a.Case, a.Version)).Where(g => g.Select(a => a.Key ?? Guid.NewGuid().ToString()).Distinct().Count() > 1))
            problems.Add($"two commands acknowledged at the same version {twice.Key.Version} of case {twice.Key.Case}: {string.Join(", ", twice.Select(a => a.Action))}");

        var acked = acks.Select(a => (a.Case, a.Version)).ToHashSet();
        var serviceAdded = 0;
        var unansweredRecorded = 0;
        foreach (var (id, stream) in streams)
        {
            var breaches = stream.Values.Count(e => e.Data is DeadlineBreached);
            serviceAdded += breaches;
            var unexplained = stream.Values.Count(e => e.Data is not DeadlineBreached && !acked.Contains((id, e.Version)));
            var unanswered = api.Unanswered.GetValueOrDefault(id);
            unansweredRecorded += Math.Min(unexplained, unanswered);
            if (unexplained > unanswered)
                problems.Add($"case {id}: {unexplained} events nobody was told of, but only {unanswered} requests went unanswered");
            var dueDates = stream.Values.Select(e => e.Data).OfType<DeadlineBreached>().GroupBy(b => b.DueAt).Where(g => g.Count() > 1);
            foreach (var due in dueDates) problems.Add($"case {id}: {due.Count()} breaches of the one due date {due.Key:O}");
        }
        return new LedgerCheck(events.Count, acked.Count, lost, serviceAdded, unansweredRecorded, problems);
    }

    /// <summary>The statistics projection's last applied sequence and the store's high-water mark.</summary>
    public async Task<(long statistics, long highWater, long events)> ProgressAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            select coalesce((select last_seq_id from mediation.mt_event_progression where name = '{Statistics.Projection.StatisticsProjection.ProjectionName}:All'), 0),
                   coalesce((select last_seq_id from mediation.mt_event_progression where name = 'HighWaterMark'), 0),
                   coalesce((select max(seq_id) from mediation.mt_events), 0)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
