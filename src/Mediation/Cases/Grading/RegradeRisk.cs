using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Grading;

/// <summary>The case's risk graded again, in the four colours, with why: at any time while it is open.</summary>
public sealed record RegradeRisk(RiskColour? Colour, string? Reason, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RegradeRiskEndpoint.Command;
}

public static class RegradeRiskEndpoint
{
    public const string Command = "regrade-risk";

    public static ProblemDetails Validate(RegradeRisk command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Colour, "colour")
        .Text(command.Reason, "reason", 1000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RegradeRisk command, MediationCase state, DecisionContext context)
    {
        Guards.Open(state, Command);
        var colour = command.Colour!.Value;
        if (state.RiskColour == colour)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.SameRiskColour, $"the case is graded {colour} already", colour);
        var reason = command.Reason!.Trim();
        var regraded = new RiskRegraded(state.RiskColour, colour, reason, context.At);
        return ToCounty(colour, state.HandlingNodeCode, state.Level, reason, context.At, context.Org) is { } escalated ? [regraded, escalated] : [regraded];
    }

    /// <summary>
    /// A red case handled below its county goes straight to the county, skipping the levels between: the
    /// escalation that goes with grading it red (at filing or later). None for any other colour, or at the county.
    /// </summary>
    public static CaseEscalated? ToCounty(RiskColour colour, string handlingNodeCode, Level level, string? note, DateTimeOffset at, OrgTree org) =>
        colour == RiskColour.Red && level < Level.County && org.CountyOf(handlingNodeCode) is { } county
            ? new CaseEscalated(EscalationReason.HighRisk, note, handlingNodeCode, level, county.Id, county.Level, at)
            : null;

    [WolverinePost("/api/cases/{id}/regrade-risk", OperationId = "RegradeRisk")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RegradeRisk command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
