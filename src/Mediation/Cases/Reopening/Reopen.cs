using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reopening;

/// <summary>A closed case is taken up again at the node and level it was resolved at.</summary>
public sealed record Reopen(string? Reason, DateTimeOffset? OccurredAt = null) : ICaseCommand
{
    public static string Name => ReopenEndpoint.Command;
}

public static class ReopenEndpoint
{
    public const string Command = "reopen";

    public static ProblemDetails Validate(Reopen command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Reason, "reason", 2000)
        .Result();

    /// <summary>The due date does not move (only approved extensions move it): a reopened case may be overdue at once.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(Reopen command, MediationCase state, DecisionContext context)
    {
        Guards.Status(state, Command, CaseStatus.Closed);
        if (state.ReviewStage == ReviewStage.ReReview)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.FinalAfterReReview, "the petition was re-reviewed, and after re-review the same request is final");
        var at = context.BusinessTime(command.OccurredAt, state);
        return [new CaseReopened(command.Reason!.Trim(), state.ResolvedNodeCode ?? state.HandlingNodeCode, state.ResolvedLevel ?? state.Level, at)];
    }

    [WolverinePost("/api/cases/{id}/reopen", OperationId = "ReopenCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, Reopen command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
