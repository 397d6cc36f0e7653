using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mediation.Telemetry;

/// <summary>
/// OpenTelemetry for the service: traces of requests, commands, Wolverine's messages, Marten's sessions and
/// Npgsql's statements, and metrics of the same with the runtime's and the service's own; sent over OTLP
/// when an endpoint is configured. When telemetry is off nothing listens, so nothing is collected.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The sources and meters of the parts the service is made of (Npgsql's under its own name).</summary>
    public static readonly string[] Libraries = ["Wolverine", "Marten", "Npgsql"];

    public static TelemetryOptions AddTelemetry(this WebApplicationBuilder builder)
    {
        var options = TelemetryOptions.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton<ServiceMetrics>();
        if (!options.Enabled) return options;

        services.AddHostedService<ServiceGauges>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("mediation",
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString(), serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(asp => asp.Filter = http => !IsProbe(http))
                .AddSource([ServiceMetrics.Name, .. Libraries]))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([ServiceMetrics.Name, .. Libraries]));
        if (options.OtlpEndpoint is not null) telemetry.UseOtlpExporter();
        return options;
    }

    /// <summary>Health probes and static files: many, and nothing an operator traces.</summary>
    static bool IsProbe(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/_framework") ||
        http.Request.Path.StartsWithSegments("/_content");

    /// <summary>Counts the report files being written: the endpoints under the export limit, from first to last byte.</summary>
    public static async Task CountExports(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not { PolicyName: Reports.ExportLimit.Policy })
        {
            await next(http);
            return;
        }
        var report = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "report";
        using (http.RequestServices.GetRequiredService<ServiceMetrics>().Export(report))
            await next(http);
    }
}
