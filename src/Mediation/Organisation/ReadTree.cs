using Mediation.Cases;
using Mediation.Hosting;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Organisation;

public sealed record TreeNode(string Code, string Name, Level Level, IReadOnlyList<TreeNode> Children);

public static class ReadTreeEndpoints
{
    /// <summary>The organisation tree under the caller's node (the whole tree for a user at no node).</summary>
    [WolverineGet("/api/org/tree", OperationId = "GetOrgTree")]
    public static async Task<IReadOnlyList<TreeNode>> GetTree(HttpContext http, OrgDirectory directory, CancellationToken cancellation)
    {
        var tree = await directory.CurrentAsync(cancellation);
        var user = CurrentUser.From(http);
        // A node of the user's that the tree does not know gives nothing, never the whole tree.
        IReadOnlyList<OrgNode> tops = user.NodeCode is not { } node ? tree.Roots : tree.Find(node) is { } own ? [own] : [];
        return tops.Select(n => Build(tree, n)).ToList();
    }

    static TreeNode Build(OrgTree tree, OrgNode node) =>
        new(node.Id, node.Name, node.Level, tree.ChildrenOf(node.Id).Select(c => Build(tree, c)).ToList());

    [WolverineGet("/api/org/nodes/{code}", OperationId = "GetOrgNode")]
    [ProducesResponseType<NodeView>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetNode(string code, HttpContext http, OrgDirectory directory, CancellationToken cancellation)
    {
        var tree = await directory.CurrentAsync(cancellation);
        return tree.Find(code) is { } node && CurrentUser.From(http).Covers(tree, node.Id)
            ? Results.Ok(NodeView.Of(node))
            : Problems.NoNode(code).ToResult();
    }
}
