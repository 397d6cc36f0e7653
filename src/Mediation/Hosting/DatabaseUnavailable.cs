using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Mediation.Hosting;

/// <summary>
/// A request that failed because the database cannot be reached (stopped, restarting, its connections
/// cut, the network between down), or because the service already has every connection it may open in
/// use, is answered 503 problem details with <c>Retry-After</c>, not 500: the client did nothing wrong and
/// the same request may succeed in a few seconds. The service itself keeps running and serves again as
/// soon as the database answers (Npgsql opens fresh connections) or a connection is free.
/// </summary>
public sealed class DatabaseUnavailable(IProblemDetailsService problems, ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Why the database did not serve a request, if that is why it failed.</summary>
    public enum Trouble
    {
        None,
        /// <summary>The database is out of reach.</summary>
        Lost,
        /// <summary>Every connection is in use: the service's pool (<c>Max Pool Size</c>) or the server's <c>max_connections</c>.</summary>
        Busy,
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        var trouble = TroubleOf(exception);
        if (trouble == Trouble.None || http.Response.HasStarted) return false;
        logger.LogWarning("{Method} {Path} answered 503: {What} ({Reason})", http.Request.Method, Problems.Printable(http.Request.Path.ToString(), 200),
            trouble == Trouble.Busy ? "every database connection is in use" : "the database cannot be reached", exception.GetBaseException().Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        var problem = trouble == Trouble.Busy ? Problems.DatabaseBusy() : Problems.DatabaseUnavailable();
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// Whether the exception, or one it wraps (Marten and Wolverine wrap Npgsql's), says the database did not
    /// serve the request. Busy: no connection came free in the pool within its timeout (Npgsql says so only in
    /// its message), or the server has no connection slot left (53300). Lost: any other failure on the
    /// client's side of the connection (refused, reset, broken pipe, timed out), or the server ending or
    /// refusing the session (SQLSTATE class 08, 57P01-57P03 shutting down or starting up, 26000 a statement
    /// the connection prepared no longer held by the server: met once on a pooled connection after the
    /// database went away and came back). Errors of a statement the server did run (a constraint, a
    /// conflict) are neither.
    /// </summary>
    public static Trouble TroubleOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: "53300" }:
                    return Trouble.Busy;
                case PostgresException postgres when postgres.SqlState.StartsWith("08") || postgres.SqlState is "57P01" or "57P02" or "57P03" or "26000":
                    return Trouble.Lost;
                case PostgresException:
                    return Trouble.None;
                // Two commands at once on one connection: the service's own mistake, not the database's absence.
                case NpgsqlOperationInProgressException:
                    return Trouble.None;
                case NpgsqlException when e.Message.StartsWith(PoolExhausted, StringComparison.Ordinal):
                    return Trouble.Busy;
                case NpgsqlException:
                    return Trouble.Lost;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Select(TroubleOf).FirstOrDefault(t => t != Trouble.None);
            }
        }
        return Trouble.None;
    }

    /// <summary>How Npgsql's message begins when no pooled connection came free in time.</summary>
    public const string PoolExhausted = "The connection pool has been exhausted";
}
