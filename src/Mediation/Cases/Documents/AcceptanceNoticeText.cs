namespace Mediation.Cases.Documents;

/// <summary>
/// The text of a 信访事项受理告知书: to the petitioners in full, the matter and its registration, the decision to
/// accept and its date, by when the unit will answer, and how the petitioner was told.
/// </summary>
public static class AcceptanceNoticeText
{
    public const string Title = "受理告知书";

    public static IReadOnlyList<(Paragraph Kind, string Text)> Of(MediationCase state, PetitionAccepted accepted, string unit, string category,
        DocumentParties parties)
    {
        var lines = PetitionNotice.Opening("信访事项" + Title, state, unit, category, parties);
        lines.Add((Paragraph.Body, $"经审查，该信访事项属于本单位职权范围，本单位于{DocumentWords.Date(accepted.OccurredAt)}决定予以受理，将依照《信访工作条例》" +
            $"的规定办理，并于{DocumentWords.Date(accepted.DueAt)}前出具处理意见并告知你（们）。"));
        if (accepted.Reason is { Length: > 0 } reason) lines.Add((Paragraph.Body, $"受理说明：{reason}"));
        return PetitionNotice.Closing(lines, accepted.NoticeMethod, unit, accepted.OccurredAt);
    }
}
