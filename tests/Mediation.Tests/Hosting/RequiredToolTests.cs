namespace Mediation.Tests.Hosting;

/// <summary>
/// A missing tool skips the test with its install line, or fails it where CI is set. Each run sees one
/// of the two (the variable belongs to the process); <c>.ci/run</c> and a developer's run see both.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class RequiredToolTests
{
    [Fact]
    public void A_present_tool_lets_the_test_run() => RequiredTool.Require(missing: null, "apt-get install it");

    [Fact]
    public void A_missing_tool_skips_the_test_with_its_install_line_unless_CI_is_set()
    {
        var stop = Should.Throw<Exception>(() => RequiredTool.Require("it is not found at /nowhere/it", "apt-get install it"));
        stop.Message.ShouldContain("it is not found at /nowhere/it. Install: apt-get install it");
        if (RequiredTool.InCi) stop.Message.ShouldContain("required because CI is set");
        else stop.Message.ShouldStartWith(Xunit.v3.DynamicSkipToken.Value);
    }
}
