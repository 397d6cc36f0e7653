using Mediation.Cases;

namespace Mediation.Parties;

/// <summary>
/// A party to a case and their personal information. Kept out of the event stream (events name the
/// party by id) so that erasure can remove it without rewriting history.
/// </summary>
public sealed record Party
{
    public Guid Id { get; init; }
    public Guid CaseId { get; init; }
    public PartyRole Role { get; init; }
    public string? Name { get; init; }
    public string? IdNumber { get; init; }
    public string? Phone { get; init; }
    public string? Address { get; init; }
    public DateTimeOffset? ErasedAt { get; init; }
}

/// <summary>How much of a party's personal data a reader is shown.</summary>
public enum Disclosure { Masked, Unmasked, Hidden }

/// <summary>
/// A party as the API shows it: personal fields masked unless the caller may and chose to see them;
/// hidden altogether where the law keeps them from the reader (an accuser outside the handling unit).
/// </summary>
public sealed record PartyView(Guid Id, PartyRole Role, string? Name, string? IdNumber, string? Phone, string? Address, bool Masked, bool Erased,
    bool Hidden = false)
{
    public static PartyView Of(Party party, Disclosure disclosure) => party.ErasedAt is not null
        ? new PartyView(party.Id, party.Role, null, null, null, null, Masked: false, Erased: true)
        : disclosure switch
        {
            Disclosure.Hidden => new PartyView(party.Id, party.Role, null, null, null, null, Masked: true, Erased: false, Hidden: true),
            Disclosure.Unmasked => new PartyView(party.Id, party.Role, party.Name, party.IdNumber, party.Phone, party.Address, Masked: false, Erased: false),
            _ => new PartyView(party.Id, party.Role, PersonalData.MaskName(party.Name), PersonalData.MaskIdNumber(party.IdNumber),
                PersonalData.MaskPhone(party.Phone), PersonalData.MaskAddress(party.Address), Masked: true, Erased: false),
        };

    /// <summary>
    /// An accuser's identity in an Accusation petition is shown only inside the handling unit
    /// (docs/domain.md, "Personal data"): not to a reader elsewhere, nor where there is no reader in
    /// particular (null); every other party follows the caller's choice.
    /// </summary>
    public static Disclosure For(MediationCase state, PartyRole role, Security.CurrentUser? reader, bool unmask) =>
        For(state.PetitionType, state.HandlingNodeCode, role, reader, unmask);

    public static Disclosure For(PetitionType? petitionType, string handlingNodeCode, PartyRole role, Security.CurrentUser? reader, bool unmask) =>
        petitionType == PetitionType.Accusation && role == PartyRole.Applicant && reader?.NodeCode != handlingNodeCode
            ? Disclosure.Hidden
            : unmask ? Disclosure.Unmasked : Disclosure.Masked;
}
