using Mediation.Security;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Security;

/// <summary>
/// What every test host is started with, in this project and in the benchmark's smoke test: the keys,
/// the bootstrap administrator's password, and sign-in limits high enough for tests.
/// </summary>
public static class TestHostSettings
{
    public const string AdminPassword = "bootstrap-admin-password";

    public static IWebHostBuilder WithTestSettings(this IWebHostBuilder builder)
    {
        builder.UseSetting(SecurityStartup.BootstrapPasswordSetting, AdminPassword)
            // Every test host signs in often, as the same users from the same (in-process) address; the limits have their own tests.
            .UseSetting("Mediation:Security:SignInsPerMinute", "100000")
            .UseSetting("Mediation:Security:SignInsPerUserPerMinute", "100000");
        foreach (var (key, value) in TestKeys.Settings) builder.UseSetting(key, value);
        return builder;
    }
}
