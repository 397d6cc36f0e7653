using Mediation.Language;

namespace Mediation.Cases.Documents;

/// <summary>
/// The text of a 调解记录 of one session: when, where and how it was held, by which unit and mediators, the
/// parties who took part in full (all the case's parties, said so, when who took part was not recorded), what
/// it came to as recorded, and lines for the signatures.
/// </summary>
public static class SessionRecordText
{
    public const string Title = "调解记录";
    const string Blank = "＿＿＿＿＿＿＿＿";

    /// <summary>The title of the <paramref name="ordinal"/>th session's record, numbered as the case's sessions follow one another.</summary>
    public static string TitleOf(int ordinal) => $"{Title}（第{ordinal}次）";

    public static IReadOnlyList<(Paragraph Kind, string Text)> Of(MediationCase state, MediationSessionHeld session, int ordinal, string unit, string category,
        DocumentParties parties)
    {
        var lines = new List<(Paragraph, string)>
        {
            (Paragraph.Title, unit),
            (Paragraph.Title, Title),
            (Paragraph.Number, $"案件编号：{state.CaseNumber}（第{ordinal}次调解）"),
            (Paragraph.Body, $"时间：{DocumentWords.Time(session.OccurredAt)}"),
            (Paragraph.Body, $"地点：{session.Place ?? "（未记录）"}"),
            (Paragraph.Body, $"方式：{Texts.Zh.Of(session.Mode)}"),
            (Paragraph.Body, $"调解单位：{unit}"),
            (Paragraph.Body, $"调解员：{string.Join("、", session.Mediators)}"),
            (Paragraph.Body, $"事项：{state.Summary}（{category}）"),
        };
        var present = session.Present is { Count: > 0 } recorded ? recorded : null;
        var listed = present ?? parties.All.ToList();
        lines.Add((Paragraph.Heading, present is null ? "当事人" : "参加调解的当事人"));
        lines.AddRange(listed.Select(id => (Paragraph.Body, parties.InFull(id))));
        if (present is null) lines.Add((Paragraph.Body, "参加调解的当事人：未记录"));
        lines.Add((Paragraph.Heading, "调解情况"));
        lines.Add((Paragraph.Body, session.Note is { Length: > 0 } note ? note : "（未记录）"));
        lines.Add((Paragraph.Heading, "签名"));
        lines.AddRange(listed.Select(id => (Paragraph.Body, $"{parties.RoleOf(id)}{parties.NameOf(id)}（签名）：{Blank}")));
        lines.AddRange(session.Mediators.Select(m => (Paragraph.Body, $"调解员{m}（签名）：{Blank}")));
        lines.Add((Paragraph.Body, $"记录人（签名）：{Blank}"));
        lines.Add((Paragraph.Right, unit));
        lines.Add((Paragraph.Right, DocumentWords.Date(session.OccurredAt)));
        return lines;
    }
}
