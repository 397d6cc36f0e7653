using System.Text.RegularExpressions;
using Marten;
using Mediation.Cases;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Organisation;

public sealed record PutNode(string? Name, Level? Level, string? ParentCode = null);

public static partial class PutNodeEndpoint
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex CodePattern();

    public static ProblemDetails Validate(string code, PutNode command) => command is null ? Problems.MissingBody : new Validation()
        .Require(CodePattern().IsMatch(code), "code", "must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit")
        .Text(command.Name, "name", 100)
        .Enum(command.Level, "level")
        .Require(command.Level is null || command.Level == Level.County || !string.IsNullOrWhiteSpace(command.ParentCode),
            "parentCode", "is required below the county")
        .Require(command.Level is not Level.County || command.ParentCode is null, "parentCode", "must be empty for a county")
        .Result();

    /// <summary>Creates a node under an existing parent one level up, or renames an existing node.</summary>
    [WolverinePut("/api/org/nodes/{code}", OperationId = "PutOrgNode")]
    [ProducesResponseType<NodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<NodeView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Put(string code, PutNode command, IDocumentSession session, OrgDirectory directory, CancellationToken cancellation)
    {
        var level = command.Level!.Value;
        var existing = await session.LoadAsync<OrgNode>(code, cancellation);
        if (existing is not null)
        {
            if (existing.Level != level || existing.ParentCode != command.ParentCode)
                return Problems.Conflict("A node does not move",
                    $"Node {code} is a {existing.Level} under {existing.ParentCode ?? "nothing"}; its level and parent are fixed once created " +
                    "(cases and statistics refer to its place in the tree).").ToResult();
            session.Store(existing with { Name = command.Name!.Trim() });
            await session.SaveChangesAsync(cancellation);
            directory.Invalidate();
            return Results.Ok(NodeView.Of(existing with { Name = command.Name!.Trim() }));
        }

        OrgNode? parent = null;
        if (command.ParentCode is not null)
        {
            parent = await session.LoadAsync<OrgNode>(command.ParentCode, cancellation);
            if (parent is null) return Problems.Invalid("parentCode", $"there is no node {command.ParentCode}").ToResult();
            if (OrgNode.ChildLevel(parent.Level) != level)
                return Problems.Invalid("level", $"a node under the {parent.Level} {parent.Id} must be a {OrgNode.ChildLevel(parent.Level)?.ToString() ?? "nothing: grids have no children"}").ToResult();
        }

        var node = new OrgNode { Id = code, Name = command.Name!.Trim(), Level = level, ParentCode = parent?.Id, Path = OrgNode.PathOf(parent?.Path, code) };
        session.Insert(node);
        await session.SaveChangesAsync(cancellation);
        directory.Invalidate();
        return Results.Created($"/api/org/nodes/{code}", NodeView.Of(node));
    }
}

public sealed record NodeView(string Code, string Name, Level Level, string? ParentCode)
{
    public static NodeView Of(OrgNode node) => new(node.Id, node.Name, node.Level, node.ParentCode);
}
