using System.Globalization;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Statistics;

public enum GroupBy { Category, Channel, Kind, Level, Node, Month, Risk }

/// <summary>
/// A statistics or report request's query string as the client wrote it: text, so that
/// <see cref="ReportScope.Parse"/> can say what is wrong with it. The endpoints bind each of these they
/// read as a query parameter, described in the OpenAPI document by what it is parsed as.
/// </summary>
public sealed record ScopeQuery(string? From = null, string? To = null, string? NodeCode = null, string? AsOf = null, string? GroupBy = null,
    string? KnownAt = null)
{
    public const string FromText = "First day of the period (by receipt, China Standard Time), inclusive; default 1 January of this year.";
    public const string ToText = "Day after the period, exclusive; default tomorrow.";
    public const string NodeCodeText = "The unit: this node and everything below it; default the caller's node (or the single root).";
    public const string AsOfText = "The moment the figures are taken at (business time: what had happened by then), ISO 8601 with its offset; default knownAt when given, else now.";
    public const string KnownAtText =
        "The recording moment the figures are taken as known at (only acts, late entries and corrections recorded by then), ISO 8601 with its offset; default now. " +
        "A report produced at some moment is reproduced exactly by giving that moment.";
    public const string GroupByText = "Break the figures down by this.";

    /// <summary>The same, read from a page's or a command line's query collection.</summary>
    public static ScopeQuery Of(IQueryCollection query) => new(query["from"], query["to"], query["nodeCode"], query["asOf"], query["groupBy"], query["knownAt"]);
}

/// <summary>
/// What a statistics request covers: the cases received in [<see cref="From"/>, <see cref="To"/>)
/// (local dates, China Standard Time) at <see cref="Node"/> and below, as they stood at <see cref="AsOf"/>
/// (business time) as the service knew them at <see cref="KnownAt"/> (recording time).
/// </summary>
public sealed record ReportScope(DateOnly From, DateOnly To, OrgNode Node, IReadOnlyList<string>? NodeCodes, DateTimeOffset AsOf, GroupBy? GroupBy)
{
    /// <summary>The recording moment the figures are known at: the one asked for, else the moment of the request.</summary>
    public DateTimeOffset KnownAt { get; init; }

    /// <summary>No earlier recording moment was asked for: the figures as known now, from the read model's present rows.</summary>
    public bool KnownNow { get; init; } = true;

    /// <summary>The business moment was asked for; else it is the known-at moment, so that the known-at moment alone reproduces a report.</summary>
    public bool AsOfGiven { get; init; }

    public DateTimeOffset FromInstant => Instant(From);
    public DateTimeOffset ToInstant => Instant(To);

    public static DateTimeOffset Instant(DateOnly date) =>
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), ChinaStandardTime.Offset).ToUniversalTime();

    public static DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(ChinaStandardTime.Offset).DateTime);

    /// <summary>
    /// Reads <c>from</c>, <c>to</c> (default: the year to date), <c>nodeCode</c> (default: the
    /// caller's node, else the single root), <c>asOf</c> (default: <c>knownAt</c> when given, else now), <c>knownAt</c>
    /// (default: now; when given, the period's defaults are those of that moment too) and <c>groupBy</c>.
    /// </summary>
    public static (ReportScope? scope, ProblemDetails? problem) Parse(
        ScopeQuery query, OrgTree org, Security.CurrentUser user, DateTimeOffset now, bool period = true, bool grouping = true)
    {
        var check = new Validation();
        var knownAt = now;
        var knownNow = true;
        if (query.KnownAt is { Length: > 0 } knownAtText)
        {
            if (!DateTimeOffset.TryParse(knownAtText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || !knownAtText.Contains('T'))
                check.Add("knownAt", FieldMessage.TimeWithOffset("2026-04-05T10:00:00+08:00"));
            else if (parsed.UtcDateTime.Year < 2000) check.Add("knownAt", FieldMessage.YearsOfService);
            // What will be known later is not known yet: such a report could not be reproduced.
            else if (parsed > now) check.Add("knownAt", FieldMessage.NotInTheFuture);
            else (knownAt, knownNow) = (parsed.ToUniversalTime(), false);
        }

        // Asked as known at an earlier moment, the defaults are those of that moment: the report produced then.
        var moment = knownNow ? now : knownAt;
        var today = LocalDate(moment);

        DateOnly Date(string name, string? text, DateOnly fallback)
        {
            if (string.IsNullOrEmpty(text)) return fallback;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            check.Add(name, FieldMessage.Date);
            return fallback;
        }

        var from = Date("from", query.From, new DateOnly(today.Year, 1, 1));
        var to = Date("to", query.To, today.AddDays(1));
        if (period)
        {
            check.Require(from < to, "to", FieldMessage.AfterFrom);
            check.Require(to.DayNumber - from.DayNumber <= 3660, "to", FieldMessage.PeriodAtMostTenYears);
            check.Require(from.Year >= 2000, "from", FieldMessage.NotBefore2000);
        }

        var asOf = moment;
        var asOfGiven = false;
        if (query.AsOf is { Length: > 0 } asOfText)
        {
            if (!DateTimeOffset.TryParse(asOfText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || !asOfText.Contains('T'))
                check.Add("asOf", FieldMessage.TimeWithOffset("2026-03-31T23:59:59+08:00"));
            // The figures are cut at month starts in China time: near year 1 or 9999 those fall off the calendar.
            else if (parsed.UtcDateTime.Year is < 2000 or > 2999) check.Add("asOf", FieldMessage.YearsOfService);
            else (asOf, asOfGiven) = (parsed.ToUniversalTime(), true);
        }

        GroupBy? groupBy = null;
        if (grouping && query.GroupBy is { Length: > 0 } groupText)
        {
            if (Enum.TryParse<GroupBy>(groupText, ignoreCase: true, out var g) && Enum.IsDefined(g) && !int.TryParse(groupText, out _)) groupBy = g;
            else check.Add("groupBy", FieldMessage.OneOf(["category", "channel", "kind", "level", "node", "month", "risk"]));
        }

        var nodeCode = query.NodeCode is { Length: > 0 } given ? given : user.NodeCode ?? (org.Roots.Count == 1 ? org.Roots[0].Id : null);
        if (nodeCode is null) check.Add("nodeCode", FieldMessage.RequiredWithSeveralRoots);

        if (!check.IsValid) return (null, Problems.Invalid(check));
        // A node that does not exist and one outside the jurisdiction are one answer.
        if (org.Find(nodeCode) is not { } node || !user.Covers(org, node.Id)) return (null, Problems.NoNode(nodeCode));
        return (new ReportScope(from, to, node, NodeCodesUnder(node, org), asOf, groupBy) { KnownAt = knownAt, KnownNow = knownNow, AsOfGiven = asOfGiven }, null);
    }

    /// <summary>The same period and moment at another node and below it.</summary>
    public ReportScope At(OrgNode node, OrgTree org) => this with { Node = node, NodeCodes = NodeCodesUnder(node, org) };

    /// <summary>The node codes a scope at <paramref name="node"/> covers; null (no filter at all) for the single root.</summary>
    static IReadOnlyList<string>? NodeCodesUnder(OrgNode node, OrgTree org) =>
        org.Roots.Count == 1 && node.ParentCode is null ? null : org.Subtree(node).Select(n => n.Id).ToArray();
}
