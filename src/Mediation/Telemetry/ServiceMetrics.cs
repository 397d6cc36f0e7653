using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mediation.Cases;
using Mediation.Organisation;

namespace Mediation.Telemetry;

/// <summary>
/// The service's own instruments, under the meter and activity source <see cref="Name"/>: commands by
/// type and outcome, report files being written, and the gauges <see cref="ServiceGauges"/> counts in the
/// database. With telemetry off there are no instruments (a process holds one service, and an instrument
/// of the same name created twice in a process is taken from the first only), and recording costs a check.
/// </summary>
public sealed class ServiceMetrics
{
    public const string Name = "Mediation";

    /// <summary>The spans of the service's own work (a command decided and committed).</summary>
    public static readonly ActivitySource Source = new(Name);

    readonly Counter<long>? _commands;
    readonly UpDownCounter<long>? _exports;
    volatile GaugeReading? _gauges;

    public ServiceMetrics(IMeterFactory meters, Microsoft.Extensions.Options.IOptions<TelemetryOptions> options)
    {
        if (!options.Value.Enabled) return;
        var meter = meters.Create(Name);
        _commands = meter.CreateCounter<long>("mediation.commands", "{command}",
            "Commands on cases by command and outcome: accepted, replayed (an Idempotency-Key's first answer again) or refused, with the HTTP status");
        _exports = meter.CreateUpDownCounter<long>("mediation.exports.running", "{export}", "Report files being written, by report");
        meter.CreateObservableGauge("mediation.cases.open", () => ByLevel(g => g.Open), "{case}", "Open cases by the level handling them");
        meter.CreateObservableGauge("mediation.cases.overdue", () => ByLevel(g => g.Overdue), "{case}", "Open cases past their deadline, by the level handling them");
        meter.CreateObservableGauge("mediation.statistics.lag.events", () => Single(g => g.LagEvents), "{event}",
            "Events recorded that the statistics have not taken in yet");
        meter.CreateObservableGauge("mediation.statistics.lag.seconds", () => Single(g => g.LagSeconds), "s",
            "How long ago the earliest event the statistics have not taken in was recorded (0 when they have all)");
    }

    /// <summary>What a command came to (for an outcome from <see cref="CaseCommandRunner"/>).</summary>
    public void Command(string command, CommandOutcome outcome)
    {
        if (_commands is not { Enabled: true }) return;
        var result = outcome.Replayed ? "replayed" : outcome.Succeeded ? "accepted" : "refused";
        _commands.Add(1, new TagList { { "command", command }, { "outcome", result }, { "status", outcome.Status } });
    }

    /// <summary>A report file started: dispose the answer when its last byte is sent, or the client has gone.</summary>
    public IDisposable Export(string report)
    {
        if (_exports is null) return NotCounted;
        var tags = new TagList { { "report", report } };
        _exports.Add(1, tags);
        return new Finished(() => _exports.Add(-1, tags));
    }

    /// <summary>The latest counts from the database, read when the gauges are collected.</summary>
    public void Update(GaugeReading reading) => _gauges = reading;

    IEnumerable<Measurement<long>> ByLevel(Func<GaugeReading, IReadOnlyDictionary<Level, long>> pick) =>
        _gauges is { } gauges
            ? OrgNode.HandlingLevels.Select(level => new Measurement<long>(pick(gauges).GetValueOrDefault(level), new KeyValuePair<string, object?>("level", level.ToString())))
            : [];

    IEnumerable<Measurement<T>> Single<T>(Func<GaugeReading, T> pick) where T : struct =>
        _gauges is { } gauges ? [new Measurement<T>(pick(gauges))] : [];

    static readonly IDisposable NotCounted = new Finished(() => { });

    sealed class Finished(Action action) : IDisposable
    {
        int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) action();
        }
    }
}

/// <summary>One count of the gauges: open and overdue cases by level, and the statistics' lag.</summary>
public sealed record GaugeReading(IReadOnlyDictionary<Level, long> Open, IReadOnlyDictionary<Level, long> Overdue, long LagEvents, double LagSeconds);
