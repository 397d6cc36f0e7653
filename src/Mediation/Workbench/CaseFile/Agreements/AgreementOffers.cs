using Mediation.Cases;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Reading;
using Mediation.Parties;
using Mediation.Security;

namespace Mediation.Workbench.CaseFile.Agreements;

/// <summary>
/// What the agreement section offers a user on a case, each decided by the command's own decision (no second
/// table of rules): the editor while the text may be recorded or replaced, and each signature, confirmation and
/// the seal still to give.
/// </summary>
public sealed record AgreementOffers(bool Edit, IReadOnlySet<string> Signatories, bool Seal)
{
    public static readonly AgreementOffers None = new(false, new HashSet<string>(), false);

    public static AgreementOffers For(MediationCase state, CurrentUser user, DecisionContext context)
    {
        var edit = CaseActions.Offers(CaseCommands.For<RecordAgreement>(), state, user, context);
        if (state.Agreement is not { } agreement) return None with { Edit = edit };
        var sign = CaseCommands.For<SignAgreement>();
        var oral = agreement.Form == AgreementForm.Oral;
        var signatories = agreement.Parties.Select(p => p.ToString()).Concat(agreement.Mediators)
            .Where(s => CaseActions.Accepts(sign, oral ? new SignAgreement(s, Confirmed: true) : new SignAgreement(s), state, user, context))
            .ToHashSet(StringComparer.Ordinal);
        return new(edit, signatories, !oral && CaseActions.Accepts(sign, new SignAgreement(Seal: true), state, user, context));
    }

    /// <summary>Whether a signatory (a party's id, a mediator's name) may sign or confirm now.</summary>
    public bool MaySign(Signatory signatory) => Signatories.Contains(signatory.Key);
}

/// <summary>
/// One who signs the agreement as the section lists them: a party (of its terms, by id; the name is the case's,
/// masked as there) or, for a written agreement, a mediator; and whether and when they signed.
/// </summary>
public sealed record Signatory(string Key, PartyView? Party, string? Mediator, DateTimeOffset? SignedAt)
{
    /// <summary>The agreement's signatories in order: its parties as its terms name them, then its mediators (written only).</summary>
    public static IReadOnlyList<Signatory> Of(AgreementView agreement, IReadOnlyList<PartyView> parties)
    {
        var ofParties = agreement.Terms.SelectMany(t => new[] { t.Obligor, t.Obligee }).Distinct()
            .Select(id => new Signatory(id.ToString(), parties.FirstOrDefault(p => p.Id == id), null, agreement.Signatures.FirstOrDefault(s => s.PartyId == id)?.At));
        var ofMediators = agreement.Form == AgreementForm.Written
            ? agreement.Mediators.Select(m => new Signatory(m, null, m, agreement.Signatures.FirstOrDefault(s => s.Mediator == m)?.At))
            : [];
        return [.. ofParties, .. ofMediators];
    }
}
