using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Alba;
using Mediation.Security;
using Mediation.Security.Keys;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace Mediation.Tests.Security;

/// <summary>The key rings read from settings and key files, without a host.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class KeyRingTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("mediation-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    KeyRings Rings(string environment, IDictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build(),
            new HostingEnvironment { EnvironmentName = environment, ContentRootPath = _root });

    [Fact]
    public void Outside_Development_missing_keys_stop_the_service_naming_each_setting_and_nothing_is_generated()
    {
        var refusal = Should.Throw<InvalidOperationException>(() => Rings(Environments.Production));
        refusal.Message.ShouldContain("Mediation:Keys:Token:Current is not set");
        refusal.Message.ShouldContain("Mediation:Keys:Chain:Current is not set");
        refusal.Message.ShouldContain("Mediation:Keys:DataProtection:Current is not set");
        File.Exists(KeyRings.DevelopmentFile(new HostingEnvironment { ContentRootPath = _root })).ShouldBeFalse();
    }

    [Fact]
    public void A_short_key_a_current_id_without_its_key_and_the_old_signing_key_setting_are_named()
    {
        var settings = TestKeys.Settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        settings["Mediation:Keys:Token:Keys:test1"] = Convert.ToBase64String(new byte[16]);
        settings["Mediation:Keys:Chain:Current"] = "gone";
        settings["Mediation:Security:SigningKey"] = TestKeys.Token;
        var refusal = Should.Throw<InvalidOperationException>(() => Rings(Environments.Production, settings));
        refusal.Message.ShouldContain("Mediation:Keys:Token:Keys:test1 must be base64 of at least 32 bytes");
        refusal.Message.ShouldContain("Mediation:Keys:Chain:Current names gone, which is not among Mediation:Keys:Chain:Keys");
        refusal.Message.ShouldContain("Mediation:Security:SigningKey is no longer read");
    }

    [Fact]
    public void In_Development_missing_keys_are_generated_once_into_a_file_under_the_content_root_readable_by_its_owner_only()
    {
        var first = Rings(Environments.Development);
        first.GeneratedInto.ShouldBe(Path.Combine(_root, ".mediation", "keys.json"));
        first.GeneratedRings.ShouldBe(KeyRings.Names);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(first.GeneratedInto!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var second = Rings(Environments.Development);
        second.GeneratedInto.ShouldBeNull();
        foreach (var name in KeyRings.Names)
        {
            second[name].CurrentId.ShouldBe(first[name].CurrentId);
            second[name].Current.ShouldBe(first[name].Current);
        }
    }

    [Fact]
    public void A_key_file_named_by_a_setting_is_read_and_settings_take_precedence_over_it()
    {
        var file = Path.Combine(_root, "keys.json");
        object Ring(string key) => new { Current = "file1", Keys = new { file1 = key } };
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(new
        {
            Mediation = new { Keys = new { Token = Ring(TestKeys.Token), Chain = Ring(TestKeys.Chain), DataProtection = Ring(TestKeys.DataProtection) } },
        }));
        var rings = Rings(Environments.Production, new Dictionary<string, string?>
        {
            [KeyRings.FileSetting] = file,
            ["Mediation:Keys:Chain:Current"] = "env1",
            ["Mediation:Keys:Chain:Keys:env1"] = TestKeys.DataProtection,
        });
        rings[KeyRings.Token].CurrentId.ShouldBe("file1");
        rings[KeyRings.Chain].CurrentId.ShouldBe("env1");
        rings[KeyRings.Chain].Find("file1").ShouldBe(Convert.FromBase64String(TestKeys.Chain));
    }
}

/// <summary>Secrets outside the database, as the running service uses them.</summary>
public class KeyTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    const string EarlierKey = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=";

    static Task<IAlbaHost> HostAsync(string database, params (string key, string value)[] settings) =>
        AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers();
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });

    [Fact]
    public async Task In_Production_the_service_refuses_to_start_without_its_keys()
    {
        var database = await postgres.CreateDatabaseAsync("nokeys");
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AlbaHost.For<Program>(b => b
            .UseEnvironment(Environments.Production)
            .UseSetting("ConnectionStrings:Marten", database)
            .UseSetting(SecurityStartup.BootstrapPasswordSetting, TestUsers.AdminPassword).ConfigureLogging(TestOutputLogs.Route)));
        refused.Message.ShouldContain("The service's keys are not configured, so it does not start (Production)");
        refused.Message.ShouldContain("Mediation:Keys:Token:Current is not set");
        refused.Message.ShouldContain("Mediation:Keys:Chain:Current is not set");
    }

    [Fact]
    public async Task A_token_signed_with_an_earlier_key_holds_while_that_key_is_configured_and_is_refused_once_it_is_removed()
    {
        var database = await postgres.CreateDatabaseAsync("tokenrotation");
        string token;
        await using (var before = await HostAsync(database, ("Mediation:Keys:Token:Current", "early1"), ("Mediation:Keys:Token:Keys:early1", EarlierKey)))
        {
            await TestUsers.SignedInAsync(before);
            token = await TestUsers.TokenAsync(before.Server.CreateClient(), TestUsers.Tester, TestUsers.Password);
        }
        new JsonWebToken(token).Kid.ShouldBe("early1");

        // The rotation window: the new key signs, the earlier one still checks.
        await using (var during = await HostAsync(database, ("Mediation:Keys:Token:Keys:early1", EarlierKey)))
        {
            (await Get(during, token)).ShouldBe(HttpStatusCode.OK);
            new JsonWebToken(await TestUsers.TokenAsync(during.Server.CreateClient(), TestUsers.Tester, TestUsers.Password)).Kid.ShouldBe(TestKeys.Id);
        }
        await using var after = await HostAsync(database);
        (await Get(after, token)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    static async Task<Api.Answer> Get(IAlbaHost host, string token)
    {
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return await new Api(client).Get("/api/org/tree");
    }

    [Fact]
    public async Task The_token_key_an_earlier_version_kept_in_the_database_is_deleted_at_start()
    {
        var database = await postgres.CreateDatabaseAsync("oldsecret");
        await SqlAsync(database, """
            create schema if not exists mediation;
            create table mediation.mt_doc_servicesecret (id varchar primary key, data jsonb not null);
            insert into mediation.mt_doc_servicesecret values ('jwt-signing-key', '{"id": "jwt-signing-key", "value": "c2VjcmV0"}');
            create function mediation.mt_upsert_servicesecret(doc jsonb, docid varchar) returns void language sql as 'select 1';
            """);
        await using var host = await HostAsync(database);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancellation);
        await using var check = new NpgsqlCommand(
            "select to_regclass('mediation.mt_doc_servicesecret') is null and not exists (select 1 from pg_proc where proname like 'mt_%_servicesecret')", connection);
        (await check.ExecuteScalarAsync(Cancellation)).ShouldBe(true);
    }

    static async Task SqlAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    [Fact]
    public async Task A_workbench_cookie_from_one_instance_opens_on_another_sharing_the_database_whose_key_ring_is_stored_encrypted()
    {
        var database = await postgres.CreateDatabaseAsync("sharedcookies");
        string[] cookie;
        await using (var first = await HostAsync(database))
        {
            await TestUsers.SignedInAsync(first);
            cookie = await WorkbenchSignInAsync(first.Server.CreateClient());
            (await Page(first.Server.CreateClient(), cookie)).ShouldBe(HttpStatusCode.OK);
        }

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(Cancellation);
            await using var ring = new NpgsqlCommand("select data ->> 'xml' from mediation.mt_doc_storeddataprotectionkey", connection);
            var keys = new List<string>();
            await using (var reader = await ring.ExecuteReaderAsync(Cancellation))
                while (await reader.ReadAsync(Cancellation)) keys.Add(reader.GetString(0));
            keys.ShouldNotBeEmpty();
            keys.ShouldAllBe(k => k.Contains($"<encryptedKey keyId=\"{TestKeys.Id}\"") && !k.Contains("<masterKey"));
        }

        // Another node: its own process and home folder, the same database and keys.
        var home = Directory.CreateTempSubdirectory("mediation-home-").FullName;
        try
        {
            await using var second = ServiceProcess.Start(new Dictionary<string, string?>
            {
                ["ConnectionStrings__Marten"] = database,
                ["HOME"] = home,
                ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
            });
            (await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue(second.Output);
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(second.Url) };
            (await Page(client, cookie)).ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    static async Task<HttpStatusCode> Page(HttpClient client, string[] cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workbench/queue");
        request.Headers.Add("Cookie", string.Join("; ", cookie));
        using var response = await client.SendAsync(request, Cancellation);
        return response.StatusCode;
    }

    /// <summary>The sign-in form as a browser posts it (with its antiforgery token); the session cookie it sets.</summary>
    static async Task<string[]> WorkbenchSignInAsync(HttpClient client)
    {
        using var form = await client.GetAsync("/workbench/sign-in", Cancellation);
        var html = await form.Content.ReadAsStringAsync(Cancellation);
        var antiforgery = Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        antiforgery.ShouldNotBeEmpty(html);
        var cookies = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();

        using var post = new HttpRequestMessage(HttpMethod.Post, "/workbench/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "sign-in",
                ["__RequestVerificationToken"] = antiforgery,
                ["Form.Username"] = TestUsers.Tester,
                ["Form.Password"] = TestUsers.Password,
                ["Form.ReturnUrl"] = "/workbench/queue",
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", cookies));
        using var signedIn = await client.SendAsync(post, Cancellation);
        var session = signedIn.Headers.TryGetValues("Set-Cookie", out var set)
            ? set.Select(c => c.Split(';')[0]).Where(c => c.StartsWith(SecuritySetup.WorkbenchCookie, StringComparison.Ordinal)).ToArray()
            : [];
        session.ShouldNotBeEmpty($"{(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync(Cancellation)}");
        return session;
    }
}
