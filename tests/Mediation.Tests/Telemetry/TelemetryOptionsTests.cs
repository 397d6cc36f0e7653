using Mediation.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mediation.Tests.Telemetry;

/// <summary>When the service collects telemetry, read from its settings as an operator writes them.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class TelemetryOptionsTests
{
    static TelemetryOptions Read(params (string Key, string Value)[] settings) =>
        TelemetryOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Telemetry_is_off_without_an_OTLP_endpoint_and_on_with_one()
    {
        Read().Enabled.ShouldBeFalse();
        Read((TelemetryOptions.OtlpEndpointKey, " ")).Enabled.ShouldBeFalse();
        var on = Read((TelemetryOptions.OtlpEndpointKey, "http://collector:4317"));
        on.Enabled.ShouldBeTrue();
        on.OtlpEndpoint.ShouldBe("http://collector:4317");
        on.GaugePeriod.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void The_setting_wins_over_the_endpoint_either_way()
    {
        Read((TelemetryOptions.OtlpEndpointKey, "http://collector:4317"), ("Mediation:Telemetry:Enabled", "false")).Enabled.ShouldBeFalse();
        Read(("Mediation:Telemetry:Enabled", "true")).Enabled.ShouldBeTrue();
        // The endpoint comes from the standard variable only, where the exporter reads it too.
        Read(("Mediation:Telemetry:OtlpEndpoint", "http://elsewhere:4317")).OtlpEndpoint.ShouldBeNull();
    }

    [Theory]
    [InlineData(TelemetryOptions.OtlpEndpointKey, "collector:4317", TelemetryOptions.OtlpEndpointKey)]
    [InlineData("Mediation:Telemetry:GaugePeriod", "00:00:00.5", "GaugePeriod")]
    [InlineData("Mediation:Telemetry:GaugePeriod", "02:00:00", "GaugePeriod")]
    public void A_setting_out_of_bounds_stops_the_start_naming_it(string key, string value, string named)
    {
        var refused = Should.Throw<OptionsValidationException>(() => Read((key, value)));
        refused.Message.ShouldContain(named);
    }
}
