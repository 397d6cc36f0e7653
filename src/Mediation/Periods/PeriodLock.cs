using System.Globalization;
using Marten;
using Mediation.Common;
using Mediation.Organisation;

namespace Mediation.Periods;

/// <summary>
/// A month locked for a node (and everything below it) once its report was sent: acts dated into it are
/// entered afterwards only by a supervisor, with a reason, and the settlement report lists what changed
/// since. <see cref="LockedAt"/> is the recording moment the sent figures are reproduced at.
/// </summary>
public sealed record PeriodLock(string Id, string NodeCode, string Month, DateTimeOffset LockedAt, string LockedBy, string? Note)
{
    public static string IdOf(string nodeCode, string month) => $"{nodeCode}:{month}";

    /// <summary>The month (China Standard Time, <c>yyyy-MM</c>) a business time falls in.</summary>
    public static string MonthOf(DateTimeOffset at) => at.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public DateOnly FirstDay => DateOnly.ParseExact(Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The locks in force, kept like the organisation tree: read whole and kept; a lock made through this
/// process counts at once, one made elsewhere within a minute.
/// </summary>
public sealed class PeriodLocks(IDocumentStore store, TimeProvider clock)
{
    static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);
    readonly SemaphoreSlim _loading = new(1, 1);
    (IReadOnlyList<PeriodLock> locks, DateTimeOffset loadedAt)? _current;

    public async ValueTask<IReadOnlyList<PeriodLock>> CurrentAsync(CancellationToken cancellation = default)
    {
        if (_current is { } current && clock.GetUtcNow() - current.loadedAt < Freshness) return current.locks;
        await _loading.WaitAsync(cancellation);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() - fresh.loadedAt < Freshness) return fresh.locks;
            await using var session = store.QuerySession();
            var locks = await session.Query<PeriodLock>().ToListAsync(cancellation);
            _current = (locks, clock.GetUtcNow());
            return locks;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Forget() => _current = null;

    /// <summary>The lock, if any, of the month <paramref name="at"/> falls in, for a case filed at <paramref name="nodeCode"/>.</summary>
    public static PeriodLock? Covering(IReadOnlyList<PeriodLock> locks, OrgTree org, string nodeCode, DateTimeOffset at)
    {
        var month = PeriodLock.MonthOf(at);
        return locks.Where(l => l.Month == month && org.IsWithin(nodeCode, l.NodeCode)).OrderBy(l => l.LockedAt).FirstOrDefault();
    }
}
