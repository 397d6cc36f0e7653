using Microsoft.Extensions.Options;

namespace Mediation.Telemetry;

/// <summary>
/// Whether the service collects traces and metrics, and how often it counts what only the database knows
/// (open and overdue cases, the statistics' lag). Collecting is on when an OTLP endpoint is configured
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the standard variable); <c>Mediation:Telemetry:Enabled</c> overrides it.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Mediation:Telemetry";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public bool Enabled { get; set; }

    /// <summary>
    /// Where traces and metrics go, from the standard variable only (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and
    /// the exporter's other standard settings beside it); none: collected, when enabled, but sent nowhere.
    /// </summary>
    public string? OtlpEndpoint { get; private set; }

    /// <summary>How often the gauges of cases and of the statistics' lag are counted in the database.</summary>
    public TimeSpan GaugePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Read while the service is put together, since it decides what is registered; a bad value stops the start.</summary>
    public static TelemetryOptions Read(IConfiguration configuration)
    {
        var endpoint = configuration[OtlpEndpointKey];
        var options = new TelemetryOptions { OtlpEndpoint = string.IsNullOrWhiteSpace(endpoint) ? null : endpoint.Trim() };
        options.Enabled = options.OtlpEndpoint is not null;
        configuration.GetSection(Section).Bind(options);
        if (options.GaugePeriod < TimeSpan.FromSeconds(1) || options.GaugePeriod > TimeSpan.FromHours(1))
            throw Invalid($"{Section}:GaugePeriod must be from 00:00:01 to 01:00:00, not {options.GaugePeriod}");
        if (options.OtlpEndpoint is { } given && !(Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            throw Invalid($"{OtlpEndpointKey} must be an absolute http or https URI such as http://collector:4317, not '{given}'");
        return options;
    }

    static OptionsValidationException Invalid(string message) => new(Section, typeof(TelemetryOptions), [message]);
}
