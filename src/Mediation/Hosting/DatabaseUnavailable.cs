using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Mediation.Hosting;

/// <summary>
/// A request that failed because the database cannot be reached (stopped, restarting, its connections
/// cut, the network between down) is answered 503 problem details with <c>Retry-After</c>, not 500: the
/// client did nothing wrong and the same request may succeed in a few seconds. The service itself keeps
/// running and serves again as soon as the database answers (Npgsql opens fresh connections).
/// </summary>
public sealed class DatabaseUnavailable(IProblemDetailsService problems, ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        if (!IsLost(exception) || http.Response.HasStarted) return false;
        logger.LogWarning("{Method} {Path} answered 503: the database cannot be reached ({Reason})",
            http.Request.Method, Problems.Printable(http.Request.Path.ToString(), 200), exception.GetBaseException().Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = Problems.DatabaseUnavailable(), Exception = exception });
    }

    /// <summary>
    /// Whether the exception, or one it wraps (Marten and Wolverine wrap Npgsql's), says the database is out
    /// of reach: a failure on the client's side of the connection (refused, reset, broken pipe, timed out,
    /// no connection free in the pool), or the server ending or refusing the session (SQLSTATE class 08,
    /// 57P01-57P03 shutting down or starting up, 53300 too many connections, 26000 a statement the
    /// connection prepared no longer held by the server: met once on a pooled connection after the database
    /// went away and came back). Errors of a statement the server did run (a constraint, a conflict) are not.
    /// </summary>
    public static bool IsLost(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when postgres.SqlState.StartsWith("08") || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "26000":
                    return true;
                case PostgresException:
                    return false;
                // Two commands at once on one connection: the service's own mistake, not the database's absence.
                case NpgsqlOperationInProgressException:
                    return false;
                case NpgsqlException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsLost):
                    return true;
            }
        }
        return false;
    }
}
