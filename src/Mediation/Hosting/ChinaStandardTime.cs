namespace Mediation.Hosting;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving): how the offices read times, and what dates, months,
/// case-number years and report titles are counted in. Inside the service every time is UTC.
/// </summary>
public static class ChinaStandardTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);
}
