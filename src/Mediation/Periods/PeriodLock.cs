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

/// <summary>The locks in force: few, and rarely added.</summary>
public sealed class PeriodLocks(IDocumentStore store, TimeProvider clock) : KeptWhole<IReadOnlyList<PeriodLock>>(store, clock)
{
    protected override async Task<IReadOnlyList<PeriodLock>> LoadAsync(IQuerySession session, CancellationToken cancellation) =>
        await session.Query<PeriodLock>().ToListAsync(cancellation);

    /// <summary>The lock, if any, of the month <paramref name="at"/> falls in, for a case filed at <paramref name="nodeCode"/>.</summary>
    public static PeriodLock? Covering(IReadOnlyList<PeriodLock> locks, OrgTree org, string nodeCode, DateTimeOffset at)
    {
        var month = PeriodLock.MonthOf(at);
        return locks.Where(l => l.Month == month && org.IsWithin(nodeCode, l.NodeCode)).OrderBy(l => l.LockedAt).FirstOrDefault();
    }
}
