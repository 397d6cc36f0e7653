using System.Reflection;
using Mediation.Tests.Cases;

namespace Mediation.Tests;

/// <summary>
/// The tests that need no database, no host and no browser, marked with this trait so that they can be
/// run alone in seconds: <c>dotnet test --project tests/Mediation.Tests -- --filter-trait "Lane=Fast"</c>.
/// </summary>
public static class FastLane
{
    public const string Trait = "Lane";
    public const string Value = "Fast";
}

/// <summary>What a fast-lane class may not do: take a fixture, which is where the database, hosts and browser come from.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class FastLaneTests
{
    static IEnumerable<Type> FastLaneClasses => typeof(FastLane).Assembly.GetTypes()
        .Where(t => t.GetCustomAttributes<TraitAttribute>().Any(a => a.Name == FastLane.Trait && a.Value == FastLane.Value));

    [Fact]
    public void The_fast_lane_holds_the_pure_tests()
    {
        FastLaneClasses.ShouldContain(typeof(DecisionMatrixTests));
        FastLaneClasses.ShouldContain(typeof(DomainBoundaryTests));
    }

    [Fact]
    public void No_fast_lane_class_takes_a_fixture()
    {
        foreach (var type in FastLaneClasses)
        {
            type.GetConstructors().ShouldAllBe(c => c.GetParameters().Length == 0, $"{type.Name} takes a fixture");
            type.GetInterfaces().ShouldNotContain(i => i.IsGenericType &&
                (i.GetGenericTypeDefinition() == typeof(IClassFixture<>) || i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>)),
                $"{type.Name} takes a fixture");
        }
    }
}
