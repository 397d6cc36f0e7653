using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reviewing;

/// <summary>
/// 复查 then 复核: a petitioner who disagrees with the handling opinion asks the level above to review it,
/// within the window after the opinion; the review has its own deadline. After re-review the request is final.
/// </summary>
public sealed record RequestReview(string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RequestReviewEndpoint.Command;
}

public static class RequestReviewEndpoint
{
    public const string Command = "request a review";

    public static ProblemDetails Validate(RequestReview command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Reason, "reason", 2000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RequestReview command, MediationCase state, DecisionContext context)
    {
        var at = context.At;
        ActRules.Reviewing(state, Command, at, context);

        var from = state.ResolvedNodeCode ?? state.HandlingNodeCode;
        var to = context.Org.HandlingParentOf(from) ?? context.Org.Find(from);
        var stage = ActRules.NextReviewStage(state);
        return [new PetitionReviewRequested(stage, command.Reason!.Trim(), from, to?.Id ?? from, to?.Level ?? state.Level, at + context.Deadlines.Review, at)];
    }

    [WolverinePost("/api/cases/{id}/review", OperationId = "RequestPetitionReview")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RequestReview command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
