using Mediation.Cases;

namespace Mediation.Organisation;

/// <summary>
/// A unit of the organisation tree: city, county, street/township, community/village or grid. A tree's root
/// is a city or a county; a city's children are counties.
/// <see cref="Path"/> lists the codes from the root down, so a subtree is a path prefix.
/// </summary>
public sealed record OrgNode
{
    /// <summary>The node's code, e.g. <c>G-0101-01</c>.</summary>
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public Level Level { get; init; }
    public string? ParentCode { get; init; }
    public string Path { get; init; } = "";

    public static string PathOf(string? parentPath, string code) => (parentPath ?? "/") + code + "/";

    /// <summary>Cases are filed and handled here: a county or below, never a city.</summary>
    public bool HandlesCases => Level <= Level.County;

    /// <summary>The levels a case can be handled at, lowest first.</summary>
    public static readonly IReadOnlyList<Level> HandlingLevels = [Level.Grid, Level.Community, Level.Street, Level.County];

    /// <summary>The level a child of a node at <paramref name="level"/> has, if any.</summary>
    public static Level? ChildLevel(Level level) => level == Level.Grid ? null : level - 1;
}
