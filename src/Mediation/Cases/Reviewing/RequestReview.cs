using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Reviewing;

/// <summary>
/// 复查 then 复核: a petitioner who disagrees with the handling opinion asks the level above to review it,
/// within the window after the opinion; the review has its own deadline. After re-review the request is final.
/// </summary>
public sealed record RequestReview(string? Reason, DateTimeOffset? OccurredAt = null) : ICaseCommand
{
    public static string Name => RequestReviewEndpoint.Command;
}

public static class RequestReviewEndpoint
{
    public const string Command = "request a review";

    public static ProblemDetails Validate(RequestReview command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.Reason, "reason", 2000)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RequestReview command, MediationCase state, DecisionContext context)
    {
        Guards.Petition(state, Command);
        Guards.Status(state, Command, CaseStatus.Resolved, CaseStatus.Closed);
        if (state.Outcome != Outcome.OpinionIssued)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.NotAnOpinion, $"only a handling opinion is reviewed, and this petition ended {state.Outcome}");
        if (state.ReviewStage == ReviewStage.ReReview)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.FinalAfterReReview, "the petition was already re-reviewed; the request is final");
        var at = context.BusinessTime(command.OccurredAt, state);
        if (at - state.ResolvedAt > context.Deadlines.ReviewRequestWindow)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ReviewWindowPassed,
                $"a review must be requested within {context.Deadlines.ReviewRequestWindow.TotalDays:0} days of the opinion of {state.ResolvedAt:yyyy-MM-dd}",
                (int)context.Deadlines.ReviewRequestWindow.TotalDays);

        var from = state.ResolvedNodeCode ?? state.HandlingNodeCode;
        var to = context.Org.ParentOf(from) ?? context.Org.Find(from);
        var stage = state.ReviewStage == ReviewStage.None ? ReviewStage.Review : ReviewStage.ReReview;
        return [new PetitionReviewRequested(stage, command.Reason!.Trim(), from, to?.Id ?? from, to?.Level ?? state.Level, at + context.Deadlines.Review, at)];
    }

    [WolverinePost("/api/cases/{id}/review", OperationId = "RequestPetitionReview")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RequestReview command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
