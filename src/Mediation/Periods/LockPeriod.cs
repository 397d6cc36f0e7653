using System.Globalization;
using Marten;
using Mediation.Auditing;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Periods;

/// <summary>Locks a month for a node once its report has been sent (<c>month</c>: <c>yyyy-MM</c>, a month that has ended).</summary>
public sealed record LockPeriod(string? NodeCode, string? Month, string? Note = null);

public static class LockPeriodEndpoint
{
    public static ProblemDetails Validate(LockPeriod command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.NodeCode, "nodeCode", 32)
            .Text(command.Note, "note", 1000, required: false);
        if (command.Month is null || !DateOnly.TryParseExact(command.Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            check.Add("month", FieldMessage.Month);
        else check.Require(first.Year >= 2000, "month", FieldMessage.NotBefore2000);
        return check.Result();
    }

    [WolverinePost("/api/periods/locks", OperationId = "LockPeriod")]
    [ProducesResponseType<PeriodLock>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post(LockPeriod command, HttpContext http, IDocumentSession session, OrgDirectory directory, PeriodLocks locks,
        AccessLog accessLog, TimeProvider clock, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        var org = await directory.CurrentAsync(cancellation);
        if (org.Find(command.NodeCode) is not { } node || !user.Covers(org, node.Id)) return Problems.NoNode(command.NodeCode).ToResult();
        var now = clock.GetUtcNow();
        var month = command.Month!;
        var first = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        // A month still running has no report yet to protect.
        if (Statistics.ReportScope.Instant(first.AddMonths(1)) > now)
            return Problems.Invalid("month", FieldMessage.MonthNotOver).ToResult();

        var id = PeriodLock.IdOf(node.Id, month);
        if (await session.LoadAsync<PeriodLock>(id, cancellation) is { } existing)
            return Problems.Conflict("The month is locked already",
                $"{month} was locked for {node.Id} at {existing.LockedAt.ToOffset(ChinaStandardTime.Offset):O} by {existing.LockedBy}.").ToResult();
        var locked = new PeriodLock(id, node.Id, month, now, user.Name, command.Note?.Trim());
        session.Insert(locked);
        await session.SaveChangesAsync(cancellation);
        locks.Invalidate();
        await accessLog.WriteAsync(accessLog.Entry(http, user.Name, AccessAction.LockPeriod, detail: $"locked {month} for {node.Id}", nodes: [node.Id]), cancellation);
        return Results.Created($"/api/periods/locks/{Uri.EscapeDataString(id)}", locked);
    }
}
