using Mediation.Cases.Recording;
using Mediation.Cases.Resolving;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Agreeing;

/// <summary>One term as sent: obligor and obligee are party ids of the case.</summary>
public sealed record TermInput(Guid? Obligor, Guid? Obligee, string? Content, decimal? Amount = null, DateTimeOffset? DueAt = null,
    string? Place = null, string? Manner = null);

/// <summary>
/// 人民调解协议书: the text of the agreement a resolved case reached (or the record of an oral one). Sent
/// again, it replaces the text, until the first party or mediator signs.
/// </summary>
public sealed record RecordAgreement(
    AgreementForm? Form,
    string? Facts,
    IReadOnlyList<TermInput>? Terms,
    IReadOnlyList<string>? Mediators,
    string? Positions = null,
    DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => RecordAgreementEndpoint.Command;
}

public static class RecordAgreementEndpoint
{
    public const string Command = "record the agreement";

    public static ProblemDetails Validate(RecordAgreement command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Enum(command.Form, "form")
            .Text(command.Facts, "facts", 8000)
            .Text(command.Positions, "positions", 8000, required: false);
        if (command.Terms is not { Count: > 0 and <= 50 }) check.Add("terms", FieldMessage.OneToFiftyTerms);
        else
            for (var i = 0; i < command.Terms.Count; i++)
            {
                var (term, at) = (command.Terms[i], $"terms[{i}]");
                if (term is null) { check.Add(at, FieldMessage.NotNull); continue; }
                check.Require(term.Obligor is { } o && o != Guid.Empty, $"{at}.obligor", FieldMessage.PartyIdRequired)
                    .Require(term.Obligee is { } e && e != Guid.Empty, $"{at}.obligee", FieldMessage.PartyIdRequired)
                    .Text(term.Content, $"{at}.content", 4000)
                    .Require(term.Amount is null or >= 0, $"{at}.amount", FieldMessage.NotNegative)
                    .Require(term.Amount is null or <= ResolveEndpoint.MaxAmount, $"{at}.amount", FieldMessage.ImplausibleAmount)
                    .Require(term.Amount is null || decimal.Round(term.Amount.Value, 2) == term.Amount, $"{at}.amount", FieldMessage.AtMostTwoDecimals)
                    .Require(term.DueAt is null || term.DueAt >= DecisionContext.Earliest, $"{at}.dueAt", FieldMessage.NotBefore2000)
                    .Text(term.Place, $"{at}.place", 200, required: false)
                    .Text(term.Manner, $"{at}.manner", 200, required: false);
            }
        if (command.Mediators is not { Count: > 0 and <= 20 }) check.Add("mediators", FieldMessage.OneToTwentyMediators);
        else
            for (var i = 0; i < command.Mediators.Count; i++) check.Text(command.Mediators[i], $"mediators[{i}]", 64);
        return check.Text(command.LateReason, "lateReason", 1000, required: false).Result();
    }

    public static IReadOnlyList<ICaseEvent> Decide(RecordAgreement command, MediationCase state, DecisionContext context)
    {
        var terms = command.Terms!.Select(t => new AgreementTerm(t.Obligor!.Value, t.Obligee!.Value, t.Content!.Trim(), t.Amount, t.DueAt,
            t.Place?.Trim(), t.Manner?.Trim())).ToList();
        var recorded = new AgreementRecorded(command.Form!.Value, command.Facts!.Trim(), command.Positions?.Trim(), terms,
            command.Mediators!.Select(m => m.Trim()).Distinct().ToList(), context.At);
        Check(recorded, state);
        return [recorded];
    }

    /// <summary>
    /// The text is recorded for a resolved case that reached an agreement, in the form the resolution
    /// recorded, and replaced only while nobody has signed it: each term between two parties of the case,
    /// due no earlier than the agreement was reached. Held to this again wherever it stands in time.
    /// </summary>
    public static void Check(AgreementRecorded recorded, MediationCase state)
    {
        ActRules.Agreement(state, Command);
        if (state.Agreement is { Signatures.IsEmpty: false } signed)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.AgreementSigned,
                $"it was signed on {signed.Signatures[0].At.ToOffset(ChinaStandardTime.Offset):O}, and signatures would no longer be for the same text");
        if (recorded.Form != state.AgreementForm)
            throw new CaseRefusal.InvalidField("form", RefusalCode.AgreementFormDiffers,
                $"must be the agreement form the case was resolved with ({state.AgreementForm})", $"{state.AgreementForm}");
        for (var i = 0; i < recorded.Terms.Count; i++)
        {
            var term = recorded.Terms[i];
            if (!state.Parties.Any(p => p.PartyId == term.Obligor))
                throw new CaseRefusal.InvalidField($"terms[{i}].obligor", RefusalCode.NotAPartyOfTheCase, "is not a party of the case");
            if (!state.Parties.Any(p => p.PartyId == term.Obligee))
                throw new CaseRefusal.InvalidField($"terms[{i}].obligee", RefusalCode.NotAPartyOfTheCase, "is not a party of the case");
            if (term.Obligor == term.Obligee)
                throw new CaseRefusal.InvalidField($"terms[{i}].obligee", RefusalCode.OwnObligee, "must be another party than the obligor");
            if (term.DueAt < state.ResolvedAt)
                throw new CaseRefusal.InvalidField($"terms[{i}].dueAt", RefusalCode.PerformanceDueBeforeAgreement, "must not be before the agreement");
        }
    }

    [WolverinePut("/api/cases/{id}/agreement", OperationId = "RecordAgreement")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Put(Guid id, RecordAgreement command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
