using System.Diagnostics;
using Marten.Services.BatchQuerying;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Idempotency;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Cases;

/// <summary>
/// The command runner as an HTTP endpoint uses it: the request's Idempotency-Key, If-Match and
/// correlation id in, the outcome out as the answer (ETag, Location, Idempotent-Replayed, or problem details).
/// </summary>
public static class CaseCommandHttp
{
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>
    /// Runs a command on a case for an HTTP request and answers it (as <paramref name="complete"/> says, if given;
    /// <paramref name="prepare"/> completes the command before it is decided).
    /// </summary>
    public static async Task<IResult> Run<TCommand>(this CaseCommandRunner runner, HttpContext http, Guid caseId, TCommand command,
        CaseDecision<TCommand> decide, CaseCommandRunner.Completion? complete = null, CaseCommandRunner.Preparation<TCommand>? prepare = null)
        where TCommand : ICaseCommand
    {
        var (request, problem) = RequestFrom(http, command);
        if (problem is not null) return problem.ToResult();
        return Respond(http, await runner.RunAsync(request!, caseId, command, decide, http.RequestAborted, complete, prepare));
    }

    /// <summary>Runs an attempt (filing a case, say) for an HTTP request and answers it.</summary>
    public static async Task<IResult> Execute(this CaseCommandRunner runner, HttpContext http, string name, object command, CaseCommandRunner.Attempt attempt,
        Func<IBatchedQuery, Func<Task>>? prefetch = null)
    {
        var (request, problem) = RequestFrom(http, command);
        if (problem is not null) return problem.ToResult();
        return Respond(http, await runner.ExecuteAsync(request!, name, command, attempt, http.RequestAborted, prefetch: prefetch));
    }

    static (CommandRequest? request, ProblemDetails? problem) RequestFrom(HttpContext http, object command)
    {
        var (key, keyProblem) = IdempotentRequest.KeyFrom(http.Request);
        if (keyProblem is not null) return (null, keyProblem);
        var (expected, ifMatchProblem) = IfMatch(http.Request);
        if (ifMatchProblem is not null) return (null, ifMatchProblem);
        return (new CommandRequest(CurrentUser.From(http), key, key is null ? null : IdempotentRequest.HashOf(http.Request, command),
            expected, CorrelationIdOf(http)), null);
    }

    static IResult Respond(HttpContext http, CommandOutcome outcome)
    {
        if (outcome.Problem is not null) return outcome.Problem.ToResult();
        if (outcome.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        http.Response.Headers.ETag = outcome.ETag;
        if (outcome.Location is not null) http.Response.Headers.Location = outcome.Location;
        return Results.Json(outcome.Body, HttpJson.Options, statusCode: outcome.Status);
    }

    /// <summary>The version an <c>If-Match</c> header asks for: <c>"7"</c> (or <c>W/"7"</c>, or <c>*</c> for any).</summary>
    public static (long? version, ProblemDetails? problem) IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return (null, null);
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        tag = tag.Trim('"');
        return long.TryParse(tag, System.Globalization.NumberStyles.None, null, out var version) && version > 0
            ? (version, null)
            : (null, Problems.Invalid("If-Match", FieldMessage.ETagShape));
    }

    static string CorrelationIdOf(HttpContext http)
    {
        var given = http.Request.Headers[CorrelationHeader].ToString();
        var id = given is { Length: > 0 and <= 100 } && given.All(c => c is > ' ' and <= '~')
            ? given
            : Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        http.Response.Headers[CorrelationHeader] = id;
        return id;
    }
}
