using Mediation.Cases.Documents;
using Mediation.Language;

namespace Mediation.Cases.Archiving;

/// <summary>
/// The cover of a case file (卷宗封面): the unit keeping it, the file number (or that it is a draft), the case's
/// number, kind, category and handling unit, the parties in full, its dates and how long it is kept.
/// </summary>
public static class CaseFileCover
{
    /// <param name="unitName">The unit keeping the file; <paramref name="handlingName"/> the node handling the case.</param>
    /// <param name="parties">The parties as a document shows them to its reader (an accuser withheld outside the handling unit).</param>
    /// <param name="policy">The years a file of each retention is kept, to name the term.</param>
    public static IReadOnlyList<(Paragraph Kind, string Text)> Of(MediationCase state, string unitName, string handlingName, string categoryName,
        DocumentParties parties, CaseFilePolicy policy)
    {
        var t = Texts.Zh;
        var archive = state.Archive;
        var lines = new List<(Paragraph, string)>
        {
            (Paragraph.Title, unitName),
            (Paragraph.Title, archive is null ? "卷宗（草稿，未归档）" : "卷宗"),
            (Paragraph.Number, archive?.FileNumber ?? (state.FileNumber is { } kept ? $"{kept}（卷宗已重新开启，待重新归档）" : "尚未归档，无卷宗号")),
            (Paragraph.Body, $"案号：{state.CaseNumber}"),
            (Paragraph.Body, $"案件类型：{t.Of(state.Kind)}" + (state.PetitionType is { } type ? $"（{t.Of(type)}）" : "")),
            (Paragraph.Body, $"纠纷类别：{categoryName}"),
            (Paragraph.Body, $"承办单位：{handlingName}（{t.Of(state.Level)}）"),
            (Paragraph.Body, $"案情摘要：{state.Summary}"),
            (Paragraph.Body, $"受理日期：{DocumentWords.Date(state.ReceivedAt)}"),
        };
        if (state.ResolvedAt is { } resolved) lines.Add((Paragraph.Body, $"办结结果：{t.Of(state.Outcome)}（{DocumentWords.Date(resolved)}）"));
        if (state.ClosedAt is { } closed) lines.Add((Paragraph.Body, $"结案日期：{DocumentWords.Date(closed)}"));
        if (archive is not null)
        {
            lines.Add((Paragraph.Body, $"归档日期：{DocumentWords.Date(archive.ArchivedAt)}"));
            lines.Add((Paragraph.Body, "保管期限：" + archive.Retention switch
            {
                Retention.Permanent => "永久",
                Retention.Long => $"长期（{policy.LongRetentionYears}年，至{Day(archive.RetainedUntil!.Value)}）",
                _ => $"短期（{policy.ShortRetentionYears}年，至{Day(archive.RetainedUntil!.Value)}）",
            }));
        }
        lines.Add((Paragraph.Heading, "当事人"));
        lines.AddRange(parties.All.Select(id => (Paragraph.Body, parties.InFull(id))));
        return lines;
    }

    static string Day(DateOnly day) => $"{day.Year}年{day.Month}月{day.Day}日";
}
