using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Escalating;

/// <summary>The case goes back down to the node it was escalated from (and to whoever held it there).</summary>
public sealed record SendBack(string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => SendBackEndpoint.Command;
}

public static class SendBackEndpoint
{
    public const string Command = "send back";

    public static ProblemDetails Validate(SendBack command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(SendBack command, MediationCase state, DecisionContext context)
    {
        ActRules.SendingBack(state, Command);
        var at = context.At;
        var to = state.EscalatedFrom[^1];
        return [new CaseSentBack(command.Note?.Trim(), state.HandlingNodeCode, state.Level, to.NodeCode, to.Level, to.Assignee, at)];
    }

    [WolverinePost("/api/cases/{id}/send-back", OperationId = "SendCaseBack")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, SendBack command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
