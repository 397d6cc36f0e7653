using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.FollowingUp;

/// <summary>回访: a follow-up visit after resolution (often after closing), with the party's satisfaction; a dissatisfied party raises a supervision order.</summary>
public sealed record RecordFollowUp(Satisfaction? Satisfaction, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecordFollowUpEndpoint.Command;
}

public static class RecordFollowUpEndpoint
{
    public const string Command = "follow up";

    public static ProblemDetails Validate(RecordFollowUp command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Satisfaction, "satisfaction")
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecordFollowUp command, MediationCase state, DecisionContext context)
    {
        ActRules.FollowingUp(state, Command);
        var at = context.At;
        FollowUpRecorded visit = new(command.Satisfaction!.Value, command.Note?.Trim(), at);
        // A dissatisfied party is a case a supervisor must look at again, closed or not.
        return visit.Satisfaction == Satisfaction.Dissatisfied
            ? [visit, new SupervisionOrderIssued(SupervisionKind.Reminder, command.Note?.Trim(), at, SupervisionCause.DissatisfiedFollowUp)]
            : [visit];
    }

    [WolverinePost("/api/cases/{id}/follow-up", OperationId = "RecordFollowUp")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordFollowUp command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
