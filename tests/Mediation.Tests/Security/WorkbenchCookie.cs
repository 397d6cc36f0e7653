using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Mediation.Security;
using Microsoft.AspNetCore.Http;

namespace Mediation.Tests.Security;

/// <summary>The workbench's sign-in form posted as a browser posts it, and pages asked for with the cookie it gives.</summary>
public static partial class WorkbenchCookie
{
    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();

    /// <summary>The Set-Cookie header of the session cookie (null when the sign-in failed).</summary>
    /// <param name="client">Sets the connection's address and headers of both requests, as a proxy in front would.</param>
    public static async Task<string?> SignInAsync(IAlbaHost host, string user, string password, Action<Scenario>? client = null)
    {
        var page = await host.Scenario(s =>
        {
            s.Get.Url("/workbench/sign-in");
            client?.Invoke(s);
        });
        var html = await page.ReadAsTextAsync();
        var antiforgery = page.Context.Response.Headers.SetCookie.Select(c => c!.Split(';')[0]).ToList();
        var form = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["Form.Username"] = user;
        form["Form.Password"] = password;
        form["Form.ReturnUrl"] = "/workbench";
        var posted = await host.Scenario(s =>
        {
            s.Post.FormData(form).ToUrl("/workbench/sign-in");
            s.WithRequestHeader("Cookie", string.Join("; ", antiforgery));
            client?.Invoke(s);
            s.IgnoreStatusCode();
        });
        return posted.Context.Response.Headers.SetCookie.FirstOrDefault(c => c!.StartsWith(SecuritySetup.WorkbenchCookie + "=", StringComparison.Ordinal));
    }

    /// <summary>The status of a workbench page (or a GET under /api) asked for with the cookie; a redirect's Location.</summary>
    public static async Task<(int Status, string? Location)> GetAsync(IAlbaHost host, string setCookie, string path)
    {
        var answer = await host.Scenario(s =>
        {
            s.Get.Url(path);
            s.WithRequestHeader("Cookie", setCookie.Split(';')[0]);
            s.IgnoreStatusCode();
        });
        return (answer.Context.Response.StatusCode, answer.Context.Response.Headers.Location.FirstOrDefault());
    }

    /// <summary>Signed in and let into the workbench (its start page sends each role on to its own page).</summary>
    public static async Task<string> SignedInAsync(IAlbaHost host, string user, string password)
    {
        var cookie = await SignInAsync(host, user, password);
        cookie.ShouldNotBeNull($"{user} got no session cookie");
        var start = await GetAsync(host, cookie, "/workbench");
        (start.Status == StatusCodes.Status200OK || (start.Status == StatusCodes.Status302Found && !IsSignIn(start.Location)))
            .ShouldBeTrue($"{user} was not let in: {start}");
        return cookie;
    }

    public static bool IsSignIn(string? location) => location?.StartsWith("/workbench/sign-in", StringComparison.Ordinal) == true;
}
