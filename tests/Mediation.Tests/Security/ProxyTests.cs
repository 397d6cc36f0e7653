using System.Net;
using System.Net.Http.Headers;
using Alba;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Security;

/// <summary>
/// Two services: one behind the proxy 10.0.0.1 (and any in 10.1.0.0/16), as configured in
/// <c>Mediation:Security:KnownProxies</c> and <c>KnownNetworks</c>, and one with no proxy configured.
/// Two sign-ins a minute per client address; the users signing in from outside are known, so the access log names them.
/// </summary>
public sealed class ProxyFixture(PostgresForTests postgres) : IAsyncLifetime
{
    public const string Proxy = "10.0.0.1";
    public IAlbaHost BehindProxy { get; private set; } = null!;
    public IAlbaHost NoProxy { get; private set; } = null!;
    public Api Auditor { get; private set; } = null!;

    async Task<IAlbaHost> StartAsync(bool behindProxy)
    {
        var database = await postgres.CreateDatabaseAsync("proxy");
        return await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers().UseSetting("Mediation:Security:SignInsPerMinute", "2");
            if (behindProxy) b.UseSetting("Mediation:Security:KnownProxies:0", Proxy).UseSetting("Mediation:Security:KnownNetworks:0", "10.1.0.0/16");
        });
    }

    public async ValueTask InitializeAsync()
    {
        BehindProxy = await StartAsync(behindProxy: true);
        NoProxy = await StartAsync(behindProxy: false);
        // The fixture's own two sign-ins (the administrator, then the auditor) use up the in-process client's limit.
        Auditor = await TestUsers.SignedInAsync(BehindProxy, "auditor", [Mediation.Security.Roles.Auditor, Mediation.Security.Roles.Admin]);
        foreach (var user in new[] { "logged-via-proxy", "logged-direct" })
            (await Auditor.Post("/api/users", new { username = user, password = TestUsers.Password, displayName = user, roles = new[] { "Clerk" } }))
                .ShouldBe(HttpStatusCode.Created);
    }

    public async ValueTask DisposeAsync()
    {
        await BehindProxy.DisposeAsync();
        await NoProxy.DisposeAsync();
    }
}

public class ProxyTests(ProxyFixture service) : IClassFixture<ProxyFixture>
{
    /// <summary>A request as it arrives from <paramref name="connection"/>, with the forwarding headers a proxy adds.</summary>
    static Action<Scenario> From(string connection, string? forwardedFor = null, string? forwardedProto = null) => s =>
    {
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(connection));
        if (forwardedFor is not null) s.WithRequestHeader("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) s.WithRequestHeader("X-Forwarded-Proto", forwardedProto);
    };

    static async Task<int> SignIn(IAlbaHost host, Action<Scenario> from, string user = "admin")
    {
        var answer = await host.Scenario(s =>
        {
            s.Post.Json(new { username = user, password = "a-wrong-password" }).ToUrl("/api/auth/token");
            from(s);
            s.IgnoreStatusCode();
        });
        return answer.Context.Response.StatusCode;
    }

    async Task<List<string?>> AddressesLoggedFor(string user) =>
        (await service.Auditor.Get($"/api/audit/access-log?user={user}")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray()
            .Select(e => e!["clientAddress"]?.GetValue<string>()).ToList();

    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_sign_in_limit()
    {
        for (var i = 0; i < 2; i++) (await SignIn(service.BehindProxy, From(ProxyFixture.Proxy, "203.0.113.10"))).ShouldBe(401);
        (await SignIn(service.BehindProxy, From(ProxyFixture.Proxy, "203.0.113.10"))).ShouldBe(429);
        // Another client behind the same proxy, and one behind a proxy of the known network.
        (await SignIn(service.BehindProxy, From(ProxyFixture.Proxy, "203.0.113.11"))).ShouldBe(401);
        (await SignIn(service.BehindProxy, From("10.1.2.3", "203.0.113.12"))).ShouldBe(401);
    }

    [Fact]
    public async Task Behind_a_known_proxy_the_access_log_records_the_client_not_the_proxy()
    {
        (await SignIn(service.BehindProxy, From(ProxyFixture.Proxy, "203.0.113.20"), user: "logged-via-proxy")).ShouldBe(401);
        (await AddressesLoggedFor("logged-via-proxy")).ShouldContain("203.0.113.20");
        (await AddressesLoggedFor("logged-via-proxy")).ShouldNotContain(ProxyFixture.Proxy);
    }

    [Fact]
    public async Task Forwarding_headers_from_an_address_not_configured_as_a_proxy_are_ignored()
    {
        // A client sending its own X-Forwarded-For does not get a fresh limit with every made-up address.
        for (var i = 0; i < 2; i++) (await SignIn(service.BehindProxy, From("198.51.100.30", $"203.0.113.{30 + i}"))).ShouldBe(401);
        (await SignIn(service.BehindProxy, From("198.51.100.30", "203.0.113.32"))).ShouldBe(429);
        (await SignIn(service.BehindProxy, From("198.51.100.31", "203.0.113.33"), user: "logged-direct")).ShouldBe(401);
        (await AddressesLoggedFor("logged-direct")).ShouldBe(["198.51.100.31"]);

        // With no proxy configured, nobody's headers are believed, not even from the address of a usual proxy.
        for (var i = 0; i < 2; i++) (await SignIn(service.NoProxy, From(ProxyFixture.Proxy, $"203.0.113.{40 + i}"))).ShouldBe(401);
        (await SignIn(service.NoProxy, From(ProxyFixture.Proxy, "203.0.113.42"))).ShouldBe(429);
        (await service.NoProxy.Scenario(s => { s.Get.Url("/health/live"); From(ProxyFixture.Proxy, "203.0.113.43", "https")(s); }))
            .Context.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBeFalse();
    }

    [Fact]
    public async Task Behind_a_known_proxy_https_brings_HSTS_and_a_Secure_workbench_cookie()
    {
        var https = From(ProxyFixture.Proxy, "203.0.113.50", "https");
        var health = await service.BehindProxy.Scenario(s => { s.Get.Url("/health/live"); https(s); });
        health.Context.Response.Headers.StrictTransportSecurity.ToString().ShouldStartWith("max-age=");
        var fromElsewhere = await service.BehindProxy.Scenario(s => { s.Get.Url("/health/live"); From("198.51.100.50", "203.0.113.50", "https")(s); });
        fromElsewhere.Context.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBeFalse();

        var cookie = await WorkbenchCookie.SignInAsync(service.BehindProxy, "auditor", TestUsers.Password, https);
        cookie.ShouldNotBeNull();
        cookie.Split(';').Select(p => p.Trim().ToLowerInvariant()).ShouldContain("secure");
        var plain = await WorkbenchCookie.SignInAsync(service.BehindProxy, "auditor", TestUsers.Password, From(ProxyFixture.Proxy, "203.0.113.51", "http"));
        plain.ShouldNotBeNull();
        plain.Split(';').Select(p => p.Trim().ToLowerInvariant()).ShouldNotContain("secure");
    }
}
