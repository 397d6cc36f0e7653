using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Performance;

/// <summary>Whether the parties carried out their agreement; may be recorded again as it progresses.</summary>
public sealed record RecordPerformance(PerformanceResult? Result, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecordPerformanceEndpoint.Command;
}

public static class RecordPerformanceEndpoint
{
    public const string Command = "record performance";

    public static ProblemDetails Validate(RecordPerformance command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Result, "result")
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecordPerformance command, MediationCase state, DecisionContext context)
    {
        ActRules.Performance(state, Command);
        var at = context.At;
        return [new PerformanceRecorded(command.Result!.Value, command.Note?.Trim(), at)];
    }

    [WolverinePost("/api/cases/{id}/performance", OperationId = "RecordPerformance")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordPerformance command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
