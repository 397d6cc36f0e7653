using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Deadlines;

/// <summary>An approved extension of the handling deadline, within the policy's limit per kind.</summary>
public sealed record ExtendDeadline(int? Days, string? Approver, string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => ExtendDeadlineEndpoint.Command;
}

public static class ExtendDeadlineEndpoint
{
    public const string Command = "extend the deadline";

    public static ProblemDetails Validate(ExtendDeadline command) => command is null ? Problems.MissingBody : new Validation()
        .Required(command.Days, "days")
        .Within(command.Days, "days", 1, 90)
        .Text(command.Approver, "approver", 64)
        .Text(command.Reason, "reason", 2000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(ExtendDeadline command, MediationCase state, DecisionContext context)
    {
        var days = command.Days!.Value;
        ActRules.Extending(state, Command, days, context);
        var at = context.At;
        return [new DeadlineExtended(days, command.Approver!.Trim(), command.Reason!.Trim(), state.DueAt, state.DueAt.AddDays(days), at)];
    }

    [WolverinePost("/api/cases/{id}/extend-deadline", OperationId = "ExtendDeadline")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ExtendDeadline command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
