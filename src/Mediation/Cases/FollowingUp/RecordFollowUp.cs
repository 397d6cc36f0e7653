using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.FollowingUp;

/// <summary>回访: a follow-up visit after resolution, with the party's satisfaction.</summary>
public sealed record RecordFollowUp(Satisfaction? Satisfaction, string? Note = null, DateTimeOffset? OccurredAt = null) : ICaseCommand
{
    public static string Name => RecordFollowUpEndpoint.Command;
}

public static class RecordFollowUpEndpoint
{
    public const string Command = "follow up";

    public static ProblemDetails Validate(RecordFollowUp command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Satisfaction, "satisfaction")
        .Text(command.Note, "note", 4000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecordFollowUp command, MediationCase state, DecisionContext context)
    {
        Guards.Status(state, Command, CaseStatus.Resolved);
        var at = context.BusinessTime(command.OccurredAt, state);
        return [new FollowUpRecorded(command.Satisfaction!.Value, command.Note?.Trim(), at)];
    }

    [WolverinePost("/api/cases/{id}/follow-up", OperationId = "RecordFollowUp")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordFollowUp command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
