using Marten;
using Mediation.Organisation;

namespace Mediation.Cases.Archiving;

/// <summary>
/// A case file's number, <c>（2026）东门社区人调卷字第3号</c>: counted per unit (the committee of the node handling the
/// case when it is first archived: a grid's is its community's) and year of that archiving, in
/// <c>case_file_numbers</c>. Given on the first archiving and kept: the case's file is archived again under it.
/// </summary>
public static class CaseFileNumbers
{
    public static readonly NumbersPerUnit Series = new("case_file_numbers");

    /// <summary>The customary form: the year in full-width brackets, the unit's name, 人调卷字, and the number.</summary>
    public static string Text(NumbersPerUnit.Number number, string unitName) => $"（{number.Year}）{unitName}人调卷字第{number.Value}号";

    /// <summary>
    /// The number an archiving of <paramref name="state"/> files it under, in the year of <paramref name="at"/>:
    /// the one it was given before, else the next of its unit. Given only to a case that may be archived now.
    /// </summary>
    public static async Task<(string Number, string UnitCode)?> ForAsync(IDocumentStore store, MediationCase state, OrgTree tree, DateTimeOffset at,
        CancellationToken cancellation)
    {
        if (state.Status != CaseStatus.Closed || state.IsArchived) return null;
        var unit = NumbersPerUnit.UnitOf(tree, state.HandlingNodeCode);
        var number = await Series.ForAsync(store, state.Id, unit, at, cancellation);
        // The unit is named as its node is named now; a node renamed since the number was given keeps its count.
        return (state.FileNumber ?? Text(number, tree.Find(number.NodeCode)?.Name ?? number.NodeCode), number.NodeCode);
    }
}
