using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Resolving;

/// <summary>
/// The case is concluded with an outcome, at the level now handling it. Disputes: agreement (with its
/// form, amount and performance due date), withdrawal or termination. Petitions may instead get a
/// handling opinion; help requests are done.
/// </summary>
public sealed record Resolve(
    Outcome? Outcome = null,
    AgreementForm? AgreementForm = null,
    decimal? Amount = null,
    DateTimeOffset? PerformanceDueAt = null,
    Opinion? Opinion = null,
    string? Note = null,
    DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => ResolveEndpoint.Command;
}

public static class ResolveEndpoint
{
    public const string Command = "resolve";
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static ProblemDetails Validate(Resolve command) => command is null ? Problems.MissingBody : new Validation()
        .Enum(command.Outcome, "outcome", required: false)
        .Require(command.Outcome != Outcome.TransferredOut, "outcome", FieldMessage.TransferIsItsOwnCommand)
        .Enum(command.AgreementForm, "agreementForm", required: false)
        .Enum(command.Opinion, "opinion", required: false)
        .Require(command.Amount is null or >= 0, "amount", FieldMessage.NotNegative)
        .Require(command.Amount is null or <= MaxAmount, "amount", FieldMessage.ImplausibleAmount)
        .Require(command.Amount is null || decimal.Round(command.Amount.Value, 2) == command.Amount, "amount", FieldMessage.AtMostTwoDecimals)
        .Require(command.PerformanceDueAt is null || command.PerformanceDueAt >= DecisionContext.Earliest, "performanceDueAt", FieldMessage.NotBefore2000)
        .Text(command.Note, "note", 4000, required: false)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    static readonly IReadOnlyDictionary<CaseKind, Outcome[]> OutcomesByKind = new Dictionary<CaseKind, Outcome[]>
    {
        [CaseKind.Dispute] = [Outcome.AgreementReached, Outcome.Withdrawn, Outcome.TerminatedUnresolved],
        [CaseKind.Petition] = [Outcome.OpinionIssued, Outcome.AgreementReached, Outcome.Withdrawn, Outcome.TerminatedUnresolved],
        [CaseKind.HelpRequest] = [Outcome.Done, Outcome.Withdrawn, Outcome.TerminatedUnresolved],
    };

    public static IReadOnlyList<ICaseEvent> Decide(Resolve command, MediationCase state, DecisionContext context)
    {
        Guards.Handling(state, Command);
        // A petition's handling opinion is its outcome when no other is named.
        var outcome = command.Outcome ?? (state.Kind == CaseKind.Petition && command.Opinion is not null ? Outcome.OpinionIssued : (Outcome?)null)
                      ?? throw new CaseRefusal.InvalidField("outcome", RefusalCode.OutcomeRequired, "is required");
        var resolved = new CaseResolved(outcome, command.AgreementForm, command.Amount, command.PerformanceDueAt, command.Opinion,
            command.Note?.Trim(), state.Level, state.HandlingNodeCode, context.At);
        CheckOutcome(resolved, state.Kind);
        return [resolved];
    }

    /// <summary>An outcome the case's kind can end with, and the fields that go with it (as resolved, or as corrected).</summary>
    public static void CheckOutcome(CaseResolved resolved, CaseKind kind)
    {
        var allowed = OutcomesByKind[kind];
        if (!allowed.Contains(resolved.Outcome))
            throw new CaseRefusal.InvalidField("outcome", RefusalCode.OutcomeNotForKind, $"a {kind} is resolved with {string.Join(", ", allowed)}");

        var agreement = resolved.Outcome == Outcome.AgreementReached;
        if (agreement && resolved.AgreementForm is null)
            throw new CaseRefusal.InvalidField("agreementForm", RefusalCode.RequiredForAgreement, "is required for an agreement");
        if (!agreement && resolved.AgreementForm is not null)
            throw new CaseRefusal.InvalidField("agreementForm", RefusalCode.OnlyForAgreement, "is only for an agreement");
        if (!agreement && resolved.Amount is not null)
            throw new CaseRefusal.InvalidField("amount", RefusalCode.OnlyForAgreement, "is only for an agreement");
        if (!agreement && resolved.PerformanceDueAt is not null)
            throw new CaseRefusal.InvalidField("performanceDueAt", RefusalCode.OnlyForAgreement, "is only for an agreement");
        if (resolved.PerformanceDueAt is { } due && due < resolved.OccurredAt)
            throw new CaseRefusal.InvalidField("performanceDueAt", RefusalCode.PerformanceDueBeforeAgreement, "must not be before the agreement");
        if (resolved.Outcome == Outcome.OpinionIssued && resolved.Opinion is null)
            throw new CaseRefusal.InvalidField("opinion", RefusalCode.RequiredForOpinion, "is required for a handling opinion");
        if (resolved.Outcome != Outcome.OpinionIssued && resolved.Opinion is not null)
            throw new CaseRefusal.InvalidField("opinion", RefusalCode.OnlyForOpinion, "is only for a petition's handling opinion");
    }

    [WolverinePost("/api/cases/{id}/resolve", OperationId = "ResolveCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, Resolve command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
