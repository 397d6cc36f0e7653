using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Dispatching;

/// <summary>The centre takes a department's open task back, with why; the unit may be dispatched to again.</summary>
public sealed record RecallDispatch(string? UnitCode, string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecallDispatchEndpoint.Command;
}

public static class RecallDispatchEndpoint
{
    public const string Command = "recall-dispatch";

    public static ProblemDetails Validate(RecallDispatch command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.UnitCode, "unitCode", 32)
        .Text(command.Reason, "reason", 1000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecallDispatch command, MediationCase state, DecisionContext context)
    {
        // Validation requires the unit; only the workbench's probe comes without one.
        var unit = command.UnitCode?.Trim();
        Recording.ActRules.OpenTask(state, Command, unit);
        return [new DispatchRecalled(unit ?? "", command.Reason!.Trim(), context.At)];
    }

    [WolverinePost("/api/cases/{id}/recall-dispatch", OperationId = "RecallDispatch")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecallDispatch command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
