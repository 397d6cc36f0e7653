using Mediation.Language;

namespace Mediation.Cases.Documents;

/// <summary>
/// What both notices on a petition's acceptance say around the decision: the deciding unit, the title, the case
/// number, the petitioners (its applicants) in full, the matter and when it was registered; then how the
/// petitioner was told, the unit and the date of the decision.
/// </summary>
static class PetitionNotice
{
    public static List<(Paragraph Kind, string Text)> Opening(string title, MediationCase state, string unit, string category, DocumentParties parties)
    {
        var petitioners = parties.WithRole(PartyRole.Applicant).ToList();
        var lines = new List<(Paragraph, string)>
        {
            (Paragraph.Title, unit),
            (Paragraph.Title, title),
            (Paragraph.Number, $"案件编号：{state.CaseNumber}"),
            (Paragraph.Heading, "信访人"),
        };
        lines.AddRange(petitioners.Select(id => (Paragraph.Body, parties.InFull(id, "信访人"))));
        lines.Add((Paragraph.Body, string.Join("、", petitioners.Select(parties.NameOf)) + "："));
        var type = state.PetitionType is { } petitionType ? Texts.Zh.Of(petitionType) + "类" : "";
        lines.Add((Paragraph.Body, $"你（们）提出的{type}信访事项（{category}）：{state.Summary.TrimEnd('。')}。本单位于{DocumentWords.Date(state.ReceivedAt)}" +
            $"收到并登记，来源渠道：{Texts.Zh.Of(state.Channel)}。"));
        return lines;
    }

    public static List<(Paragraph Kind, string Text)> Closing(List<(Paragraph Kind, string Text)> lines, NoticeMethod method, string unit, DateTimeOffset decidedAt)
    {
        lines.Add((Paragraph.Body, $"告知方式：{Texts.Zh.Of(method)}。"));
        lines.Add((Paragraph.Body, "特此告知。"));
        lines.Add((Paragraph.Right, unit));
        lines.Add((Paragraph.Right, DocumentWords.Date(decidedAt)));
        return lines;
    }
}
