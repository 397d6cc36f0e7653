using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Sessions;

/// <summary>
/// A party expressly refuses mediation. Mediation cannot go on: no session is recorded until the case
/// is escalated, sent back, reassigned or concluded.
/// </summary>
public sealed record RecordRefusal(PartyRole? PartyRole, string? Note, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecordRefusalEndpoint.Command;
}

public static class RecordRefusalEndpoint
{
    public const string Command = "record a refusal";

    public static ProblemDetails Validate(RecordRefusal command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.PartyRole, "partyRole")
        .Text(command.Note, "note", 4000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecordRefusal command, MediationCase state, DecisionContext context)
    {
        Guards.Handling(state, Command);
        var at = context.At;
        return [new MediationRefused(command.PartyRole!.Value, command.Note!.Trim(), at)];
    }

    [WolverinePost("/api/cases/{id}/refusal", OperationId = "RecordRefusal")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordRefusal command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
