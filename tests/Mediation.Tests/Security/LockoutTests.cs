using System.Diagnostics;
using System.Net;
using Alba;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Security;

/// <summary>
/// Lockout that counts: every wrong password of a burst counts, attempts are limited per user name
/// whatever the address, and a locked account answers as slowly as a wrong password.
/// </summary>
public class LockoutTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    async Task<IAlbaHost> HostAsync(params (string key, string value)[] settings)
    {
        var database = await postgres.CreateDatabaseAsync("lockout");
        return await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers();
            foreach (var (key, value) in settings) b.UseSetting($"Mediation:Security:{key}", value);
        });
    }

    static Task<Api.Answer> SignIn(IAlbaHost host, string user, string password) =>
        new Api(host.Server.CreateClient()).Post("/api/auth/token", new { username = user, password });

    static async Task<IScenarioResult> SignInFrom(IAlbaHost host, string address, string user, string password) =>
        await host.Scenario(s =>
        {
            s.Post.Json(new { username = user, password }).ToUrl("/api/auth/token");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            s.IgnoreStatusCode();
        });

    [Fact]
    public async Task Concurrent_wrong_passwords_each_count_and_lock_the_account()
    {
        await using var host = await HostAsync(("MaxFailedSignIns", "3"), ("Lockout", "00:10:00"));
        await TestUsers.SignedInAsync(host, "burst-target", [Mediation.Security.Roles.Clerk]);

        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SignIn(host, "burst-target", "a-wrong-password")));
        burst.ShouldAllBe(a => a.Code == 401);

        (await SignIn(host, "burst-target", TestUsers.Password)).ShouldBe(HttpStatusCode.Unauthorized);
        var admin = await TestUsers.SignedInAsync(host, "auditor-of-burst", [Mediation.Security.Roles.Auditor]);
        var log = (await admin.Get("/api/audit/access-log?user=burst-target&pageSize=100")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray()
            .Select(e => e!["action"]!.GetValue<string>()).ToList();
        // Each attempt of the burst is written down: as a counted failure, or, once the third failure has
        // locked the account, as an attempt on a locked account (how many of each depends on how the
        // eight interleave); the right password after them is refused as locked. At least the three that
        // locked it counted.
        (log.Count(a => a == "SignInFailed") + log.Count(a => a == "SignInLocked")).ShouldBe(8 + 1);
        log.Count(a => a == "SignInFailed").ShouldBeGreaterThanOrEqualTo(3);
        log.ShouldContain("SignInLocked");
    }

    [Fact]
    public async Task Sign_ins_for_one_user_name_are_limited_whatever_the_address()
    {
        await using var host = await HostAsync(("SignInsPerUserPerMinute", "3"));
        for (var i = 1; i <= 3; i++)
            (await SignInFrom(host, $"198.51.100.{i}", "admin", "a-wrong-password")).Context.Response.StatusCode.ShouldBe(401);

        var limited = await SignInFrom(host, "198.51.100.4", "admin", TestUsers.AdminPassword);
        limited.Context.Response.StatusCode.ShouldBe(429);
        limited.Context.Response.Headers.RetryAfter.ToString().ShouldBe("60");
        // Another name from the same address is not held back; nor is a name nobody has, differently from one that exists.
        (await SignInFrom(host, "198.51.100.4", "someone-else", "a-wrong-password")).Context.Response.StatusCode.ShouldBe(401);
        for (var i = 1; i <= 3; i++) (await SignInFrom(host, $"198.51.100.{i}", "nobody-here", "x")).Context.Response.StatusCode.ShouldBe(401);
        (await SignInFrom(host, "198.51.100.9", "nobody-here", "x")).Context.Response.StatusCode.ShouldBe(429);
    }

    [Fact]
    public async Task A_locked_account_or_an_unknown_name_takes_as_long_to_answer_as_a_wrong_password()
    {
        // Slow hashing, so the time of a hash stands out of the time of everything else a sign-in does.
        await using var host = await HostAsync(("PasswordHashIterations", "600000"), ("MaxFailedSignIns", "4"), ("Lockout", "00:10:00"));
        await TestUsers.SignedInAsync(host, "locked-one", [Mediation.Security.Roles.Clerk]);
        await TestUsers.SignedInAsync(host, "mistyping-one", [Mediation.Security.Roles.Clerk]);
        for (var i = 0; i < 4; i++) (await SignIn(host, "locked-one", "a-wrong-password")).ShouldBe(HttpStatusCode.Unauthorized);

        async Task<TimeSpan> Timed(string user, string password)
        {
            var watch = Stopwatch.StartNew();
            (await SignIn(host, user, password)).ShouldBe(HttpStatusCode.Unauthorized);
            return watch.Elapsed;
        }
        // Taken in turns, so that a change in the machine's load falls on all three alike.
        var (wrong, locked, unknown) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        for (var round = 0; round < 3; round++)
        {
            wrong.Add(await Timed("mistyping-one", "a-wrong-password"));
            locked.Add(await Timed("locked-one", TestUsers.Password));
            unknown.Add(await Timed("nobody-at-all", "a-wrong-password"));
        }

        static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
        var times = $"wrong {string.Join(", ", wrong)}; locked {string.Join(", ", locked)}; unknown {string.Join(", ", unknown)}";
        TestContext.Current.TestOutputHelper?.WriteLine(times);
        Median(wrong).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(150), "the test host's hashing is not slow enough to tell: " + times);
        Median(locked).ShouldBeGreaterThan(Median(wrong) * 0.5, times);
        Median(unknown).ShouldBeGreaterThan(Median(wrong) * 0.5, times);
    }
}
