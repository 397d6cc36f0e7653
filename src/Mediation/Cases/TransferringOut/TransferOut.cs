using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.TransferringOut;

/// <summary>The case leaves the mediation system for a court, arbitration, review, discipline or police; it is concluded.</summary>
public sealed record TransferOut(TransferTarget? Target, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => TransferOutEndpoint.Command;
}

public static class TransferOutEndpoint
{
    public const string Command = "transfer out";

    public static ProblemDetails Validate(TransferOut command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Target, "target")
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(TransferOut command, MediationCase state, DecisionContext context)
    {
        Guards.Open(state, Command);
        var at = context.At;
        return [new CaseTransferredOut(command.Target!.Value, command.Note?.Trim(), state.Level, at)];
    }

    [WolverinePost("/api/cases/{id}/transfer-out", OperationId = "TransferCaseOut")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, TransferOut command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
