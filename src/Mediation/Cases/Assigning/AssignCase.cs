using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Assigning;

/// <summary>The case goes to a grid and a grid worker there; it is then handled at grid level.</summary>
public sealed record AssignCase(string? GridCode, string? Assignee, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => AssignCaseEndpoint.Command;
}

public static class AssignCaseEndpoint
{
    public const string Command = "assign";

    public static ProblemDetails Validate(AssignCase command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.GridCode, "gridCode", 32)
        .Text(command.Assignee, "assignee", 64)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    /// <summary>
    /// Only to a grid under the community or street now handling the case (a case handled at a grid
    /// may move to another grid of the same community).
    /// </summary>
    public static IReadOnlyList<ICaseEvent> Decide(AssignCase command, MediationCase state, DecisionContext context)
    {
        Guards.Handling(state, Command);
        var at = context.At;
        var grid = Grid(command.GridCode, state, context);
        return [new CaseAssigned(grid.Id, command.Assignee!.Trim(), at)];
    }

    /// <summary>The grid a case is assigned to: one under the unit that handles the case.</summary>
    public static Organisation.OrgNode Grid(string? gridCode, MediationCase state, DecisionContext context)
    {
        var scope = context.Org.AssignmentScope(state.HandlingNodeCode);
        // A node that does not exist and one outside the scope are one answer: nothing is told about other parts of the tree.
        if (context.Org.Find(gridCode) is not { } grid || scope is null || !context.Org.IsWithin(grid.Id, scope.Id))
            throw new CaseRefusal.InvalidField("gridCode", RefusalCode.GridOutsideScope,
                $"must be a grid under {scope?.Id ?? state.HandlingNodeCode}, where the case is handled");
        if (grid.Level != Level.Grid)
            throw new CaseRefusal.InvalidField("gridCode", RefusalCode.NotAGrid, $"{grid.Id} is a {grid.Level}, not a grid");
        return grid;
    }

    [WolverinePost("/api/cases/{id}/assign", OperationId = "AssignCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, AssignCase command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
