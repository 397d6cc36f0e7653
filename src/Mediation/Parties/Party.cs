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

/// <summary>A party as the API shows it; personal fields masked unless the caller may and chose to see them.</summary>
public sealed record PartyView(Guid Id, PartyRole Role, string? Name, string? IdNumber, string? Phone, string? Address, bool Masked, bool Erased)
{
    public static PartyView Of(Party party, bool unmasked) => party.ErasedAt is not null
        ? new PartyView(party.Id, party.Role, null, null, null, null, Masked: false, Erased: true)
        : unmasked
            ? new PartyView(party.Id, party.Role, party.Name, party.IdNumber, party.Phone, party.Address, Masked: false, Erased: false)
            : new PartyView(party.Id, party.Role, PersonalData.MaskName(party.Name), PersonalData.MaskIdNumber(party.IdNumber),
                PersonalData.MaskPhone(party.Phone), PersonalData.MaskAddress(party.Address), Masked: true, Erased: false);
}
