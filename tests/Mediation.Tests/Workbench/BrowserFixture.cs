using System.Net;
using System.Net.Http.Headers;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The service on a real Kestrel port (a browser needs one), on a database of its own with the small
/// test county and a clerk, a mediator and a supervisor at its root; and Debian's Chromium, headless.
/// </summary>
public sealed class BrowserFixture(PostgresForTests postgres) : IAsyncLifetime
{
    public const string Password = TestUsers.Password;
    public static readonly string Chromium = Environment.GetEnvironmentVariable("MEDIATION_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    const string Install = "apt-get install chromium fonts-wqy-microhei (.ci/run installs them when missing)";

    ServiceProcess? _service;
    IPlaywright? _playwright;
    string? _missing;

    public string BaseAddress { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    /// <summary>Until the statistics read model of the service process shows <paramref name="received"/> cases at the root.</summary>
    public async Task WaitForStatisticsAsync(Api api, long received)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var answer = await api.Get("/api/stats/settlement?nodeCode=C1");
            if (answer.Code == 200 && answer.Body["received"]!.GetValue<long>() >= received && answer.Body["resolved"]!.GetValue<long>() >= 1) return;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException("The statistics read model did not catch up");
    }

    /// <summary>Where screenshots and downloads go: beside the test binaries, git-ignored with them.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "workbench-artifacts")).FullName;

    /// <summary>Skips without Chromium, unless CI is set: there it is required.</summary>
    public void RequireChromium() => RequiredTool.Require(_missing, Install);

    public async ValueTask InitializeAsync()
    {
        // Before the service starts: without a browser there is nothing for it to serve.
        if (!File.Exists(Chromium))
        {
            _missing = $"The workbench's browser tests drive Debian's Chromium, not found at {Chromium}";
            return;
        }

        // The service as its own process on a real port, as a browser needs (WebApplicationFactory's Kestrel
        // mode does not reach the listening stage here: the JasperFx command line takes over the entry point).
        // Development: the component library's files are served from the package cache, as under dotnet run.
        _service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync(nameof(BrowserFixture)),
            ["Mediation__BootstrapAdminPassword"] = TestUsers.AdminPassword,
            ["Mediation__Security__SignInsPerMinute"] = "100000",
            ["Mediation__Security__SignInsPerUserPerMinute"] = "100000",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        });
        if (!await _service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)))
            throw new InvalidOperationException("The service did not start:\n" + _service.Output);
        BaseAddress = _service.Url;

        var admin = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await TestUsers.TokenAsync(admin, SecurityStartup.BootstrapAdmin, TestUsers.AdminPassword));
        Admin = new Api(admin);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
            (await Admin.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        foreach (var (user, role) in new[] { ("clerk", Roles.Clerk), ("mediator", Roles.Mediator), ("supervisor", Roles.Supervisor), ("auditor", Roles.Auditor) })
            (await Admin.Post("/api/users", new { username = user, password = Password, displayName = user, roles = new[] { role }, nodeCode = "C1" }))
                .ShouldBe(HttpStatusCode.Created);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--lang=zh-CN"],
        });
    }

    /// <summary>An API client signed in as one of the fixture's users (to change a case behind a page's back).</summary>
    public async Task<Api> ApiAs(string user)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestUsers.TokenAsync(client, user, Password));
        return new Api(client);
    }

    /// <summary>A fresh browser page at an office screen's size.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress,
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            AcceptDownloads = true,
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_service is not null) await _service.DisposeAsync();
    }
}
