using JasperFx.Events.Daemon;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Mediation.Hosting;

/// <summary>
/// One service process on its database (<c>Single</c>, the default) or several on one PostgreSQL
/// (<c>Several</c>), under <c>Mediation:Nodes</c>. With several, Wolverine balances its work over the nodes
/// (the scheduled deadlines and recurring jobs are taken by one node at a time) and the statistics
/// projection runs on exactly one node, the holder of Marten's leadership lock; when that node dies its
/// lock goes with its connection and another node takes the projection over.
/// <c>Mediation:ProjectionDaemon=Disabled</c> keeps a node out of that election.
/// </summary>
public sealed record NodeOptions(bool Several, DaemonMode Daemon)
{
    public const string Section = "Mediation:Nodes", DaemonSetting = "Mediation:ProjectionDaemon";

    public DurabilityMode Durability => Several ? DurabilityMode.Balanced : DurabilityMode.Solo;

    /// <summary>Read while the service is put together; a value it cannot run with stops the start, naming the setting.</summary>
    public static NodeOptions Read(IConfiguration configuration)
    {
        var nodes = configuration[Section]?.Trim();
        var several = nodes switch
        {
            null or "" => false,
            _ when nodes.Equals("Single", StringComparison.OrdinalIgnoreCase) => false,
            _ when nodes.Equals("Several", StringComparison.OrdinalIgnoreCase) => true,
            _ => throw Invalid($"{Section} must be Single or Several, not '{nodes}'"),
        };
        var daemonText = configuration[DaemonSetting]?.Trim();
        DaemonMode daemon;
        if (string.IsNullOrEmpty(daemonText)) daemon = several ? DaemonMode.HotCold : DaemonMode.Solo;
        else if (!Enum.TryParse(daemonText, ignoreCase: true, out daemon) || daemon is not (DaemonMode.Solo or DaemonMode.HotCold or DaemonMode.Disabled)
                 || int.TryParse(daemonText, out _))
            throw Invalid($"{DaemonSetting} must be Solo, HotCold or Disabled, not '{daemonText}'");
        // Solo on several nodes would run the projection on each of them at once, counting every event again.
        if (several && daemon == DaemonMode.Solo)
            throw Invalid($"{DaemonSetting}=Solo runs the statistics on every node; with {Section}=Several use HotCold (the default) or Disabled");
        return new NodeOptions(several, daemon);
    }

    static OptionsValidationException Invalid(string message) => new(Section, typeof(NodeOptions), [message]);
}
