using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Mediation.Workbench.Layout;

/// <summary>
/// A page's query with the period defaulted to the last twelve whole months (the statistics API's
/// default is the year to date, too short for a monthly chart in January), then read by the API's own parser.
/// </summary>
public static class ReportQuery
{
    public static IQueryCollection WithDefaultPeriod(IQueryCollection query, DateTimeOffset now)
    {
        var today = Statistics.ReportScope.LocalDate(now);
        var values = query.ToDictionary(q => q.Key, q => q.Value);
        if (!values.TryGetValue("from", out var from) || from.ToString().Length == 0)
            values["from"] = new StringValues(new DateOnly(today.Year, today.Month, 1).AddMonths(-11).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!values.TryGetValue("to", out var to) || to.ToString().Length == 0)
            values["to"] = new StringValues(today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return new QueryCollection(values);
    }
}
