using System.Net;
using Alba;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mediation.Tests.Security;

/// <summary>
/// Secrets that could leak around sign-in: a password typed as a user name, a weak bootstrap
/// password, a password on the command line.
/// </summary>
public class AccountSecretsTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    async Task<(IAlbaHost Host, LogCollector Logs)> HostAsync(bool testUsers = true, Action<IWebHostBuilder>? configure = null)
    {
        var database = await postgres.CreateDatabaseAsync("secrets");
        var logs = new LogCollector();
        var host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Marten", database).ConfigureLogging(l => l.AddProvider(logs));
            if (testUsers) b.WithTestUsers();
            else b.ConfigureLogging(TestOutputLogs.Route);
            configure?.Invoke(b);
        });
        return (host, logs);
    }

    [Fact]
    public async Task An_unknown_user_name_reaches_the_logs_and_the_access_log_only_as_a_keyed_hash()
    {
        var (host, logs) = await HostAsync();
        await using var _ = host;
        const string typed = "Tr0ub4dor&3-in-the-wrong-field";
        var anonymous = new Api(host.Server.CreateClient());
        for (var i = 0; i < 2; i++) (await anonymous.Post("/api/auth/token", new { username = typed, password = "x" })).ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.Post("/api/auth/token", new { username = "another-unknown-name", password = "x" })).ShouldBe(HttpStatusCode.Unauthorized);
        (await WorkbenchCookie.SignInAsync(host, typed, "x")).ShouldBeNull();

        var auditor = await TestUsers.SignedInAsync(host, "auditor", [Roles.Auditor]);
        var log = (await auditor.Get("/api/audit/access-log?pageSize=500")).ShouldBe(HttpStatusCode.OK).Body;
        var entries = log["items"]!.AsArray().Select(e => string.Join(" ", e!.AsObject().Select(p => p.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? p.Value.GetValue<string>() : "")));
        foreach (var text in entries.Concat(logs.Lines.Select(l => l.Message + " " + string.Join(" ", l.Values.Select(v => v.Value)))))
        {
            text.ShouldNotContain(typed, Case.Insensitive);
            text.ShouldNotContain("another-unknown-name", Case.Insensitive);
        }

        // The same name gives the same tag, so repeated tries show; another name another tag.
        var tags = log["items"]!.AsArray().Where(e => e!["detail"]?.GetValue<string>() == "unknown user")
            .Select(e => e!["userName"]!.GetValue<string>()).ToList();
        tags.Count.ShouldBe(4);
        tags.ShouldAllBe(t => t.StartsWith("unknown-user:"));
        tags.Distinct().Count().ShouldBe(2);
        logs.Lines.Count(l => l.Message.StartsWith("Sign-in failed for unknown user unknown-user:")).ShouldBe(4);
    }

    [Fact]
    public async Task The_service_does_not_start_with_a_bootstrap_password_weaker_than_every_other_password()
    {
        var refused = await Should.ThrowAsync<Exception>(() => HostAsync(testUsers: false,
            configure: b => b.UseSetting(SecurityStartup.BootstrapPasswordSetting, "admin123")));
        refused.ToString().ShouldContain($"{SecurityStartup.BootstrapPasswordSetting} must be {PasswordPolicy.MinimumLength} to {PasswordPolicy.MaximumLength} characters");
    }

    [Fact]
    public async Task The_generated_bootstrap_password_meets_the_policy_and_signs_in()
    {
        var (host, logs) = await HostAsync(testUsers: false);
        await using var _ = host;
        var created = logs.Lines.Single(l => l.Message.StartsWith("Created the administrator"));
        var password = created.Values.Single(v => v.Key == "Password").Value!.ToString()!;
        PasswordPolicy.Problem(password).ShouldBeNull();
        (await TestUsers.TokenAsync(host.Server.CreateClient(), SecurityStartup.BootstrapAdmin, password)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Users_add_reads_the_password_from_standard_input_and_refuses_it_on_the_command_line()
    {
        var database = await postgres.CreateDatabaseAsync("users-add");
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Marten"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        const string password = "piped-in-password-1";

        await using (var add = ServiceProcess.StartPiped(environment, password + "\n", "users", "add", "--name", "piped-clerk", "--roles", "Clerk"))
        {
            (await add.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, add.Output);
            add.Output.ShouldNotContain(password);
        }
        await using (var flag = ServiceProcess.StartPiped(environment, "", "users", "add", "--name", "flag-clerk", "--roles", "Clerk", "--password", password))
            (await flag.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldNotBe(0, flag.Output);
        await using (var weak = ServiceProcess.StartPiped(environment, "short\n", "users", "add", "--name", "weak-clerk", "--roles", "Clerk"))
        {
            (await weak.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldNotBe(0, weak.Output);
            weak.Output.ShouldContain($"password: must be {PasswordPolicy.MinimumLength} to {PasswordPolicy.MaximumLength} characters");
        }

        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers());
        (await TestUsers.TokenAsync(host.Server.CreateClient(), "piped-clerk", password)).ShouldNotBeEmpty();
        (await new Api(host.Server.CreateClient()).Post("/api/auth/token", new { username = "flag-clerk", password })).ShouldBe(HttpStatusCode.Unauthorized);
        (await new Api(host.Server.CreateClient()).Post("/api/auth/token", new { username = "weak-clerk", password = "short" })).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
