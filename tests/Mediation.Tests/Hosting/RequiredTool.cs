namespace Mediation.Tests.Hosting;

/// <summary>
/// A tool from outside .NET that some tests drive (Chromium, Node.js). On a developer's machine without
/// it those tests are skipped with the line that installs it; where the environment variable <c>CI</c> is
/// set they are required, and fail instead, so that a build server cannot pass by skipping them.
/// </summary>
public static class RequiredTool
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 };

    /// <summary>Nothing when <paramref name="missing"/> is null; else skips the test, or fails it under CI.</summary>
    /// <param name="missing">Why the tool is not usable here, or null when it is.</param>
    /// <param name="install">How to install it.</param>
    public static void Require(string? missing, string install)
    {
        if (missing is null) return;
        var why = $"{missing}. Install: {install}";
        if (InCi) Assert.Fail(why + " (required because CI is set)");
        Assert.Skip(why);
    }
}
