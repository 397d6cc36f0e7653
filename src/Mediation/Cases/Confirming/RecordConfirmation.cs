using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Confirming;

/// <summary>
/// A step of the judicial confirmation (司法确认) of the agreement in effect: the parties' joint
/// application to a court, the court's ruling (with its number), or an application for enforcement. Its
/// business time is when it happened (<c>at</c>).
/// </summary>
public sealed record RecordConfirmation(
    ConfirmationStep? Event,
    string? Court,
    DateTimeOffset? At = null,
    string? RulingNumber = null,
    DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecordConfirmationEndpoint.Command;

    public DateTimeOffset? BusinessTime => At ?? OccurredAt;
}

public static class RecordConfirmationEndpoint
{
    public const string Command = "record a judicial confirmation";

    public static ProblemDetails Validate(RecordConfirmation command)
    {
        if (command is null) return Problems.MissingBody;
        var ruling = command.Event is ConfirmationStep.Confirmed or ConfirmationStep.Rejected;
        return new Validation()
            .Enum(command.Event, "event")
            .Text(command.Court, "court", 200)
            .Require(!ruling || !string.IsNullOrWhiteSpace(command.RulingNumber), "rulingNumber", FieldMessage.RequiredForRuling)
            .Require(ruling || command.RulingNumber is null, "rulingNumber", FieldMessage.OnlyForRuling)
            .Text(command.RulingNumber, "rulingNumber", 100, required: false)
            .Require(command.OccurredAt is null || command.At is null || command.At == command.OccurredAt, "occurredAt", FieldMessage.EqualsAt)
            .Text(command.LateReason, "lateReason", 1000, required: false)
            .Result();
    }

    public static IReadOnlyList<ICaseEvent> Decide(RecordConfirmation command, MediationCase state, DecisionContext context)
    {
        var court = command.Court!.Trim();
        ICaseEvent act = command.Event switch
        {
            ConfirmationStep.Applied => new ConfirmationApplied(court, context.At),
            ConfirmationStep.Confirmed => new ConfirmationRuled(ConfirmationRuling.Confirmed, court, command.RulingNumber!.Trim(), context.At),
            ConfirmationStep.Rejected => new ConfirmationRuled(ConfirmationRuling.Rejected, court, command.RulingNumber!.Trim(), context.At),
            _ => new EnforcementApplied(court, context.At),
        };
        Check(act, state, context);
        return [act];
    }

    /// <summary>
    /// The joint application once, for an agreement in effect and within the window from its effect; the
    /// ruling once, after the application; enforcement once, after a confirmation. Held to this again
    /// wherever it stands in time.
    /// </summary>
    public static void Check(ICaseEvent act, MediationCase state, DecisionContext context)
    {
        ActRules.Confirming(state, Command);
        var applied = state.Confirmation;
        switch (act)
        {
            case ConfirmationApplied a:
                if (state.Agreement?.EffectiveAt is not { } effective)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.AgreementNotInEffect,
                        "the agreement is not in effect: it is confirmed by a court once every signature (and the seal) is given");
                if (applied is not null)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationOutOfOrder,
                        $"the joint application was made on {applied.AppliedAt.ToOffset(ChinaStandardTime.Offset):O}", "Applied");
                var window = context.Deadlines.JudicialConfirmation;
                if (a.OccurredAt > effective + window)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationWindowPassed,
                        $"the joint application is made within {window.TotalDays:0.##} days of the agreement taking effect on {effective.ToOffset(ChinaStandardTime.Offset):O}",
                        window.TotalDays, effective.ToOffset(ChinaStandardTime.Offset));
                break;
            case ConfirmationRuled:
                if (applied is null)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationOutOfOrder,
                        "no joint application to a court is recorded; record Applied first", "Applied");
                if (applied.Ruling is { } ruling)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationOutOfOrder,
                        $"the court already ruled {ruling} ({applied.RulingNumber})", $"{ruling}");
                break;
            case EnforcementApplied:
                if (applied?.Ruling != ConfirmationRuling.Confirmed)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationOutOfOrder,
                        "enforcement is applied for once a court confirmed the agreement", "Confirmed");
                if (applied.EnforcementAppliedAt is { } enforced)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.ConfirmationOutOfOrder,
                        $"enforcement was applied for on {enforced.ToOffset(ChinaStandardTime.Offset):O}", "EnforcementApplied");
                break;
        }
    }

    [WolverinePost("/api/cases/{id}/confirmation", OperationId = "RecordConfirmation")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordConfirmation command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
