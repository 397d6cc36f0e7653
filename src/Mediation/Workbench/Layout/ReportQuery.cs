using System.Globalization;

namespace Mediation.Workbench.Layout;

/// <summary>
/// A page's query with the period defaulted to the last twelve whole months (the statistics API's
/// default is the year to date, too short for a monthly chart in January), then read by the API's own parser.
/// </summary>
public static class ReportQuery
{
    public static Statistics.ScopeQuery WithDefaultPeriod(IQueryCollection query, DateTimeOffset now)
    {
        var today = Statistics.ReportScope.LocalDate(now);
        var scope = Statistics.ScopeQuery.Of(query);
        if (string.IsNullOrEmpty(scope.From))
            scope = scope with { From = new DateOnly(today.Year, today.Month, 1).AddMonths(-11).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        if (string.IsNullOrEmpty(scope.To))
            scope = scope with { To = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        return scope;
    }
}
