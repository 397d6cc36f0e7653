using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Escalating;

/// <summary>The case goes one level up the tree, to the parent of the node handling it.</summary>
public sealed record Escalate(EscalationReason? Reason, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => EscalateEndpoint.Command;
}

public static class EscalateEndpoint
{
    public const string Command = "escalate";

    public static ProblemDetails Validate(Escalate command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Reason, "reason")
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    /// <summary>The due date stays: escalation does not buy time.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(Escalate command, MediationCase state, DecisionContext context)
    {
        Guards.Handling(state, Command);
        var at = context.At;
        var parent = context.Org.HandlingParentOf(state.HandlingNodeCode)
                     ?? throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.NoLevelAbove,
                         $"it is handled at the {state.Level} {state.HandlingNodeCode}, which has no level above");
        return [new CaseEscalated(command.Reason!.Value, command.Note?.Trim(), state.HandlingNodeCode, state.Level, parent.Id, parent.Level, at)];
    }

    [WolverinePost("/api/cases/{id}/escalate", OperationId = "EscalateCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, Escalate command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
