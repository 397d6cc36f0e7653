using System.Net;
using System.Net.Http.Headers;
using Alba;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Security;

/// <summary>Signing in as the tests' users, through the real token endpoint.</summary>
public static class TestUsers
{
    public const string AdminPassword = TestHostSettings.AdminPassword;
    public const string Password = "test-user-password";
    /// <summary>The user most tests act as: every role, the whole tree.</summary>
    public const string Tester = "tester";

    /// <summary>
    /// The bootstrap administrator's password and the service's keys, for every host a test starts; and its
    /// logs into the running test's output instead of the console.
    /// </summary>
    public static IWebHostBuilder WithTestUsers(this IWebHostBuilder builder) =>
        builder.ConfigureLogging(TestOutputLogs.Route).WithTestSettings();

    public static async Task<string> TokenAsync(HttpClient client, string user, string password)
    {
        var answer = await new Api(client).Post("/api/auth/token", new { username = user, password });
        answer.ShouldBe(HttpStatusCode.OK);
        return answer.Body["accessToken"]!.GetValue<string>();
    }

    /// <summary>An API client signed in as <paramref name="user"/>, created by the administrator when new.</summary>
    public static async Task<Api> SignedInAsync(IAlbaHost host, string user = Tester, string[]? roles = null, string? nodeCode = null)
    {
        var admin = host.Server.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(admin, SecurityStartup.BootstrapAdmin, AdminPassword));
        var created = await new Api(admin).Post("/api/users",
            new { username = user, password = Password, displayName = user, roles = roles ?? Roles.All.ToArray(), nodeCode });
        if (created.Code != 201) created.ShouldBe(HttpStatusCode.Conflict);

        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, user, Password));
        return new Api(client);
    }
}
