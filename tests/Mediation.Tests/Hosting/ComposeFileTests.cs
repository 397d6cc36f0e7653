using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Mediation.Tests.Hosting;

/// <summary>
/// compose.yaml as an operator runs it (there is no Docker engine here to run it): what a site relies on
/// after a reboot, a crash or a lost container, and that no secret is written into the file.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class ComposeFileTests
{
    static readonly string Path_ = Path.Combine(ServiceProcess.SolutionRoot, "compose.yaml");
    static readonly string Text = File.ReadAllText(Path_);
    static readonly YamlMappingNode Root = Load();

    static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Text));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static YamlMappingNode Services => Map(Root, "services");
    static YamlMappingNode Service(string name) => Map(Services, name);

    static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlMappingNode)child
            : throw new ShouldAssertException($"compose.yaml has no '{key}' under {node.Start}");

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    static IReadOnlyDictionary<string, string> Environment(string service) =>
        Map(Service(service), "environment").Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    /// <summary>The short-form mounts of a service: (source, target).</summary>
    static IReadOnlyList<(string Source, string Target)> Mounts(string service) =>
        ((YamlSequenceNode)Service(service).Children[new YamlScalarNode("volumes")]).Children
        .Select(m => ((YamlScalarNode)m).Value!.Split(':'))
        .Select(parts => (parts[0], parts[1])).ToList();

    static IReadOnlySet<string> NamedVolumes => Map(Root, "volumes").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();

    static string HealthCommand(string service)
    {
        var test = Map(Service(service), "healthcheck").Children[new YamlScalarNode("test")];
        return test is YamlSequenceNode list ? string.Join(' ', list.Children.Skip(1).Select(c => ((YamlScalarNode)c).Value)) : ((YamlScalarNode)test).Value!;
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mediation")]
    public void Each_long_running_service_comes_back_after_a_crash_or_a_reboot_and_says_when_it_is_healthy(string service)
    {
        Scalar(Service(service), "restart").ShouldBeOneOf("always", "unless-stopped");
        HealthCommand(service).ShouldNotBeNullOrWhiteSpace();
        Scalar(Service(service), "stop_grace_period").ShouldNotBeNull($"{service} would be killed 10 s after the stop signal");
    }

    [Fact]
    public void The_service_starts_only_once_its_database_is_healthy_and_its_keys_are_written()
    {
        var dependsOn = Map(Service("mediation"), "depends_on");
        Scalar(Map(dependsOn, "postgres"), "condition").ShouldBe("service_healthy");
        Scalar(Map(dependsOn, "keys"), "condition").ShouldBe("service_completed_successfully");
        HealthCommand("postgres").ShouldContain("pg_isready");
    }

    [Fact]
    public void The_services_health_check_asks_the_ready_endpoint_on_the_port_it_listens_on()
    {
        var command = HealthCommand("mediation");
        command.ShouldContain("/dev/tcp/127.0.0.1/8080");
        command.ShouldContain("GET /health/ready ");
        // Only a 200 is healthy: 503 is the database gone.
        command.ShouldContain("= 200");
        ((YamlSequenceNode)Service("mediation").Children[new YamlScalarNode("ports")]).Children
            .Select(p => ((YamlScalarNode)p).Value).ShouldContain(p => p!.EndsWith(":8080"));
    }

    [Fact]
    public void The_database_and_the_keys_live_in_named_volumes_and_the_key_setting_points_into_the_keys_volume()
    {
        Mounts("postgres").ShouldContain(m => m.Target == "/var/lib/postgresql/data" && NamedVolumes.Contains(m.Source));
        var keys = Mounts("mediation").Single(m => m.Source == "mediation-keys");
        NamedVolumes.ShouldContain(keys.Source);
        Mounts("keys").ShouldContain(m => m.Source == keys.Source && m.Target == keys.Target);
        Environment("mediation")["Mediation__KeyFile"].ShouldStartWith(keys.Target + "/");
        // One way in: no ring is also set in the environment, where it would win over the file.
        Environment("mediation").Keys.ShouldNotContain(k => k.StartsWith("Mediation__Keys__"));
        // The keys stay out of the database's volume, hence out of its backups.
        Mounts("postgres").ShouldNotContain(m => m.Source == keys.Source);
    }

    [Fact]
    public void No_secret_has_a_default_in_the_file_but_the_documented_local_only_database_password()
    {
        var defaults = Regex.Matches(Text, @"\$\{(?<name>\w+):?-(?<value>[^}]*)\}").Where(m => m.Groups["value"].Value.Length > 0)
            .Select(m => (Name: m.Groups["name"].Value, Value: m.Groups["value"].Value)).Distinct().ToList();
        defaults.ShouldBe([("MEDIATION_DB_PASSWORD", "mediation-local-only")]);
        foreach (var service in new[] { "postgres", "mediation" })
        foreach (var (name, value) in Environment(service).Where(e => Regex.IsMatch(e.Key, "password|secret|key", RegexOptions.IgnoreCase) && e.Key != "Mediation__KeyFile"))
            value.ShouldStartWith("${", customMessage: $"{service}: {name} is written into compose.yaml");
        Environment("mediation")["ConnectionStrings__Marten"].ShouldContain("Password=${MEDIATION_DB_PASSWORD");
    }

    [Fact]
    public void Every_dollar_meant_for_the_container_shell_is_escaped_from_compose()
    {
        // Compose replaces $name and ${name} from the operator's environment; a shell variable in a
        // command must be written $$name, or it silently becomes empty.
        var unescaped = Regex.Matches(Text.Replace("$$", ""), @"\$(?!\{)\S{0,12}").Select(m => m.Value).ToList();
        unescaped.ShouldBeEmpty();
    }
}
