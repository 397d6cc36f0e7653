using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Accepting;

/// <summary>
/// 不予受理: the petition is not accepted; the notice must give the reason, and may name the authority the
/// petitioner can turn to instead (<see cref="ReferTo"/>).
/// </summary>
public sealed record NotAcceptPetition(NoticeMethod? NoticeMethod, string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null,
    string? ReferTo = null) : ICaseCommand
{
    public static string Name => NotAcceptPetitionEndpoint.Command;
}

public static class NotAcceptPetitionEndpoint
{
    public const string Command = "not-accept";

    public static ProblemDetails Validate(NotAcceptPetition command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.NoticeMethod, "noticeMethod")
        .Text(command.Reason, "reason", 2000)
        .Text(command.ReferTo, "referTo", 200, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(NotAcceptPetition command, MediationCase state, DecisionContext context)
    {
        ActRules.Accepting(state, Command);
        var at = context.At;
        return [new PetitionNotAccepted(command.NoticeMethod!.Value, command.Reason!.Trim(), at, command.ReferTo?.Trim())];
    }

    [WolverinePost("/api/cases/{id}/not-accept", OperationId = "NotAcceptPetition")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, NotAcceptPetition command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
