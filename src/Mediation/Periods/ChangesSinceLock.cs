using Marten;
using Mediation.Cases.Recording;
using Mediation.Organisation;
using Mediation.Statistics;
using Mediation.Statistics.Projection;
using Mediation.Statistics.Settlement;
using NpgsqlTypes;

namespace Mediation.Periods;

/// <summary>A locked month of a settlement report: per unit, the figures as locked and as now, and the acts recorded since the lock that moved them.</summary>
public sealed record LockedMonth(string Month, string NodeCode, DateTimeOffset LockedAt, string LockedBy, bool Changed,
    IReadOnlyList<LockedUnit> Units, IReadOnlyList<ActSinceLock> Acts);

public sealed record LockedUnit(string Key, string? Label, SettlementFigures AsLocked, SettlementFigures Now, bool Changed);

/// <summary>An act recorded after the lock on a case received in the locked month: what it was, when it happened, when and by whom it was entered, and why.</summary>
public sealed record ActSinceLock(Guid CaseId, string CaseNumber, long Version, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    string? RecordedBy, string? LateReason);

/// <summary>
/// What changed after a month was locked (docs/domain.md, "Locked periods"): for each locked month of a
/// report's period, at its node or a node above it, the month's figures per sub-unit as known when it
/// was locked (what the report sent said) and as known now (or at the report's known-at moment), and the
/// acts recorded in between.
/// </summary>
public sealed class ChangesSinceLock(SettlementQuery settlement, PeriodLocks locks, IDocumentStore store)
{
    /// <summary>At most this many acts are listed per month; the figures count them all.</summary>
    public const int MaxActs = 500;

    public async Task<IReadOnlyList<LockedMonth>> RunAsync(ReportScope scope, OrgTree org, CancellationToken cancellation)
    {
        var months = (await locks.CurrentAsync(cancellation))
            // A report as known at a moment shows the locks made by then, as it showed them then.
            .Where(l => org.IsWithin(scope.Node.Id, l.NodeCode) && l.FirstDay >= scope.From && l.FirstDay < scope.To && l.LockedAt <= scope.KnownAt)
            .OrderBy(l => l.Month, StringComparer.Ordinal).ToList();
        var answer = new List<LockedMonth>();
        foreach (var locked in months)
        {
            var month = scope with { From = locked.FirstDay, To = locked.FirstDay.AddMonths(1), GroupBy = GroupBy.Node };
            var asLocked = await settlement.RunAsync(month with { KnownAt = locked.LockedAt, KnownNow = false }, org, cancellation);
            var now = await settlement.RunAsync(month, org, cancellation);
            var units = now.Groups.Select(g => g.Key).Union(asLocked.Groups.Select(g => g.Key)).Order(StringComparer.Ordinal).Select(key =>
            {
                SettlementFigures before = asLocked.Groups.FirstOrDefault(g => g.Key == key) ?? SettlementFigures.Of(SettlementCounts.Zero);
                SettlementFigures after = now.Groups.FirstOrDefault(g => g.Key == key) ?? SettlementFigures.Of(SettlementCounts.Zero);
                var label = now.Groups.Concat(asLocked.Groups).First(g => g.Key == key).Label;
                return new LockedUnit(key, label, before, after, Figures(before) != Figures(after));
            }).ToList();
            var acts = await ActsAsync(month, locked, cancellation);
            answer.Add(new LockedMonth(locked.Month, locked.NodeCode, locked.LockedAt, locked.LockedBy, units.Any(u => u.Changed) || acts.Count > 0, units, acts));
        }
        return answer;
    }

    /// <summary>The figures alone, written out, so that two can be compared whatever they were computed as.</summary>
    static string Figures(SettlementFigures figures) => System.Text.Json.JsonSerializer.Serialize(figures);

    async Task<IReadOnlyList<ActSinceLock>> ActsAsync(ReportScope month, PeriodLock locked, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var report = await ReportConnection.OpenAsync(store, cancellation);
        var nodes = month.NodeCodes is not null ? " and c.node_code = any(@nodes)" : "";
        await using var command = report.Command($"""
            select e.stream_id, d.data ->> 'caseNumber', e.version, e.mt_dotnet_type, e.data ->> 'occurredAt', e.timestamp, e.user_name,
                   e.headers ->> '{LateEntry.ReasonHeader}'
            from {schema}.mt_events e
            join {schema}.{StatisticsTables.Current} c on c.case_id = e.stream_id
            join {schema}.mt_doc_mediationcase d on d.id = e.stream_id
            -- The service's own observations (a deadline breached) move no figure: the acts people entered.
            where e.timestamp > @locked_at and e.timestamp <= @known_at and c.received_at >= @from and c.received_at < @to{nodes}
              and e.type <> 'deadline_breached'
            order by e.timestamp, e.seq_id
            limit {MaxActs}
            """);
        ReportSql.AddScope(command, month);
        command.Parameters.AddWithValue("locked_at", NpgsqlDbType.TimestampTz, locked.LockedAt);
        var acts = new List<ActSinceLock>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var type = reader.GetString(3);
            // The stored type is the event's full .NET name: the class name is what the history shows.
            var name = type.Split(',')[0].Split('.')[^1];
            acts.Add(new ActSinceLock(reader.GetGuid(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetInt64(2), name,
                DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(),
                new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return acts;
    }
}
