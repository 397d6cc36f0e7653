using System.Diagnostics;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mediation.Tests.Telemetry;

/// <summary>
/// The service with telemetry on and no OTLP endpoint: what it collects goes to in-memory exporters instead,
/// and the gauges are counted every second.
/// </summary>
public sealed class TelemetryFixture(PostgresForTests postgres) : CaseFixture(postgres)
{
    public Collected<Activity> Spans { get; } = new();
    public Collected<MetricSnapshot> Metrics { get; } = new();

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting("Mediation:Telemetry:Enabled", "true").UseSetting("Mediation:Telemetry:GaugePeriod", "00:00:01")
            .ConfigureServices(services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans))
                .ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics)));

    /// <summary>Collects the metrics now and answers the newest snapshot of <paramref name="name"/>.</summary>
    public MetricSnapshot? Latest(string name)
    {
        Host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return Metrics.Snapshot().LastOrDefault(m => m.Name == name);
    }
}

/// <summary>An exporter's list that requests, the daemon and the test may touch at once.</summary>
public sealed class Collected<T> : ICollection<T>
{
    readonly List<T> _items = [];
    readonly Lock _lock = new();

    public List<T> Snapshot() { lock (_lock) return [.. _items]; }
    public void Add(T item) { lock (_lock) _items.Add(item); }
    public void Clear() { lock (_lock) _items.Clear(); }
    public bool Contains(T item) { lock (_lock) return _items.Contains(item); }
    public void CopyTo(T[] array, int arrayIndex) { lock (_lock) _items.CopyTo(array, arrayIndex); }
    public bool Remove(T item) { lock (_lock) return _items.Remove(item); }
    public int Count { get { lock (_lock) return _items.Count; } }
    public bool IsReadOnly => false;
    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
