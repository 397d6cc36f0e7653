using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reopening;

/// <summary>A closed case is taken up again at the node and level it was resolved at.</summary>
public sealed record Reopen(string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => ReopenEndpoint.Command;
}

public static class ReopenEndpoint
{
    public const string Command = "reopen";

    public static ProblemDetails Validate(Reopen command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Reason, "reason", 2000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    /// <summary>The due date does not move (only approved extensions move it): a reopened case may be overdue at once.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(Reopen command, MediationCase state, DecisionContext context)
    {
        ActRules.Reopening(state, Command);
        var at = context.At;
        return [new CaseReopened(command.Reason!.Trim(), state.ResolvedNodeCode ?? state.HandlingNodeCode, state.ResolvedLevel ?? state.Level, at)];
    }

    [WolverinePost("/api/cases/{id}/reopen", OperationId = "ReopenCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, Reopen command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
