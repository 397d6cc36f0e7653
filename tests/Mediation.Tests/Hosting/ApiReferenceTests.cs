using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Mediation.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Hosting;

/// <summary>
/// <c>Mediation:ApiReference</c>: the OpenAPI document and the reference page off by default in
/// Production, behind a session when so configured; the page served from the service alone; and no
/// Content-Security-Policy of the service allowing inline code or another origin.
/// </summary>
public partial class ApiReferenceTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static readonly string[] ReferencePaths = ["/openapi/v1.json", "/scalar/", "/scalar/scalar.js"];

    async Task<IAlbaHost> HostAsync(string environment, string? access)
    {
        var database = await postgres.CreateDatabaseAsync("reference");
        return await AlbaHost.For<Program>(b =>
        {
            b.UseEnvironment(environment).UseSetting("ConnectionStrings:Marten", database).WithTestUsers();
            if (access is not null) b.UseSetting(ApiReference.Setting, access);
        });
    }

    static async Task<HttpStatusCode> StatusOf(HttpClient client, string path) => (await client.GetAsync(path, Cancellation)).StatusCode;

    [Fact]
    public async Task In_Production_the_API_reference_is_off_unless_configured()
    {
        await using var host = await HostAsync("Production", access: null);
        var client = host.Server.CreateClient();
        foreach (var path in ReferencePaths) (await StatusOf(client, path)).ShouldBe(HttpStatusCode.NotFound, path);
        // Off means off for a signed-in user too.
        var signedIn = await TestUsers.SignedInAsync(host);
        foreach (var path in ReferencePaths) (await StatusOf(signedIn.Client, path)).ShouldBe(HttpStatusCode.NotFound, path);
    }

    [Fact]
    public async Task With_SignedIn_the_API_reference_needs_a_session()
    {
        await using var host = await HostAsync("Production", nameof(ApiReferenceAccess.SignedIn));
        var anonymous = new Api(host.Server.CreateClient());
        foreach (var path in ReferencePaths)
        {
            var answer = await anonymous.Get(path);
            answer.ShouldBe(HttpStatusCode.Unauthorized);
            answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe(Problems.ContentType);
            answer.Response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        }
        var signedIn = await TestUsers.SignedInAsync(host);
        foreach (var path in ReferencePaths) (await StatusOf(signedIn.Client, path)).ShouldBe(HttpStatusCode.OK, path);
    }

    [Fact]
    public async Task With_Public_anyone_may_read_the_API_reference()
    {
        await using var host = await HostAsync("Production", nameof(ApiReferenceAccess.Public));
        var client = host.Server.CreateClient();
        foreach (var path in ReferencePaths) (await StatusOf(client, path)).ShouldBe(HttpStatusCode.OK, path);
    }

    [GeneratedRegex("""<(script|link|img)\b[^>]*?\b(src|href)="([^"]*)"[^>]*>""")]
    private static partial Regex Reference();

    [GeneratedRegex("""<(script|style)\b[^>]*>""")]
    private static partial Regex ScriptOrStyle();

    [Fact]
    public async Task The_reference_page_takes_everything_from_the_service_and_its_inline_script_carries_the_answers_nonce()
    {
        await using var host = await HostAsync("Development", access: null);
        var client = host.Server.CreateClient();
        var page = await client.GetAsync("/scalar/", Cancellation);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync(Cancellation);

        var references = Reference().Matches(html).Select(m => m.Groups[3].Value).ToList();
        references.ShouldContain("scalar.js");
        foreach (var reference in references)
        {
            var address = new Uri(new Uri("http://localhost/scalar/"), reference);
            address.Host.ShouldBe("localhost", reference);
            (await StatusOf(client, address.PathAndQuery)).ShouldBe(HttpStatusCode.OK, reference);
        }
        // Scalar's own defaults would fetch web fonts from its CDN.
        html.ShouldNotContain("fonts.scalar.com");
        html.ShouldNotContain("cdn.jsdelivr.net");

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;
        nonce.Length.ShouldBeGreaterThanOrEqualTo(22);
        foreach (Match tag in ScriptOrStyle().Matches(html)) tag.Value.ShouldContain($"nonce=\"{nonce}\"");
        html.ShouldContain($"""<meta property="csp-nonce" content="{nonce}">""");

        // A fresh nonce for each answer, and only its own on the page.
        var again = await client.GetAsync("/scalar/", Cancellation);
        again.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain(nonce);
        Regex.Count(await again.Content.ReadAsStringAsync(Cancellation), "csp-nonce").ShouldBe(1);
    }

    [Fact]
    public async Task No_content_security_policy_of_the_service_allows_inline_code_or_another_origin()
    {
        await using var host = await HostAsync("Development", access: null);
        var client = host.Server.CreateClient();
        string[] paths =
        [
            "/", "/health/live", "/api/org/tree", "/api/no-such-thing", "/workbench", "/workbench/sign-in", "/workbench.css",
            "/_framework/blazor.web.js", "/openapi/v1.json", "/scalar/", "/scalar/scalar.js", "/no-such-page",
        ];
        foreach (var path in paths)
        {
            var answer = await client.GetAsync(path, Cancellation);
            var policies = answer.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.ToList() : [];
            policies.Count.ShouldBe(1, path);
            var policy = policies[0];
            policy.ShouldNotContain("'unsafe-inline'", Case.Sensitive, path);
            policy.ShouldNotContain("'unsafe-eval'", Case.Sensitive, path);
            policy.ShouldNotContain("http", Case.Insensitive, path);
            policy.ShouldNotContain("*", Case.Sensitive, path);
            policy.ShouldContain("default-src 'self'", Case.Sensitive, path);
            policy.ShouldContain("frame-ancestors 'none'", Case.Sensitive, path);
        }
    }
}
