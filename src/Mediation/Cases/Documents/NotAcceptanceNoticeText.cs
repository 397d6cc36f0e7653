namespace Mediation.Cases.Documents;

/// <summary>
/// The text of a 信访事项不予受理告知书: to the petitioners in full, the matter and its registration, the decision
/// not to accept, its date and its reason, where the petitioner can turn instead (信访工作条例 art. 23: the
/// authority the unit named, and the statutory routes), and how the petitioner was told.
/// </summary>
public static class NotAcceptanceNoticeText
{
    public const string Title = "不予受理告知书";

    public static IReadOnlyList<(Paragraph Kind, string Text)> Of(MediationCase state, PetitionNotAccepted notAccepted, string unit, string category,
        DocumentParties parties)
    {
        var lines = PetitionNotice.Opening("信访事项" + Title, state, unit, category, parties);
        lines.Add((Paragraph.Body, $"经审查，本单位于{DocumentWords.Date(notAccepted.OccurredAt)}决定不予受理，理由如下："));
        lines.Add((Paragraph.Body, notAccepted.Reason));
        if (notAccepted.ReferTo is { Length: > 0 } referTo) lines.Add((Paragraph.Body, $"你（们）可向{referTo}提出。"));
        lines.Add((Paragraph.Body, "根据《信访工作条例》第二十三条的规定，对不属于本单位职权范围的信访事项，请向有权处理的机关、单位提出；依法应当通过诉讼、仲裁、" +
            "行政复议等法定途径解决的，请依照有关法律、行政法规规定的程序向有关机关提出。"));
        return PetitionNotice.Closing(lines, notAccepted.NoticeMethod, unit, notAccepted.OccurredAt);
    }
}
