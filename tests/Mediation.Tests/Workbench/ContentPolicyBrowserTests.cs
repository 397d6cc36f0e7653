using System.Net;
using Mediation.Tests.Hosting;
using Microsoft.Playwright;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The content security policies the service sends, as Chromium enforces them: every workbench page and
/// the API reference render with nothing refused by the policy, no script error, and no request leaving
/// the service's own origin (some government networks block everything outside).
/// </summary>
public class ContentPolicyBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    const string RefusedPrefix = "policy refused: ";

    /// <summary>
    /// Logs each refusal of the page's policy to the console (which, unlike the page, outlives a navigation),
    /// with the directive, the source and the first characters of what was refused ('report-sample').
    /// Installed before any of the page's own scripts run.
    /// </summary>
    const string RefusalLogger = """
        document.addEventListener('securitypolicyviolation', e =>
          console.info(`policy refused: ${e.effectiveDirective} ${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber} ${e.sample}`));
        """;

    /// <summary>A page that records what its policy refuses, what it requests, what fails and its script errors.</summary>
    sealed class Watched
    {
        readonly List<string> _problems = [];
        readonly List<string> _requests = [];

        public required IPage Page { get; init; }

        public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

        /// <summary>Everything that went wrong since the last call, except what <paramref name="expected"/> accepts.</summary>
        public IReadOnlyList<string> TakeProblems(string origin, Func<string, bool>? expected = null)
        {
            List<string> problems;
            lock (_problems) { problems = _problems.ToList(); _problems.Clear(); }
            lock (_requests)
                problems.AddRange(_requests.Where(r => !r.StartsWith(origin + "/", StringComparison.Ordinal) && !r.StartsWith("data:", StringComparison.Ordinal))
                    .Select(r => "request outside the service: " + r));
            return problems.Where(p => expected is null || !expected(p)).Distinct().ToList();
        }

        public void Add(string problem) { lock (_problems) _problems.Add(problem); }
        public void Requested(string url) { lock (_requests) _requests.Add(url); }
    }

    async Task<Watched> WatchedPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.AddInitScriptAsync(RefusalLogger);
        var watched = new Watched { Page = page };
        page.Request += (_, request) => watched.Requested(request.Url);
        page.PageError += (_, error) => watched.Add("script error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith(RefusedPrefix, StringComparison.Ordinal)) watched.Add(message.Text);
            // The browser's own words for a refusal (logged above with its detail) or a failed load (below, with its address).
            else if (message.Type == "error" && !message.Text.Contains("Content Security Policy", StringComparison.Ordinal)
                     && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                watched.Add("console: " + message.Text);
            // Blazor's word when enhanced navigation gives up and loads the whole page instead.
            else if (message.Type == "warning" && message.Text.StartsWith("Enhanced navigation failed", StringComparison.Ordinal))
                watched.Add("console: " + message.Text);
        };
        page.Response += (_, response) => { if (response.Status >= 400) watched.Add($"{response.Status} {response.Url}"); };
        page.RequestFailed += (_, request) => watched.Add($"failed request ({request.ResourceType}): {request.Url} {request.Failure}");
        return watched;
    }

    static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/workbench");
        await page.WaitForURLAsync("**/workbench/sign-in**");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", BrowserFixture.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=user]");
        // The landing page's own loads finish before the test navigates: a load cut short by the next
        // navigation is reported as failed, and would be taken for a refusal.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    [Fact]
    public async Task Every_workbench_page_renders_under_the_policy_with_nothing_refused()
    {
        fixture.RequireChromium();
        var clerk = await fixture.ApiAs("clerk");
        var filed = (await clerk.Post("/api/cases", new
        {
            kind = "Dispute", channel = "WalkIn", category = "Neighbour", summary = "楼道堆物", nodeCode = "S1C1",
            parties = new[] { new { role = "Applicant", name = "钱一" } },
        })).ShouldBe(HttpStatusCode.Created);
        var number = filed.Body["caseNumber"]!.GetValue<string>();

        var watched = await WatchedPageAsync();
        var page = watched.Page;
        await page.GotoAsync("/workbench/sign-in");
        await page.WaitForSelectorAsync("#username");
        watched.TakeProblems(fixture.BaseAddress).ShouldBeEmpty("/workbench/sign-in");

        await SignInAsync(page, "supervisor");
        foreach (var path in new[]
                 {
                     "/workbench/queue", "/workbench/queue?status=Registered&overdue=false", "/workbench/intake",
                     $"/workbench/cases/{filed.Id}", $"/workbench/cases/{filed.Id}?unmask=true&reason=%E6%A0%B8%E5%AF%B9%E8%BA%AB%E4%BB%BD",
                     "/workbench/dashboard", "/workbench/reports", $"/workbench/audit?case={number}",
                 })
        {
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("[data-testid=user]");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            watched.TakeProblems(fixture.BaseAddress).ShouldBeEmpty(path);
        }

        // Each action's dialog, opened, and a refusal shown in it.
        await page.GotoAsync($"/workbench/cases/{filed.Id}");
        foreach (var button in await page.Locator("[data-action]").AllAsync())
        {
            await button.ClickAsync();
            var dialog = page.Locator("dialog[open]");
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await dialog.Locator("[data-close]").First.ClickAsync();
        }
        watched.TakeProblems(fixture.BaseAddress).ShouldBeEmpty("the case's dialogs");

        // The dashboard's charts, their tooltips shown.
        await page.GotoAsync("/workbench/dashboard");
        foreach (var chart in await page.Locator("[data-chart]").AllAsync())
        {
            await chart.ScrollIntoViewIfNeededAsync();
            var box = await chart.BoundingBoxAsync();
            if (box is not null) await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
            await page.WaitForTimeoutAsync(200);
        }
        watched.TakeProblems(fixture.BaseAddress).ShouldBeEmpty("the dashboard's charts");

        // Enhanced navigation (Blazor patches the page in place) and the page a role may not open.
        await page.ClickAsync("a[href='/workbench/queue']");
        await page.WaitForURLAsync("**/workbench/queue");
        // The page came whole: its list, with the case filed above.
        await Assertions.Expect(page.Locator("[data-testid=queue]")).ToContainTextAsync(number);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // Under load Chromium now and then reports the navigation's own fetch as aborted after Blazor has
        // patched the page from it, with no script error and no second request: the page above is what the
        // user gets, so that report alone is no refusal.
        watched.TakeProblems(fixture.BaseAddress, p => p == $"failed request (fetch): {fixture.BaseAddress}/workbench/queue net::ERR_ABORTED")
            .ShouldBeEmpty("enhanced navigation");

        var clerkPage = await WatchedPageAsync();
        await SignInAsync(clerkPage.Page, "clerk");
        var forbidden = await clerkPage.Page.GotoAsync("/workbench/dashboard");
        forbidden!.Status.ShouldBe(403);
        clerkPage.TakeProblems(fixture.BaseAddress, p => p == $"403 {fixture.BaseAddress}/workbench/dashboard").ShouldBeEmpty("the forbidden page");
    }

    /// <summary>
    /// What Scalar's bundle does that the reference page's policy refuses and may refuse: Zod's probe for
    /// <c>Function</c> (caught; Zod then works without it), and the line-number widths of code examples,
    /// custom properties in generated markup whose values vary with the example (numbers still show).
    /// </summary>
    static bool ExpectedOfScalar(string problem) =>
        problem.StartsWith(RefusedPrefix + "script-src eval at ", StringComparison.Ordinal) && problem.Contains("/scalar/scalar.js:", StringComparison.Ordinal)
            && problem.EndsWith("(function anonymous(\n) {\n\n})", StringComparison.Ordinal)
        || problem.StartsWith(RefusedPrefix + "style-src-attr inline at ", StringComparison.Ordinal) && problem.Contains("/scalar/scalar.js:", StringComparison.Ordinal)
            && problem.Contains(" --line-count: ", StringComparison.Ordinal);

    [Fact]
    public async Task The_API_reference_renders_from_the_service_alone_under_its_policy()
    {
        fixture.RequireChromium();
        var watched = await WatchedPageAsync();
        var page = watched.Page;
        var document = page.WaitForResponseAsync("**/openapi/v1.json");
        await page.GotoAsync("/scalar/");
        (await document).Status.ShouldBe(200);
        // Rendered from the document: the sidebar links each operation; one opened, and tried in Scalar's client.
        await page.Locator("a[href*='/GET/api/'], a[href*='/POST/api/']").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "api-reference.png") });

        watched.TakeProblems(fixture.BaseAddress, ExpectedOfScalar).ShouldBeEmpty();
        watched.Requests.ShouldContain(fixture.BaseAddress + "/scalar/scalar.js");
    }
}
