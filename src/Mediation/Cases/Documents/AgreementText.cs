using System.Globalization;
using Mediation.Cases.Agreeing;

namespace Mediation.Cases.Documents;

/// <summary>
/// The text of a 人民调解协议书 as paragraphs, the same for every format: the committee and number, the
/// parties in full, the facts and positions, the numbered terms, the mediators, who signed and when, the
/// seal, and when it took effect.
/// </summary>
public static class AgreementText
{
    public static IReadOnlyList<(Paragraph Kind, string Text)> Of(MediationAgreement agreement, DocumentParties parties, string committee, string number)
    {
        var lines = new List<(Paragraph, string)>
        {
            (Paragraph.Title, committee + "人民调解委员会"),
            (Paragraph.Title, agreement.Form == AgreementForm.Written ? "人民调解协议书" : "人民调解口头协议登记"),
            (Paragraph.Number, number),
            (Paragraph.Heading, "当事人"),
        };
        lines.AddRange(agreement.Parties.Select(id => (Paragraph.Body, parties.InFull(id))));
        lines.Add((Paragraph.Heading, "纠纷主要事实、争议事项"));
        lines.Add((Paragraph.Body, agreement.Facts));
        if (agreement.Positions is { Length: > 0 } positions)
        {
            lines.Add((Paragraph.Heading, "各方主张"));
            lines.Add((Paragraph.Body, positions));
        }
        lines.Add((Paragraph.Heading, "经调解，自愿达成如下协议"));
        for (var i = 0; i < agreement.Terms.Count; i++)
        {
            var term = agreement.Terms[i];
            var text = $"{i + 1}. {parties.NameOf(term.Obligor)}向{parties.NameOf(term.Obligee)}{term.Content}";
            if (term.Amount is { } amount) text += $"，金额人民币{amount.ToString("0.##", CultureInfo.InvariantCulture)}元";
            if (term.DueAt is { } due) text += $"，于{DocumentWords.Date(due)}前履行";
            if (term.Place is { Length: > 0 } place) text += $"，履行地点：{place}";
            if (term.Manner is { Length: > 0 } manner) text += $"，履行方式：{manner}";
            lines.Add((Paragraph.Body, text + "。"));
        }
        lines.Add((Paragraph.Body, "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"));
        lines.Add((Paragraph.Heading, "签名"));
        foreach (var id in agreement.Parties)
        {
            var signature = agreement.Signatures.FirstOrDefault(s => s.PartyId == id);
            lines.Add((Paragraph.Body, $"{parties.RoleOf(id)}{parties.NameOf(id)}：{(signature is null ? "未签名" : $"已{(agreement.Form == AgreementForm.Written ? "签名" : "确认")}（{DocumentWords.Date(signature.At)}）")}"));
        }
        foreach (var mediator in agreement.Mediators)
        {
            var signature = agreement.Signatures.FirstOrDefault(s => s.Mediator == mediator);
            lines.Add((Paragraph.Body, $"人民调解员{mediator}：{(signature is null ? "未签名" : $"已签名（{DocumentWords.Date(signature.At)}）")}"));
        }
        lines.Add((Paragraph.Body, $"人民调解委员会印章：{(agreement.SealedAt is { } sealedAt ? $"已盖章（{DocumentWords.Date(sealedAt)}）" : "未盖章")}"));
        lines.Add((Paragraph.Right, committee + "人民调解委员会"));
        lines.Add((Paragraph.Right, agreement.EffectiveAt is { } effective ? $"{DocumentWords.Date(effective)}生效" : $"{DocumentWords.Date(agreement.RecordedAt)}（尚未生效）"));
        return lines;
    }
}
