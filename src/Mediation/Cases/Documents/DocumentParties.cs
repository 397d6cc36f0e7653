using Marten;
using Mediation.Parties;
using Mediation.Security;

namespace Mediation.Cases.Documents;

/// <summary>
/// The case's parties as a document shows them: in full (name, ID number, address, phone, as their records
/// hold them now), an erased party as erased, and the accuser of an Accusation petition withheld from every
/// reader outside the unit handling the case, by the read side's own rule (<see cref="PartyView.For(MediationCase, PartyRole, CurrentUser?, bool)"/>).
/// </summary>
public sealed class DocumentParties(MediationCase state, IReadOnlyDictionary<Guid, PartyView> views)
{
    public const string Erased = "（个人信息已删除）";
    public const string Withheld = "（依法不予显示）";

    /// <summary>The parties of the case for <paramref name="reader"/>; no reader in particular (null) is shown no accuser.</summary>
    public static async Task<DocumentParties> LoadAsync(MediationCase state, CurrentUser? reader, IQuerySession session, CancellationToken cancellation)
    {
        var parties = await session.Query<Party>().Where(p => p.CaseId == state.Id).ToListAsync(cancellation);
        return new DocumentParties(state, parties.ToDictionary(p => p.Id, p => PartyView.Of(p, PartyView.For(state, p.Role, reader, unmask: true))));
    }

    /// <summary>The case's parties in the order they were filed.</summary>
    public IEnumerable<Guid> All => state.Parties.Select(p => p.PartyId);

    /// <summary>The parties of a role (the petitioners of a petition are its applicants), in the order they were filed.</summary>
    public IEnumerable<Guid> WithRole(PartyRole role) => state.Parties.Where(p => p.Role == role).Select(p => p.PartyId);

    public string NameOf(Guid id) => views.TryGetValue(id, out var view)
        ? view.Erased ? Erased : view.Hidden ? Withheld : view.Name ?? "（未填姓名）"
        : "（未知当事人）";

    public string RoleOf(Guid id) => RoleName(views.TryGetValue(id, out var view) ? view.Role : state.Parties.FirstOrDefault(p => p.PartyId == id)?.Role);

    /// <summary>One line for the party: its role (or <paramref name="label"/>), name, ID number, address and phone, as far as its record holds them.</summary>
    public string InFull(Guid id, string? label = null)
    {
        var facts = new List<string> { $"{label ?? RoleOf(id)}：{NameOf(id)}" };
        if (views.TryGetValue(id, out var view) && !view.Erased && !view.Hidden)
        {
            if (view.IdNumber is { Length: > 0 } idNumber) facts.Add($"身份证号码：{idNumber}");
            if (view.Address is { Length: > 0 } address) facts.Add($"住址：{address}");
            if (view.Phone is { Length: > 0 } phone) facts.Add($"联系电话：{phone}");
        }
        return string.Join("，", facts);
    }

    static string RoleName(PartyRole? role) => role switch
    {
        PartyRole.Applicant => "申请人",
        PartyRole.Respondent => "被申请人",
        PartyRole.ThirdParty => "第三人",
        PartyRole.Agent => "代理人",
        _ => "当事人",
    };
}
