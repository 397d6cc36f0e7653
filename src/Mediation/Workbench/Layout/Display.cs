using System.Globalization;
using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Workbench.Layout;

/// <summary>How the workbench writes times and rates: China Standard Time, as the offices read them.</summary>
public static class Display
{
    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateTimeOffset? at) => at is { } t ? t.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    public static string Rate(double? rate) => rate is { } r && !double.IsNaN(r) ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>Whole days until (positive) or past (negative) the due date, for a due-date column.</summary>
    public static int DaysLeft(DateTimeOffset due, DateTimeOffset now) => (int)Math.Floor((due - now).TotalDays);
}
