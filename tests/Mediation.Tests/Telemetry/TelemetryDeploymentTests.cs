using Mediation.Tests.Hosting;
using YamlDotNet.RepresentationModel;

namespace Mediation.Tests.Telemetry;

/// <summary>
/// The telemetry profile as an operator starts it (no Docker engine here to run its images): the collector's
/// configuration holds together and Prometheus scrapes what the collector exposes (the dashboard's metrics are
/// checked against the running service's, in <see cref="TelemetryTests"/>).
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class TelemetryDeploymentTests
{
    public static readonly string Folder = Path.Combine(ServiceProcess.SolutionRoot, "deploy", "telemetry");

    public static YamlMappingNode Yaml(string path)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static YamlNode At(YamlNode node, params string[] keys)
    {
        foreach (var key in keys)
            node = ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child) ? child
                : throw new ShouldAssertException($"no '{key}' under {node.Start}");
        return node;
    }

    static IEnumerable<string> Keys(YamlNode node) => ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
    static IEnumerable<string> Items(YamlNode node) => ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!);

    static YamlMappingNode Collector => Yaml(Path.Combine(Folder, "otel-collector.yaml"));

    [Fact]
    public void The_collector_takes_OTLP_over_gRPC_and_HTTP_and_every_pipeline_names_only_parts_it_defines()
    {
        var config = Collector;
        Keys(At(config, "receivers", "otlp", "protocols")).ShouldBe(["grpc", "http"], ignoreOrder: true);
        ((YamlScalarNode)At(config, "receivers", "otlp", "protocols", "grpc", "endpoint")).Value.ShouldEndWith(":4317");
        var pipelines = At(config, "service", "pipelines");
        Keys(pipelines).ShouldBe(["metrics", "traces"], ignoreOrder: true);
        foreach (var pipeline in Keys(pipelines))
        foreach (var part in new[] { "receivers", "processors", "exporters" })
        {
            var defined = Keys(At(config, part)).ToList();
            Items(At(pipelines, pipeline, part)).ShouldAllBe(name => defined.Contains(name), $"{pipeline}.{part}");
        }
        Items(At(pipelines, "metrics", "exporters")).ShouldContain("prometheus");
        Items(At(config, "service", "extensions")).ShouldAllBe(name => Keys(At(config, "extensions")).Contains(name));
    }

    [Fact]
    public void Prometheus_scrapes_the_port_the_collector_exposes_its_metrics_on()
    {
        var exposed = ((YamlScalarNode)At(Collector, "exporters", "prometheus", "endpoint")).Value!.Split(':')[^1];
        var prometheus = Yaml(Path.Combine(Folder, "prometheus.yml"));
        var targets = ((YamlSequenceNode)At(prometheus, "scrape_configs")).Children
            .SelectMany(job => ((YamlSequenceNode)At(job, "static_configs")).Children.SelectMany(c => Items(At(c, "targets")))).ToList();
        targets.ShouldContain($"otel-collector:{exposed}");
    }

    [Fact]
    public void Compose_starts_the_collector_Prometheus_and_Grafana_only_with_the_telemetry_profile_and_mounts_files_that_exist()
    {
        var compose = Yaml(Path.Combine(ServiceProcess.SolutionRoot, "compose.yaml"));
        foreach (var name in new[] { "otel-collector", "prometheus", "grafana" })
        {
            var service = At(compose, "services", name);
            Items(At(service, "profiles")).ShouldBe(["telemetry"]);
            foreach (var mount in Items(At(service, "volumes")).Where(v => v.StartsWith("./", StringComparison.Ordinal)))
            {
                var source = Path.Combine(ServiceProcess.SolutionRoot, mount.Split(':')[0]);
                (File.Exists(source) || Directory.Exists(source)).ShouldBeTrue($"{name} mounts {mount}");
            }
        }
        var collectorCommand = string.Join(' ', Items(At(compose, "services", "otel-collector", "command")));
        Items(At(compose, "services", "otel-collector", "volumes")).ShouldContain(v => collectorCommand.Contains(v.Split(':')[1]));
        ((YamlScalarNode)At(compose, "services", "mediation", "environment", "OTEL_EXPORTER_OTLP_ENDPOINT")).Value.ShouldStartWith("${");
        // The dashboards folder Grafana is told to read is where compose puts them.
        var provider = Yaml(Path.Combine(Folder, "grafana", "provisioning", "dashboards", "mediation.yaml"));
        var path = ((YamlScalarNode)At(((YamlSequenceNode)At(provider, "providers")).Children[0], "options", "path")).Value!;
        Items(At(compose, "services", "grafana", "volumes")).ShouldContain(v => v.StartsWith("./deploy/telemetry/grafana/dashboards:" + path));
    }
}
