using Mediation.Common;

namespace Mediation.Cases.Documents;

/// <summary>Times as documents write them, in China Standard Time.</summary>
public static class DocumentWords
{
    /// <summary>A day: 2026年3月2日.</summary>
    public static string Date(DateTimeOffset at)
    {
        var day = ChinaStandardTime.DateOf(at);
        return $"{day.Year}年{day.Month}月{day.Day}日";
    }

    /// <summary>A moment to the minute: 2026年3月2日9时30分.</summary>
    public static string Time(DateTimeOffset at)
    {
        var local = at.ToOffset(ChinaStandardTime.Offset);
        return $"{Date(at)}{local.Hour}时{local.Minute:00}分";
    }
}
