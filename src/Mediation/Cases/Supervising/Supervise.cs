using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Supervising;

/// <summary>督办: a supervisor's order on an open case.</summary>
public sealed record Supervise(SupervisionKind? Kind, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => SuperviseEndpoint.Command;
}

public static class SuperviseEndpoint
{
    public const string Command = "supervise";

    public static ProblemDetails Validate(Supervise command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Kind, "kind")
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(Supervise command, MediationCase state, DecisionContext context)
    {
        Guards.Open(state, Command);
        var at = context.At;
        return [new SupervisionOrderIssued(command.Kind!.Value, command.Note?.Trim(), at)];
    }

    [WolverinePost("/api/cases/{id}/supervise", OperationId = "SuperviseCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, Supervise command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
