using JasperFx.Events.Daemon;
using Mediation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Mediation.Tests.Hosting;

/// <summary>One node or several, and where the statistics projection runs, read from the settings as an operator writes them.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class NodeOptionsTests
{
    static NodeOptions Read(params (string Key, string Value)[] settings) =>
        NodeOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void One_node_by_default_runs_the_projection_itself()
    {
        Read().ShouldBe(new NodeOptions(false, DaemonMode.Solo));
        Read().Durability.ShouldBe(DurabilityMode.Solo);
        Read((NodeOptions.Section, "single"), (NodeOptions.DaemonSetting, "Disabled")).ShouldBe(new NodeOptions(false, DaemonMode.Disabled));
    }

    [Fact]
    public void Several_nodes_balance_Wolverine_and_elect_one_node_for_the_projection()
    {
        var several = Read((NodeOptions.Section, "Several"));
        several.ShouldBe(new NodeOptions(true, DaemonMode.HotCold));
        several.Durability.ShouldBe(DurabilityMode.Balanced);
        Read((NodeOptions.Section, "Several"), (NodeOptions.DaemonSetting, "Disabled")).Daemon.ShouldBe(DaemonMode.Disabled);
    }

    [Theory]
    [InlineData("Several", "Solo", "every node")]
    [InlineData("Many", "", "Single or Several")]
    [InlineData("Single", "ExternallyManaged", "Solo, HotCold or Disabled")]
    [InlineData("Single", "2", "Solo, HotCold or Disabled")]
    public void A_combination_the_service_cannot_run_stops_the_start_naming_the_setting(string nodes, string daemon, string named)
    {
        var refused = Should.Throw<OptionsValidationException>(() => Read((NodeOptions.Section, nodes), (NodeOptions.DaemonSetting, daemon)));
        refused.Message.ShouldContain(named);
    }
}
