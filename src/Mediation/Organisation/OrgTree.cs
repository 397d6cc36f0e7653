using System.Collections.Frozen;
using Marten;
using Mediation.Cases;

namespace Mediation.Organisation;

/// <summary>An immutable snapshot of the whole organisation tree, so decisions can consult it purely.</summary>
public sealed class OrgTree
{
    readonly FrozenDictionary<string, OrgNode> _nodes;
    readonly FrozenDictionary<string, OrgNode[]> _children;

    public OrgTree(IEnumerable<OrgNode> nodes)
    {
        _nodes = nodes.ToFrozenDictionary(n => n.Id, StringComparer.Ordinal);
        _children = _nodes.Values
            .Where(n => n.ParentCode is not null)
            .GroupBy(n => n.ParentCode!)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        Roots = _nodes.Values.Where(n => n.ParentCode is null).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        Counties = _nodes.Values.Count(n => n.Level == Level.County);
    }

    /// <summary>How many counties the tree holds (several: a city's, and each case number names its county).</summary>
    public int Counties { get; }

    public IReadOnlyList<OrgNode> Roots { get; }
    public int Count => _nodes.Count;
    public IEnumerable<OrgNode> All => _nodes.Values;

    public OrgNode? Find(string? code) => code is not null && _nodes.TryGetValue(code, out var node) ? node : null;

    public IReadOnlyList<OrgNode> ChildrenOf(string code) => _children.TryGetValue(code, out var children) ? children : [];

    public OrgNode? ParentOf(string code) => Find(Find(code)?.ParentCode);

    /// <summary>The level above a case handled at <paramref name="code"/>: its parent, unless that is a city (a county is a case's top).</summary>
    public OrgNode? HandlingParentOf(string code) => ParentOf(code) is { HandlesCases: true } parent ? parent : null;

    /// <summary>The county <paramref name="code"/> lies in (itself for a county); none for a city.</summary>
    public OrgNode? CountyOf(string code) =>
        Find(code) is { } node ? node.Level == Level.County ? node : node.Level is < Level.County or Level.Department ? CountyOf(node.ParentCode!) : null : null;

    /// <summary>The node and every node below it.</summary>
    public IEnumerable<OrgNode> Subtree(OrgNode node) => _nodes.Values.Where(n => n.Path.StartsWith(node.Path, StringComparison.Ordinal));

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestorCode"/> or lies below it.</summary>
    public bool IsWithin(string code, string ancestorCode) =>
        Find(code) is { } node && Find(ancestorCode) is { } ancestor && node.Path.StartsWith(ancestor.Path, StringComparison.Ordinal);

    /// <summary>The node itself if it is a community, street or county, else its community.</summary>
    public OrgNode? AssignmentScope(string handlingNodeCode) =>
        Find(handlingNodeCode) is { } node ? node.Level == Level.Grid ? ParentOf(node.Id) : node : null;
}

/// <summary>Holds the current <see cref="OrgTree"/>: the tree is small and changes rarely.</summary>
public sealed class OrgDirectory(IDocumentStore store, TimeProvider clock) : Common.KeptWhole<OrgTree>(store, clock)
{
    protected override async Task<OrgTree> LoadAsync(IQuerySession session, CancellationToken cancellation) =>
        new(await session.Query<OrgNode>().ToListAsync(cancellation));
}
