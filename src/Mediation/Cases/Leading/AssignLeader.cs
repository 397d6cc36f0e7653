using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Leading;

/// <summary>
/// 领导包案: a leader answers for a hard case, with the duties they take on and the date it is to be settled by.
/// Assigned again, the new leader replaces the old. The leader is a user of the service (by user name): they see
/// the case wherever it is handled.
/// </summary>
public sealed record AssignLeader(string? Leader, string? Duties, DateTimeOffset? TargetAt, DateTimeOffset? OccurredAt = null, string? LateReason = null)
    : ICaseCommand
{
    public static string Name => AssignLeaderEndpoint.Command;
}

public static class AssignLeaderEndpoint
{
    public const string Command = "assign-leader";

    public static ProblemDetails Validate(AssignLeader command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Leader, "leader", 64)
        .Text(command.Duties, "duties", 2000)
        .Required(command.TargetAt, "targetAt")
        .Require(command.TargetAt is null || command.TargetAt >= DecisionContext.Earliest, "targetAt", FieldMessage.NotBefore2000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(AssignLeader command, MediationCase state, DecisionContext context)
    {
        Guards.Open(state, Command);
        if (command.TargetAt < context.At)
            throw new CaseRefusal.InvalidField("targetAt", RefusalCode.TargetBeforeAssignment, "must not be before the assignment");
        return [new LeaderAssigned(command.Leader!.Trim(), command.Duties!.Trim(), command.TargetAt!.Value, context.At)];
    }

    [WolverinePost("/api/cases/{id}/assign-leader", OperationId = "AssignLeader")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, AssignLeader command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}

/// <summary>The leader a case was assigned to, with the duties, the target date and when they took it on.</summary>
public sealed record CaseLeader(string Leader, string Duties, DateTimeOffset TargetAt, DateTimeOffset AssignedAt);
