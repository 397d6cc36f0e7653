using Mediation.Language;
using Mediation.Parties;

namespace Mediation.Workbench.CaseFile.Agreements;

/// <summary>A party as the agreement section names it: by role and by name as the case shows it (masked, hidden or erased as there).</summary>
public static class PartyNames
{
    public static string Of(Texts t, PartyView? party) => party switch
    {
        null => "—",
        { Erased: true } => $"{t.Of(party.Role)}（{t["Party.Erased"]}）",
        { Hidden: true } or { Name: null } => $"{t.Of(party.Role)}（{t["Party.Withheld"]}）",
        _ => $"{t.Of(party.Role)} {party.Name}",
    };
}
