using System.Text.RegularExpressions;
using Marten;
using Mediation.Cases;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Organisation;

public sealed record PutNode(string? Name, Level? Level, string? ParentCode = null);

public static partial class PutNodeEndpoint
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex CodePattern();

    public static ProblemDetails Validate(string code, PutNode command) => command is null ? Problems.MissingBody : new Validation()
        .Require(CodePattern().IsMatch(code), "code", FieldMessage.NodeCodeShape)
        .Text(command.Name, "name", 100)
        .Enum(command.Level, "level")
        .Require(command.Level is null or Level.County or Level.City || !string.IsNullOrWhiteSpace(command.ParentCode),
            "parentCode", FieldMessage.RequiredBelowCounty)
        .Require(command.Level is not Level.City || command.ParentCode is null, "parentCode", FieldMessage.EmptyForCity)
        .Result();

    /// <summary>Creates a node under an existing parent one level up, or renames an existing node.</summary>
    [WolverinePut("/api/org/nodes/{code}", OperationId = "PutOrgNode")]
    [ProducesResponseType<NodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<NodeView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static Task<IResult> Put(string code, PutNode command, HttpContext http, IDocumentSession session, OrgDirectory directory,
        CancellationToken cancellation) =>
        PutAsync(code, command, CurrentUser.From(http), session, directory, cancellation);

    /// <summary>
    /// The node put by <paramref name="user"/> (the endpoint's caller, or the seed command), within their
    /// jurisdiction: a rename needs the node in it, a new node its parent, a new root (a city, or a county
    /// under no city) the whole tree. A node outside the jurisdiction is answered as one that does not exist.
    /// </summary>
    public static async Task<IResult> PutAsync(string code, PutNode command, CurrentUser user, IDocumentSession session, OrgDirectory directory,
        CancellationToken cancellation)
    {
        var level = command.Level!.Value;
        // Decided on the caller's own jurisdiction and the level asked for, before anything is looked up:
        // the refusal says nothing about which counties exist.
        if (command.ParentCode is null && user.NodeCode is not null)
            return Problems.Forbidden("A root of the tree needs an administrator of the whole tree",
                $"Your jurisdiction is {user.NodeCode}; a node under no parent is a root of the tree, above every node but the whole tree.").ToResult();

        // Read here rather than from the cached tree: a node created a moment ago elsewhere counts.
        var nodes = (await session.LoadManyAsync<OrgNode>(cancellation, new[] { code, command.ParentCode, user.NodeCode }.OfType<string>().Distinct()))
            .ToDictionary(n => n.Id);
        var jurisdiction = user.NodeCode is null ? null : nodes.GetValueOrDefault(user.NodeCode);
        bool Within(OrgNode node) => user.NodeCode is null || (jurisdiction is not null && node.Path.StartsWith(jurisdiction.Path, StringComparison.Ordinal));

        if (nodes.GetValueOrDefault(code) is { } existing)
        {
            if (!Within(existing)) return Problems.NoNode(code).ToResult();
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
            parent = nodes.GetValueOrDefault(command.ParentCode);
            if (parent is null || !Within(parent)) return Problems.NoNode(command.ParentCode).ToResult();
            if (!OrgNode.MayStandUnder(level, parent.Level))
                return Problems.Invalid("level", FieldMessage.ChildLevel($"{parent.Level} {parent.Id}", OrgNode.ChildLevel(parent.Level)?.ToString() ?? "nothing: grids have no children")).ToResult();
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
