using Mediation.Cases;
using Mediation.Cases.Agreeing;

namespace Mediation.Workbench.CaseFile.Agreements;

/// <summary>
/// What a signature dialog posts: who signs (a party's id or a mediator's name), or the committee's seal; when;
/// and why it is entered late, where it is.
/// </summary>
public sealed class SignatureForm
{
    public long Version { get; set; }
    public string? Signatory { get; set; }
    public bool Seal { get; set; }
    public string? At { get; set; }
    public string? LateReason { get; set; }

    /// <summary>
    /// The command as <c>POST /api/cases/{id}/agreement/signatures</c> takes it: a signature on a written agreement,
    /// a party's confirmation of an oral one, or the seal.
    /// </summary>
    public SignAgreement ToCommand(FormReader reader, AgreementForm form)
    {
        var at = reader.Time(At, Seal ? "sealedAt" : "signedAt");
        var lateReason = reader.Text(LateReason);
        if (Seal) return new SignAgreement(Seal: true, SealedAt: at, LateReason: lateReason);
        return new SignAgreement(reader.Text(Signatory), at, Confirmed: form == AgreementForm.Oral ? true : null, LateReason: lateReason);
    }

    /// <summary>Whether this was posted for <paramref name="signatory"/> (null: the seal).</summary>
    public bool IsFor(string? signatory) => signatory is null ? Seal : !Seal && Signatory == signatory;
}
