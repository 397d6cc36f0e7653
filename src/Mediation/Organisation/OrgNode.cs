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

    /// <summary>Cases are filed and handled here: a county or below, never a city or a department.</summary>
    public bool HandlesCases => Level <= Level.County;

    /// <summary>A department, to which cases are dispatched.</summary>
    public bool IsDepartment => Level == Level.Department;

    /// <summary>The levels a case can be handled at, lowest first.</summary>
    public static readonly IReadOnlyList<Level> HandlingLevels = [Level.Grid, Level.Community, Level.Street, Level.County];

    /// <summary>The level a child of a node at <paramref name="level"/> has, if any.</summary>
    public static Level? ChildLevel(Level level) => level is Level.Grid or Level.Department ? null : level - 1;

    /// <summary>Whether a node at <paramref name="level"/> may stand under one at <paramref name="parent"/>: the next level down, or a department under a county or street.</summary>
    public static bool MayStandUnder(Level level, Level parent) =>
        level == Level.Department ? parent is Level.County or Level.Street : ChildLevel(parent) == level;
}
