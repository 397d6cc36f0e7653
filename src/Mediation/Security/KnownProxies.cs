using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Mediation.Security;

/// <summary>
/// Behind the reverse proxy that terminates TLS, the connection comes from the proxy. Its
/// X-Forwarded-For and X-Forwarded-Proto name the client and the scheme, but anyone can send those
/// headers: they are believed only from the proxies configured in <c>Mediation:Security:KnownProxies</c>
/// and <c>KnownNetworks</c>, and from nobody by default: not loopback, which ASP.NET Core's options
/// list unless cleared, and not everybody, which its middleware believes when both lists are empty.
/// </summary>
public static class KnownProxies
{
    public static void AddKnownProxies(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>()
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)),
                $"{SecurityOptions.Section}:KnownProxies must be IP addresses, such as 10.0.0.5")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                $"{SecurityOptions.Section}:KnownNetworks must be networks in CIDR notation, such as 10.0.0.0/24");
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((forwarded, security) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in security.Value.KnownProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in security.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
    }

    /// <summary>First in the pipeline, so that everything after it sees the client; and only with a proxy configured.</summary>
    public static void UseKnownProxies(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (security.KnownProxies.Length > 0 || security.KnownNetworks.Length > 0) app.UseForwardedHeaders();
    }
}
