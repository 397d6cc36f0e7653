using System.Globalization;
using Mediation.Cases;
using Mediation.Cases.Correcting;
using Mediation.Language;
using Mediation.Workbench.Layout;

namespace Mediation.Workbench.CaseFile;

/// <summary>
/// How the case page words the values of a correction (更正): a field's value as corrections keep it
/// (ISO 8601 times, enum names, decimals, category codes), shown as the offices read it.
/// </summary>
public static class HistoryText
{
    /// <summary>
    /// <paramref name="value"/> of <paramref name="field"/> in <paramref name="t"/>'s words: a time in China
    /// Standard Time, a coded value by its label, a category by its name; none as "—".
    /// </summary>
    public static string Value(Texts t, string field, string? value, Func<string, string> categoryName)
    {
        if (value is null) return "—";
        if (!Correction.AllFields.Contains(field)) return value;
        var kind = Correction.KindOf(field);
        if (kind == typeof(DateTimeOffset))
            return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? Display.Time(time) : value;
        if (kind.IsEnum) return Enum.TryParse(kind, value, out var coded) ? t.Of((Enum)coded!) : value;
        return field == "category" ? categoryName(value) : value;
    }

    /// <summary>
    /// The fields a correction dialog offers for <paramref name="act"/> (those its form reads and the act
    /// may have corrected, then the reason), with what the act says now beside each.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Recorded(Texts t, CaseCommandEntry correct, ICaseEvent act, Func<string, string> categoryName)
    {
        var fields = Correction.FieldsOf(act);
        return correct.Form.Where(f => fields.Contains(f.Name))
            .ToDictionary(f => f.Name, f => Value(t, f.Name, Correction.Read(act, f.Name), categoryName));
    }
}
