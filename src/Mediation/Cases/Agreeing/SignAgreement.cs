using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Agreeing;

/// <summary>
/// A signature on the written agreement (a party, by id, or a mediator, by name), the committee's seal
/// (<c>seal: true</c>), or a party's confirmation of an oral agreement (<c>confirmed: true</c>). Its business
/// time is when it was given (<c>signedAt</c>, <c>sealedAt</c>).
/// </summary>
public sealed record SignAgreement(
    string? Signatory = null,
    DateTimeOffset? SignedAt = null,
    bool? Confirmed = null,
    bool? Seal = null,
    DateTimeOffset? SealedAt = null,
    DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => SignAgreementEndpoint.Command;

    public DateTimeOffset? BusinessTime => SignedAt ?? SealedAt ?? OccurredAt;
}

/// <summary>The answer to a signature: the case's version, and whether the agreement is in effect now.</summary>
public sealed record AgreementVersion(Guid Id, long Version, bool Effective);

public static class SignAgreementEndpoint
{
    public const string Command = "sign the agreement";

    public static ProblemDetails Validate(SignAgreement command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            // Neither is a body that says nothing; both, a seal where a signature was meant.
            .Require(command.Signatory is not null || command.Seal is not null, "body", FieldMessage.SignatoryOrSeal)
            .Require(command.Signatory is null || command.Seal is null, "seal", FieldMessage.SignatoryOrSeal)
            .Text(command.Signatory, "signatory", 64, required: false)
            .Require(command.Seal is null or true, "seal", FieldMessage.OnlyTrue)
            .Require(command.Confirmed is null or true, "confirmed", FieldMessage.OnlyTrue)
            .Require(command.Confirmed is null || command.Signatory is not null, "confirmed", FieldMessage.OnlyWithSignatory)
            .Require(command.SignedAt is null || command.Signatory is not null, "signedAt", FieldMessage.OnlyWithSignatory)
            .Require(command.SealedAt is null || command.Seal is not null, "sealedAt", FieldMessage.OnlyWithSeal)
            .Require(command.OccurredAt is null || (command.SignedAt ?? command.SealedAt) is not { } given || given == command.OccurredAt,
                "occurredAt", FieldMessage.EqualsSignedOrSealedAt);
        return check.Text(command.LateReason, "lateReason", 1000, required: false).Result();
    }

    public static IReadOnlyList<ICaseEvent> Decide(SignAgreement command, MediationCase state, DecisionContext context)
    {
        ICaseEvent act = command switch
        {
            { Seal: true } => new AgreementSealed(context.At),
            { Confirmed: true } => new AgreementConfirmed(PartyOf(command.Signatory!) ?? Guid.Empty, context.At),
            _ when PartyOf(command.Signatory!) is { } party => new AgreementSigned(party, null, context.At),
            _ => new AgreementSigned(null, command.Signatory!.Trim(), context.At),
        };
        Check(act, state);
        return [act];
    }

    static Guid? PartyOf(string signatory) => Guid.TryParse(signatory.Trim(), out var id) ? id : null;

    /// <summary>
    /// A signature, confirmation or seal of the agreement recorded for the case: each signatory once, the
    /// seal once; a written agreement is signed by its parties and mediators and sealed, an oral one
    /// confirmed by its parties. Held to this again wherever it stands in time.
    /// </summary>
    public static void Check(ICaseEvent act, MediationCase state)
    {
        ActRules.Agreement(state, Command);
        if (state.Agreement is not { } agreement)
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.NoAgreementText, "no agreement text is recorded yet; PUT it first");
        var oral = agreement.Form == AgreementForm.Oral;
        switch (act)
        {
            case AgreementSealed:
                if (oral) throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.NoSealForOral, "an oral agreement is not sealed");
                if (agreement.SealedAt is { } sealedAt)
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.AlreadySigned, $"it was sealed on {sealedAt.ToOffset(ChinaStandardTime.Offset):O}");
                break;
            case AgreementConfirmed c:
                if (!oral) throw new CaseRefusal.InvalidField("confirmed", RefusalCode.ConfirmationIsForOral, "is for an oral agreement; a written one is signed");
                Party(agreement, state, c.PartyId);
                break;
            case AgreementSigned { PartyId: { } party }:
                if (oral) throw new CaseRefusal.InvalidField("confirmed", RefusalCode.ConfirmationIsForOral, "must be true: an oral agreement is confirmed by its parties");
                Party(agreement, state, party);
                break;
            case AgreementSigned { Mediator: { } mediator }:
                if (oral || !agreement.Mediators.Contains(mediator))
                    throw new CaseRefusal.InvalidField("signatory", RefusalCode.NotASignatory, "is neither a party nor a mediator of the agreement");
                if (agreement.SignedBy(mediator))
                    throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.AlreadySigned, $"{mediator} has already signed");
                break;
        }
    }

    static void Party(MediationAgreement agreement, MediationCase state, Guid party)
    {
        if (!agreement.Parties.Contains(party))
            throw new CaseRefusal.InvalidField("signatory", RefusalCode.NotASignatory, "is neither a party nor a mediator of the agreement");
        if (agreement.SignedBy(party))
            throw new CaseRefusal.NotAllowed(Command, state, RefusalCode.AlreadySigned, $"party {party} has already signed or confirmed");
    }

    [WolverinePost("/api/cases/{id}/agreement/signatures", OperationId = "SignAgreement")]
    [ProducesResponseType<AgreementVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, SignAgreement command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide, (_, after, reached) =>
            CommandOutcome.Done(StatusCodes.Status200OK, new AgreementVersion(reached.Id, reached.Version, after.Agreement?.EffectiveAt is not null), reached.Version));
}
