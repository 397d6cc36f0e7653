using System.Collections.Immutable;

namespace Mediation.Cases.Agreeing;

/// <summary>
/// One numbered term of an agreement: who owes whom what. Obligor and obligee are parties of the case, by
/// id: their names live in the party records, so erasing a party needs no change here.
/// </summary>
public sealed record AgreementTerm(Guid Obligor, Guid Obligee, string Content, decimal? Amount = null, DateTimeOffset? DueAt = null,
    string? Place = null, string? Manner = null);

/// <summary>A signature (written) or a confirmation (oral) of a party, or a mediator's signature, and when it was given.</summary>
public sealed record AgreementSignature(Guid? PartyId, string? Mediator, DateTimeOffset At);

/// <summary>
/// 人民调解协议书 (or an oral agreement's record, 口头协议): the text as last recorded, who signed or confirmed
/// it, the committee's seal, and when it took effect.
/// </summary>
public sealed record MediationAgreement
{
    public AgreementForm Form { get; init; }
    public string Facts { get; init; } = "";
    public string? Positions { get; init; }
    public ImmutableList<AgreementTerm> Terms { get; init; } = [];
    public ImmutableList<string> Mediators { get; init; } = [];
    public DateTimeOffset RecordedAt { get; init; }
    public ImmutableList<AgreementSignature> Signatures { get; init; } = [];
    public DateTimeOffset? SealedAt { get; init; }

    /// <summary>When the last signature or confirmation, or the seal, was given: the agreement binds from then.</summary>
    public DateTimeOffset? EffectiveAt { get; init; }

    /// <summary>The agreement's parties: every party of the case a term names, in the order the terms name them.</summary>
    public IEnumerable<Guid> Parties => Terms.SelectMany(t => new[] { t.Obligor, t.Obligee }).Distinct();

    public bool SignedBy(Guid partyId) => Signatures.Any(s => s.PartyId == partyId);

    public bool SignedBy(string mediator) => Signatures.Any(s => s.Mediator == mediator);

    /// <summary>
    /// Written: every party and every mediator signed, and the committee sealed it. Oral: every party
    /// confirmed it.
    /// </summary>
    public bool Complete => Form == AgreementForm.Written
        ? Parties.All(SignedBy) && Mediators.All(SignedBy) && SealedAt is not null
        : Parties.All(SignedBy);

    /// <summary>The agreement after one more signature, confirmation or seal; it takes effect with the one that completes it.</summary>
    public MediationAgreement With(AgreementSignature? signature, DateTimeOffset? sealedAt, DateTimeOffset at)
    {
        var next = this with
        {
            Signatures = signature is null ? Signatures : Signatures.Add(signature),
            SealedAt = sealedAt ?? SealedAt,
        };
        return next.EffectiveAt is null && next.Complete ? next with { EffectiveAt = at } : next;
    }

    /// <summary>The earliest due date of its terms: the first the performance follow-up watches.</summary>
    public DateTimeOffset? FirstTermDueAt => Terms.Min(t => t.DueAt);
}
