using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Closing;

/// <summary>
/// Closing fixes the outcome and the level the case was resolved at; a case with a written agreement is closed
/// with its case file complete (<see cref="Archiving.CaseFileRules.Complete"/>).
/// </summary>
public sealed record CloseCase(DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => CloseCaseEndpoint.Command;
}

public static class CloseCaseEndpoint
{
    public const string Command = "close";

    public static ProblemDetails Validate(CloseCase command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(CloseCase command, MediationCase state, DecisionContext context)
    {
        Guards.Status(state, Command, CaseStatus.Resolved);
        Archiving.CaseFileRules.Complete(state, Command, context.CaseFile);
        var at = context.At;
        return [new CaseClosed(at)];
    }

    [WolverinePost("/api/cases/{id}/close", OperationId = "CloseCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, CloseCase command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
