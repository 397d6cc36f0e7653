using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Accepting;

/// <summary>不予受理: the petition is not accepted; the notice must give the reason.</summary>
public sealed record NotAcceptPetition(NoticeMethod? NoticeMethod, string? Reason, DateTimeOffset? OccurredAt = null) : ICaseCommand
{
    public static string Name => NotAcceptPetitionEndpoint.Command;
}

public static class NotAcceptPetitionEndpoint
{
    public const string Command = "not-accept";

    public static ProblemDetails Validate(NotAcceptPetition command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.NoticeMethod, "noticeMethod")
        .Text(command.Reason, "reason", 2000)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(NotAcceptPetition command, MediationCase state, DecisionContext context)
    {
        Guards.Petition(state, Command);
        Guards.Status(state, Command, CaseStatus.Registered);
        var at = context.BusinessTime(command.OccurredAt, state);
        return [new PetitionNotAccepted(command.NoticeMethod!.Value, command.Reason!.Trim(), at)];
    }

    [WolverinePost("/api/cases/{id}/not-accept", OperationId = "NotAcceptPetition")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, NotAcceptPetition command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
