using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Alba;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Security;

/// <summary>
/// Sessions can be ended: disabling an account, changing its roles, node or password ends its tokens
/// and workbench cookies on the next request in this process (the account's security stamp), within
/// the account cache time in another; a workbench session also ends at the session limit.
/// </summary>
public class SessionTests(SecurityFixture service, PostgresForTests postgres) : IClassFixture<SecurityFixture>
{
    const string NewPassword = "a-brand-new-password";
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    Task<Api.Answer> Patch(string user, object body) => service.Api.Send(HttpMethod.Patch, $"/api/users/{user}", body);

    Task<Api.Answer> SignIn(string user, string password) =>
        new Api(service.Host.Server.CreateClient()).Post("/api/auth/token", new { username = user, password });

    static async Task<Api> SignedInAgainAsync(IAlbaHost host, string user, string password)
    {
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestUsers.TokenAsync(client, user, password));
        return new Api(client);
    }

    static async Task<(int Status, string? Location)> Queue(IAlbaHost host, string cookie) => await WorkbenchCookie.GetAsync(host, cookie, "/workbench/queue");

    [Fact]
    public async Task A_disabled_users_token_and_workbench_cookie_are_refused_at_once_and_signing_in_too()
    {
        const string user = "clerk-to-disable";
        var token = await TestUsers.SignedInAsync(service.Host, user, [Roles.Clerk], "S1C1");
        var cookie = await WorkbenchCookie.SignedInAsync(service.Host, user, TestUsers.Password);
        (await token.Get("/api/cases")).ShouldBe(HttpStatusCode.OK);
        (await Queue(service.Host, cookie)).Status.ShouldBe(200);

        var disabled = (await Patch(user, new { disabled = true })).ShouldBe(HttpStatusCode.OK);
        disabled.Body["disabled"]!.GetValue<bool>().ShouldBeTrue();

        (await token.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);
        var page = await Queue(service.Host, cookie);
        page.Status.ShouldBe(302);
        page.Location.ShouldStartWith("/workbench/sign-in");
        (await WorkbenchCookie.GetAsync(service.Host, cookie, "/api/cases")).Status.ShouldBe(401);
        (await SignIn(user, TestUsers.Password)).ShouldBe(HttpStatusCode.Unauthorized);
        (await WorkbenchCookie.SignInAsync(service.Host, user, TestUsers.Password)).ShouldBeNull();

        (await Patch(user, new { disabled = false })).ShouldBe(HttpStatusCode.OK);
        (await SignIn(user, TestUsers.Password)).ShouldBe(HttpStatusCode.OK);
        var log = (await service.Api.Get($"/api/audit/access-log?user={TestUsers.Tester}&pageSize=500")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray();
        log.ShouldContain(e => e!["action"]!.GetValue<string>() == "AccountChanged" && e["detail"]!.GetValue<string>() == $"user {user}: disabled; sessions ended");
        var own = (await service.Api.Get($"/api/audit/access-log?user={user}")).Body["items"]!.AsArray();
        own.ShouldContain(e => e!["action"]!.GetValue<string>() == "SignInDisabled");
    }

    [Fact]
    public async Task A_new_role_or_node_ends_the_session_and_the_next_sign_in_carries_them()
    {
        const string user = "clerk-becoming-auditor";
        var before = await TestUsers.SignedInAsync(service.Host, user, [Roles.Clerk], "S1C1");
        (await before.Get($"/api/cases/{service.Inside}")).ShouldBe(HttpStatusCode.OK);
        (await before.Get("/api/audit/access-log")).ShouldBe(HttpStatusCode.Forbidden);

        var changed = (await Patch(user, new { roles = new[] { Roles.Auditor }, nodeCode = "S2C1" })).ShouldBe(HttpStatusCode.OK);
        changed.Body["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe([Roles.Auditor]);
        changed.Body["nodeCode"]!.GetValue<string>().ShouldBe("S2C1");
        (await before.Get($"/api/cases/{service.Inside}")).ShouldBe(HttpStatusCode.Unauthorized);

        var after = await SignedInAgainAsync(service.Host, user, TestUsers.Password);
        (await after.Get("/api/audit/access-log")).ShouldBe(HttpStatusCode.OK);
        (await after.Post("/api/cases", Cases.Requests.Dispute("S2C1"))).ShouldBe(HttpStatusCode.Forbidden);
        (await after.Get($"/api/cases/{service.Inside}")).ShouldBe(HttpStatusCode.NotFound);
        (await after.Get($"/api/cases/{service.Outside}")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_administrators_password_reset_ends_the_users_sessions_and_lifts_a_lock()
    {
        const string user = "clerk-forgetful";
        var token = await TestUsers.SignedInAsync(service.Host, user, [Roles.Clerk], "S1C1");
        var cookie = await WorkbenchCookie.SignedInAsync(service.Host, user, TestUsers.Password);
        for (var i = 0; i < 5; i++) (await SignIn(user, "not-the-password")).ShouldBe(HttpStatusCode.Unauthorized);
        (await SignIn(user, TestUsers.Password)).ShouldBe(HttpStatusCode.Unauthorized); // locked

        (await service.Api.Post($"/api/users/{user}/password", new { password = "short" })).ShouldBe(HttpStatusCode.BadRequest)
            .Body["errors"]!["password"].ShouldNotBeNull();
        (await service.Api.Post($"/api/users/{user}/password", new { password = NewPassword })).ShouldBe(HttpStatusCode.NoContent);

        (await token.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);
        (await Queue(service.Host, cookie)).Status.ShouldBe(302);
        (await SignIn(user, TestUsers.Password)).ShouldBe(HttpStatusCode.Unauthorized);
        (await SignIn(user, NewPassword)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Changing_ones_own_password_keeps_this_session_and_ends_every_other()
    {
        const string user = "clerk-changing-own";
        var current = await TestUsers.SignedInAsync(service.Host, user, [Roles.Clerk], "S1C1");
        var other = await SignedInAgainAsync(service.Host, user, TestUsers.Password);
        var cookie = await WorkbenchCookie.SignedInAsync(service.Host, user, TestUsers.Password);

        var wrong = (await current.Post("/api/auth/password", new { currentPassword = "not-my-password", newPassword = NewPassword }))
            .ShouldBe(HttpStatusCode.BadRequest);
        wrong.Body["errors"]!["currentPassword"].ShouldNotBeNull();
        (await current.Post("/api/auth/password", new { currentPassword = TestUsers.Password, newPassword = "short" })).ShouldBe(HttpStatusCode.BadRequest);
        (await other.Get("/api/cases")).ShouldBe(HttpStatusCode.OK); // nothing changed yet

        (await current.Post("/api/auth/password", new { currentPassword = TestUsers.Password, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);
        (await current.Get("/api/cases")).ShouldBe(HttpStatusCode.OK);
        (await other.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);
        (await Queue(service.Host, cookie)).Status.ShouldBe(302);
        (await SignIn(user, TestUsers.Password)).ShouldBe(HttpStatusCode.Unauthorized);
        var fresh = await SignedInAgainAsync(service.Host, user, NewPassword);

        // Changing it again from the same session: that session still carries on, the one signed in between does not.
        (await current.Post("/api/auth/password", new { currentPassword = NewPassword, newPassword = "a-third-password" })).ShouldBe(HttpStatusCode.NoContent);
        (await current.Get("/api/cases")).ShouldBe(HttpStatusCode.OK);
        (await fresh.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);

        // Any later change to the account ends the kept session too.
        (await Patch(user, new { displayName = "改了名字" })).ShouldBe(HttpStatusCode.OK);
        (await current.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Users_outside_the_administrators_jurisdiction_do_not_exist_for_it_and_a_new_node_must_lie_inside_it()
    {
        var admin = await TestUsers.SignedInAsync(service.Host, "admin-of-s1", [Roles.Admin], "S1");
        await TestUsers.SignedInAsync(service.Host, "clerk-moving", [Roles.Clerk], "S1C1");

        var outside = (await admin.Send(HttpMethod.Patch, $"/api/users/{SecurityFixture.OutsideUser}", new { disabled = true })).ShouldBe(HttpStatusCode.NotFound);
        var missing = (await admin.Send(HttpMethod.Patch, "/api/users/nobody-at-all", new { disabled = true })).ShouldBe(HttpStatusCode.NotFound);
        outside.Body["title"]!.GetValue<string>().ShouldBe(missing.Body["title"]!.GetValue<string>());
        (await admin.Send(HttpMethod.Patch, $"/api/users/{SecurityStartup.BootstrapAdmin}", new { disabled = true })).ShouldBe(HttpStatusCode.NotFound);
        (await admin.Post($"/api/users/{SecurityFixture.OutsideUser}/password", new { password = NewPassword })).ShouldBe(HttpStatusCode.NotFound);
        (await admin.Send(HttpMethod.Patch, "/api/users/bad%01name", new { disabled = true })).ShouldBe(HttpStatusCode.NotFound);
        (await SignIn(SecurityFixture.OutsideUser, TestUsers.Password)).ShouldBe(HttpStatusCode.OK); // untouched

        // A node outside the jurisdiction is answered as one that does not exist (the one 404 for nodes).
        var away = (await admin.Send(HttpMethod.Patch, "/api/users/clerk-moving", new { nodeCode = "S2C1" })).ShouldBe(HttpStatusCode.NotFound);
        var nowhere = (await admin.Send(HttpMethod.Patch, "/api/users/clerk-moving", new { nodeCode = "NO-SUCH-NODE" })).ShouldBe(HttpStatusCode.NotFound);
        away.Body["detail"]!.GetValue<string>().ShouldBe("There is no node S2C1 in your jurisdiction.");
        nowhere.Body["detail"]!.GetValue<string>().ShouldBe("There is no node NO-SUCH-NODE in your jurisdiction.");
        (await admin.Send(HttpMethod.Patch, "/api/users/clerk-moving", new { nodeCode = "S1C2" })).ShouldBe(HttpStatusCode.OK);

        (await admin.Send(HttpMethod.Patch, "/api/users/admin-of-s1", new { disabled = true })).ShouldBe(HttpStatusCode.Conflict);
        (await admin.Send(HttpMethod.Patch, "/api/users/admin-of-s1", new { })).ShouldBe(HttpStatusCode.BadRequest);
        (await admin.Send(HttpMethod.Patch, "/api/users/admin-of-s1", new { roles = new[] { "Boss" } })).ShouldBe(HttpStatusCode.BadRequest);
        (await admin.Send(HttpMethod.Patch, "/api/users/clerk-moving", """{"roles": [null]}""")).ShouldBe(HttpStatusCode.BadRequest)
            .Body["errors"]!["roles"].ShouldNotBeNull();
    }

    [Fact]
    public async Task An_account_from_before_security_stamps_gets_one_at_start_and_its_user_signs_in_again()
    {
        const string user = "clerk-from-before";
        var old = await TestUsers.SignedInAsync(service.Host, user, [Roles.Clerk], "S1C1");
        await using (var connection = new Npgsql.NpgsqlConnection(service.ConnectionString))
        {
            await connection.OpenAsync(Cancellation);
            await using var strip = new Npgsql.NpgsqlCommand(
                "update mediation.mt_doc_useraccount set data = data - 'securityStamp' - 'disabled' - 'keptSession' where id = @id", connection);
            strip.Parameters.AddWithValue("id", user);
            (await strip.ExecuteNonQueryAsync(Cancellation)).ShouldBe(1);
        }

        await service.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SecurityStartup>().Single().StartAsync(Cancellation);
        await using (var query = service.Store.QuerySession())
            (await query.LoadAsync<UserAccount>(user, Cancellation))!.SecurityStamp.Length.ShouldBe(32);
        (await old.Get("/api/cases")).ShouldBe(HttpStatusCode.Unauthorized);
        (await (await SignedInAgainAsync(service.Host, user, TestUsers.Password)).Get("/api/cases")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_change_written_by_another_process_ends_sessions_within_the_account_cache_time()
    {
        var cacheTime = TimeSpan.FromSeconds(4);
        var database = await postgres.CreateDatabaseAsync("session-cache");
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()
            .UseSetting("Mediation:Security:AccountCacheTime", cacheTime.ToString()));
        var user = await TestUsers.SignedInAsync(host, "auditor-elsewhere", [Roles.Auditor]);
        (await user.Get("/api/audit/access-log")).ShouldBe(HttpStatusCode.OK);

        // Another service process disables the account: written straight to the database, so this process is not told.
        var store = host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var account = await session.LoadAsync<UserAccount>("auditor-elsewhere", Cancellation);
            session.Store(account! with { Disabled = true });
            await session.SaveChangesAsync(Cancellation);
        }
        var since = Stopwatch.StartNew();
        (await user.Get("/api/audit/access-log")).ShouldBe(HttpStatusCode.OK); // what it read a moment ago still stands
        while ((await user.Get("/api/audit/access-log")).Code == 200 && since.Elapsed < cacheTime * 3)
            await Task.Delay(200, Cancellation);
        (await user.Get("/api/audit/access-log")).ShouldBe(HttpStatusCode.Unauthorized);
        since.Elapsed.ShouldBeLessThan(cacheTime + TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task A_workbench_session_ends_at_the_session_limit_however_active_it_is()
    {
        var limit = TimeSpan.FromSeconds(4);
        var database = await postgres.CreateDatabaseAsync("session-limit");
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()
            .UseSetting("Mediation:Security:SessionLimit", limit.ToString()));
        await TestUsers.SignedInAsync(host, "busy-auditor", [Roles.Auditor]);
        var cookie = await WorkbenchCookie.SignedInAsync(host, "busy-auditor", TestUsers.Password);
        var signedIn = Stopwatch.StartNew();
        // Well inside the limit: the sign-in time is kept to the second.
        while (signedIn.Elapsed < limit - TimeSpan.FromSeconds(2.5))
        {
            (await WorkbenchCookie.GetAsync(host, cookie, "/workbench/audit")).Status.ShouldBe(200);
            await Task.Delay(300, Cancellation);
        }
        await Task.Delay(limit - signedIn.Elapsed + TimeSpan.FromSeconds(1.2), Cancellation);
        var page = await WorkbenchCookie.GetAsync(host, cookie, "/workbench/audit");
        page.Status.ShouldBe(302);
        page.Location.ShouldStartWith("/workbench/sign-in");
    }
}
