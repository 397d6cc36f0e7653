using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Alba;
using Marten.Events;
using Mediation.Hosting;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Mediation.Tests.Security;

public class SecurityTests(SecurityFixture service) : IClassFixture<SecurityFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    IEnumerable<(string method, string path)> ProtectedEndpoints() =>
        service.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/") == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .Where(e => !AccessTable.Endpoints[AccessTable.KeyOf(e.m, e.Item2)].Anonymous)
            .Select(e => (e.m, "/" + e.Item2.TrimStart('/').Replace("{id}", service.Inside.ToString()).Replace("{code}", "S1C1")
                .Replace("{caseNumber}", service.InsideNumber).Replace("{username}", SecurityFixture.InsideUser)));

    /// <summary>A token for the tester; with <paramref name="session"/>'s stamp, id and sign-in time when given, as the service issues them.</summary>
    static string Token(SecurityKey key, string algorithm, DateTime expires, DateTime? notBefore = null, UserAccount? session = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "mediation",
            Audience = "mediation",
            Subject = new ClaimsIdentity(session is null
                ? [new Claim("name", "tester"), new Claim("role", "Supervisor")]
                : Mediation.Security.Sessions.SessionClaims.For(session with { Roles = [Roles.Supervisor] }, DateTimeOffset.UtcNow)),
            NotBefore = notBefore ?? expires.AddHours(-2),
            IssuedAt = notBefore ?? expires.AddHours(-2),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    [Fact]
    public async Task No_token_an_expired_one_a_forged_one_and_an_unsigned_one_are_refused_with_401_everywhere_under_api()
    {
        var realKey = service.Host.Services.GetRequiredService<SigningKeys>().Current;
        UserAccount tester;
        await using (var query = service.Store.QuerySession()) tester = (await query.LoadAsync<UserAccount>(TestUsers.Tester, Cancellation))!;
        var forgedKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("not-the-service-key-but-long-enough-for-hs256!"));
        var unsigned = new JsonWebTokenHandler().CreateToken(
            """{"iss":"mediation","aud":"mediation","name":"tester","role":"Admin","exp":4102444800}""");
        unsigned.Split('.').Length.ShouldBe(3);
        Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(unsigned.Split('.')[0])).ShouldContain("\"none\"");
        var tokens = new (string name, string? token)[]
        {
            ("none", null),
            ("expired", Token(realKey, SecurityAlgorithms.HmacSha256, DateTime.UtcNow.AddMinutes(-5), session: tester)),
            // Signed by the service's key, but without the security stamp every token now carries (one issued before stamps existed).
            ("no security stamp", Token(realKey, SecurityAlgorithms.HmacSha256, DateTime.UtcNow.AddHours(1))),
            ("wrong signature", Token(forgedKey, SecurityAlgorithms.HmacSha256, DateTime.UtcNow.AddHours(1), session: tester)),
            ("alg none", unsigned),
            ("garbage", "not.a.token"),
        };
        // The same claims, with the account's stamp, signed with the real key pass: the refusals are about the token, not the claims.
        var control = service.Host.Server.CreateClient();
        control.DefaultRequestHeaders.Authorization = new("Bearer", Token(realKey, SecurityAlgorithms.HmacSha256, DateTime.UtcNow.AddHours(1), session: tester));
        (await new Api(control).Get($"/api/cases/{service.Inside}")).ShouldBe(HttpStatusCode.OK);

        var endpoints = ProtectedEndpoints().ToList();
        endpoints.Count.ShouldBeGreaterThan(25);
        foreach (var (name, token) in tokens)
        {
            var client = service.Host.Server.CreateClient();
            if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var (method, path) in endpoints)
            {
                var answer = await new Api(client).Send(new HttpMethod(method), path, method == "GET" ? null : new { });
                answer.Code.ShouldBe(401, $"{name}: {method} {path} {answer}");
                answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe(Problems.ContentType);
            }
        }
    }

    [Fact]
    public async Task Personal_data_is_masked_unless_an_allowed_role_unmasks_it_with_a_reason_and_every_look_is_logged()
    {
        var filed = (await service.Api.Post("/api/cases", new
        {
            kind = "Dispute", channel = "WalkIn", category = "Neighbour", summary = "相邻通行纠纷", nodeCode = "S1C1",
            parties = new[] { new { role = "Applicant", name = "司马光明", idNumber = "110105199001011232", phone = "13912345678", address = "东门社区砸缸巷9号" } },
        })).ShouldBe(HttpStatusCode.Created);

        var clerkView = await service.ByRole[Roles.Clerk].Get($"/api/cases/{filed.Id}");
        clerkView.ShouldBe(HttpStatusCode.OK);
        var text = clerkView.Body.ToJsonString();
        text.ShouldNotContain("110105199001011232");
        text.ShouldNotContain("13912345678");
        text.ShouldNotContain("司马光明");
        clerkView.Body["parties"]![0]!["idNumber"]!.GetValue<string>().ShouldBe("110***********1232");
        clerkView.Body["parties"]![0]!["phone"]!.GetValue<string>().ShouldBe("139****5678");

        (await service.ByRole[Roles.Clerk].Get($"/api/cases/{filed.Id}?unmask=true&reason=核对身份")).ShouldBe(HttpStatusCode.Forbidden);
        (await service.ByRole[Roles.Supervisor].Get($"/api/cases/{filed.Id}?unmask=true")).ShouldBe(HttpStatusCode.BadRequest);

        var unmasked = (await service.ByRole[Roles.Supervisor].Get($"/api/cases/{filed.Id}?unmask=true&reason=电话回访核对身份")).ShouldBe(HttpStatusCode.OK);
        unmasked.Body["parties"]![0]!["idNumber"]!.GetValue<string>().ShouldBe("110105199001011232");
        unmasked.Body["parties"]![0]!["phone"]!.GetValue<string>().ShouldBe("13912345678");

        var log = (await service.ByRole[Roles.Auditor].Get($"/api/audit/access-log?caseId={filed.Id}")).ShouldBe(HttpStatusCode.OK);
        var entries = log.Body["items"]!.AsArray().Select(e => (user: e!["userName"]!.GetValue<string>(), action: e["action"]!.GetValue<string>(),
            reason: e["reason"]?.GetValue<string>())).ToList();
        entries.ShouldContain(("clerk-s1", "ViewCase", null));
        entries.ShouldContain(("supervisor-s1", "Unmask", "电话回访核对身份"));
        entries.Count(e => e.action == "Unmask").ShouldBe(1);
        log.Body.ToJsonString().ShouldNotContain("13912345678");

        var byUser = (await service.ByRole[Roles.Auditor].Get("/api/audit/access-log?user=supervisor-s1")).ShouldBe(HttpStatusCode.OK);
        byUser.Body["items"]!.AsArray().ShouldAllBe(e => e!["userName"]!.GetValue<string>() == "supervisor-s1");
        byUser.Body["items"]!.AsArray().ShouldContain(e => e!["action"]!.GetValue<string>() == "Unmask");
    }

    [Fact]
    public async Task The_accuser_of_an_accusation_is_hidden_outside_the_handling_unit()
    {
        var filed = (await service.Api.Post("/api/cases", Requests.Petition("Accusation", nodeCode: "S1"))).ShouldBe(HttpStatusCode.Created);
        var atStreet = await TestUsers.SignedInAsync(service.Host, "supervisor-at-s1-unit", [Roles.Supervisor], "S1");
        var atCounty = await TestUsers.SignedInAsync(service.Host, "supervisor-at-county", [Roles.Supervisor], "C1");

        var inside = (await atStreet.Get($"/api/cases/{filed.Id}?unmask=true&reason=核实举报内容")).ShouldBe(HttpStatusCode.OK);
        inside.Body["parties"]![0]!["name"]!.GetValue<string>().ShouldBe("王五");

        var above = (await atCounty.Get($"/api/cases/{filed.Id}?unmask=true&reason=核实举报内容")).ShouldBe(HttpStatusCode.OK);
        above.Body["parties"]![0]!["hidden"]!.GetValue<bool>().ShouldBeTrue();
        above.Body.ToJsonString().ShouldNotContain("王五");
    }

    [Fact]
    public async Task A_case_outside_the_jurisdiction_does_not_exist_for_the_caller_and_lists_and_statistics_are_cut_to_it()
    {
        var clerk = service.ByRole[Roles.Clerk];
        (await clerk.Get($"/api/cases/{service.Outside}")).ShouldBe(HttpStatusCode.NotFound);
        (await clerk.Get($"/api/cases/by-number/{service.OutsideNumber}")).ShouldBe(HttpStatusCode.NotFound);
        (await clerk.Post($"/api/cases/{service.Outside}/close", new { })).ShouldBe(HttpStatusCode.NotFound);

        var list = (await clerk.Get("/api/cases?pageSize=100")).ShouldBe(HttpStatusCode.OK);
        var nodes = list.Body["items"]!.AsArray().Select(i => i!["nodeCode"]!.GetValue<string>()).ToList();
        nodes.ShouldNotBeEmpty();
        nodes.ShouldAllBe(n => n.StartsWith("S1"));
        (await service.Api.Get("/api/cases?pageSize=100")).Body["items"]!.AsArray().ShouldContain(i => i!["nodeCode"]!.GetValue<string>().StartsWith("S2"));

        var supervisor = service.ByRole[Roles.Supervisor];
        var stats = (await supervisor.Get("/api/stats/settlement")).ShouldBe(HttpStatusCode.OK);
        stats.Body["nodeCode"]!.GetValue<string>().ShouldBe("S1");
        (await supervisor.Get("/api/stats/settlement?nodeCode=C1")).ShouldBe(HttpStatusCode.NotFound);
        (await supervisor.Get("/api/stats/backlog?nodeCode=S2")).ShouldBe(HttpStatusCode.NotFound);

        var tree = (await clerk.Get("/api/org/tree")).ShouldBe(HttpStatusCode.OK);
        tree.Body.AsArray().Single()!["code"]!.GetValue<string>().ShouldBe("S1");
    }

    [Fact]
    public async Task An_erased_party_appears_nowhere_in_the_database_nor_in_its_cases_attachments_while_history_and_statistics_stay_the_same()
    {
        var binaries = LocalPostgres.FindBinaries();
        Assert.SkipWhen(binaries is null, "pg_dump is not on this machine");
        var filed = (await service.Api.Post("/api/cases", new
        {
            kind = "Dispute", channel = "WalkIn", category = "Neighbour", summary = "宅基地边界纠纷", nodeCode = "S1C2",
            parties = new object[]
            {
                new { role = "Applicant", name = "欧阳待删除", idNumber = "330122198807070015", phone = "13700001111", address = "西门社区待删路77号" },
                new { role = "Respondent", name = "诸葛留存", idNumber = (string?)null, phone = (string?)null, address = (string?)null },
            },
        })).ShouldBe(HttpStatusCode.Created);
        var id = filed.Id;
        (await service.Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C2G1", assignee = "网格员乙" })).ShouldBe(HttpStatusCode.OK);
        (await service.Api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 1200, note = "达成协议" }))
            .ShouldBe(HttpStatusCode.OK);
        var party = Guid.Parse((await service.Api.Get($"/api/cases/{id}")).Body["parties"]![0]!["id"]!.GetValue<string>());
        var values = new[] { "欧阳待删除", "330122198807070015", "13700001111", "西门社区待删路77号" };
        // A scan and a photo showing the party: the dump holds their bytes as hex.
        var scans = new[]
        {
            Encoding.UTF8.GetBytes("%PDF-1.4\n% 身份证复印件：欧阳待删除 330122198807070015\n%%EOF\n"),
            [.. Cases.Attachments.Files.Png, .. Encoding.UTF8.GetBytes("欧阳待删除在现场")],
        };
        foreach (var (scan, name) in scans.Zip(["身份证复印件.pdf", "现场照片.png"]))
            (await service.Api.Post($"/api/cases/{id}/attachments", Cases.Attachments.Files.Form(scan, name))).ShouldBe(HttpStatusCode.Created);
        var hex = scans.Select(Convert.ToHexStringLower).ToList();

        var statsPath = "/api/stats/settlement?groupBy=node&nodeCode=C1";
        var statsBefore = await SettledStatsAsync(statsPath);
        var historyBefore = (await service.Api.Get($"/api/cases/{id}/history")).Body.ToJsonString();
        var dumped = await DumpAsync(binaries!);
        dumped.ShouldContain("欧阳待删除"); // the dump does see personal data
        foreach (var bytes in hex) dumped.ShouldContain(bytes);

        var admin = await TestUsers.SignedInAsync(service.Host, "admin-c1", [Roles.Admin], "C1");
        (await admin.Post($"/api/parties/{party}/erase", new { })).ShouldBe(HttpStatusCode.BadRequest);
        (await admin.Post($"/api/parties/{party}/erase", new { reason = "当事人申请删除个人信息，卷宗保存期限已满" })).ShouldBe(HttpStatusCode.OK);

        var dump = await DumpAsync(binaries!);
        foreach (var value in values) dump.ShouldNotContain(value);
        foreach (var bytes in hex) dump.ShouldNotContain(bytes);
        dump.ShouldContain("诸葛留存");

        (await service.Api.Get($"/api/cases/{id}/history")).Body.ToJsonString().ShouldBe(historyBefore);
        (await SettledStatsAsync(statsPath)).ShouldBe(statsBefore);
        (await service.Api.Get($"/api/cases/{id}/verify")).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
        var view = (await service.ByRole[Roles.Supervisor].Get($"/api/cases/{id}?unmask=true&reason=核对删除结果")).Body["parties"]![0]!;
        view["erased"]!.GetValue<bool>().ShouldBeTrue();
        view["name"].ShouldBeNull();
        var log = (await service.ByRole[Roles.Auditor].Get($"/api/audit/access-log?caseId={id}")).Body["items"]!.AsArray();
        log.ShouldContain(e => e!["action"]!.GetValue<string>() == "Erase" && e["partyId"]!.GetValue<string>() == party.ToString());
    }

    /// <summary>The statistics once the daemon has caught up with every event so far.</summary>
    async Task<string> SettledStatsAsync(string path)
    {
        await service.Host.ForceAllMartenDaemonActivityToCatchUpAsync(Cancellation);
        var stats = (await service.Api.Get(path)).ShouldBe(HttpStatusCode.OK).Body;
        stats.AsObject().Remove("asOf");
        stats.AsObject().Remove("knownAt");
        return stats.ToJsonString();
    }

    async Task<string> DumpAsync(string binaries)
    {
        var connection = new NpgsqlConnectionStringBuilder(service.ConnectionString);
        var start = new ProcessStartInfo(Path.Combine(binaries, "pg_dump"))
        {
            ArgumentList = { "-h", connection.Host!, "-p", connection.Port.ToString(), "-U", connection.Username!, "-d", connection.Database!, "--no-owner" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["PGPASSWORD"] = connection.Password ?? "";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        process.ExitCode.ShouldBe(0, await error);
        return await output;
    }

    [Fact]
    public async Task Every_answer_carries_security_headers_and_CORS_stays_closed()
    {
        foreach (var path in new[] { "/health/live", "/api/org/tree", "/openapi/v1.json" })
        {
            var answer = await service.Api.Get(path);
            var headers = answer.Response.Headers;
            headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
            headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
            headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
            headers.Contains("Content-Security-Policy").ShouldBeTrue(path);
        }
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/cases");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await service.Api.Client.SendAsync(preflight, Cancellation);
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }
}

/// <summary>Sign-in under attack, on a host of its own with a short lock and a low rate limit.</summary>
public class SignInTests(PostgresForTests postgres)
{
    static async Task<IAlbaHost> HostAsync(PostgresForTests postgres, int perMinute)
    {
        var database = await postgres.CreateDatabaseAsync("signin");
        return await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()
            .UseSetting("Mediation:Security:SignInsPerMinute", perMinute.ToString())
            .UseSetting("Mediation:Security:MaxFailedSignIns", "3")
            .UseSetting("Mediation:Security:Lockout", "00:00:02"));
    }

    static Task<Api.Answer> SignIn(IAlbaHost host, string password) =>
        new Api(host.Server.CreateClient()).Post("/api/auth/token", new { username = "admin", password });

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_the_lock_ends()
    {
        await using var host = await HostAsync(postgres, perMinute: 100);
        (await SignIn(host, TestUsers.AdminPassword)).ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++) (await SignIn(host, "wrong-password")).ShouldBe(HttpStatusCode.Unauthorized);

        (await SignIn(host, TestUsers.AdminPassword)).ShouldBe(HttpStatusCode.Unauthorized);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        (await SignIn(host, TestUsers.AdminPassword)).ShouldBe(HttpStatusCode.OK);

        var admin = host.Server.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.TokenAsync(admin, "admin", TestUsers.AdminPassword));
        var log = (await new Api(admin).Get("/api/audit/access-log?user=admin&pageSize=100")).ShouldBe(HttpStatusCode.OK).Body["items"]!.AsArray()
            .Select(e => e!["action"]!.GetValue<string>()).ToList();
        log.Count(a => a == "SignInFailed").ShouldBe(3);
        log.Count(a => a == "SignInLocked").ShouldBe(1);
        log.Count(a => a == "SignIn").ShouldBe(3);
    }

    [Fact]
    public async Task Sign_ins_beyond_the_rate_limit_are_refused_with_429()
    {
        await using var host = await HostAsync(postgres, perMinute: 3);
        for (var i = 0; i < 3; i++) (await SignIn(host, "wrong-password")).ShouldBe(HttpStatusCode.Unauthorized);
        var limited = await SignIn(host, TestUsers.AdminPassword);
        limited.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Response.Headers.RetryAfter.ShouldNotBeNull();
    }
}
