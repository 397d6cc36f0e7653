namespace Mediation.Common;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving): how the offices read times, and what dates, months,
/// case-number years and report titles are counted in. Inside the service every time is UTC.
/// </summary>
public static class ChinaStandardTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>For schedules; built here rather than looked up, so no time-zone database is needed.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("China Standard Time", Offset, "China Standard Time", "China Standard Time");

    public static DateOnly DateOf(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(Offset).DateTime);

    /// <summary>The first moment (in UTC) of the day after <paramref name="day"/> in China Standard Time.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();
}
