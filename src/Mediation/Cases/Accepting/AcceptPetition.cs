using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Accepting;

/// <summary>受理: the petition is accepted, with a written or other notice to the petitioner.</summary>
public sealed record AcceptPetition(NoticeMethod? NoticeMethod, string? Reason = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => AcceptPetitionEndpoint.Command;
}

public static class AcceptPetitionEndpoint
{
    public const string Command = "accept";

    public static ProblemDetails Validate(AcceptPetition command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.NoticeMethod, "noticeMethod")
        .Text(command.Reason, "reason", 2000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    /// <summary>The handling deadline starts at acceptance.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(AcceptPetition command, MediationCase state, DecisionContext context)
    {
        ActRules.Accepting(state, Command);
        var at = context.At;
        return [new PetitionAccepted(command.NoticeMethod!.Value, command.Reason?.Trim(), at + context.Deadlines.Petition, at)];
    }

    [WolverinePost("/api/cases/{id}/accept", OperationId = "AcceptPetition")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, AcceptPetition command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
