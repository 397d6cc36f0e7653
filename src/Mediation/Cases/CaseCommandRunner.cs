using System.Diagnostics;
using JasperFx;
using Marten;
using Mediation.Cases.Deadlines;
using Mediation.Hosting;
using Mediation.Idempotency;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Mediation.Cases;

/// <summary>The answer to a command on a case: its id and the version it reached.</summary>
public sealed record CaseVersion(Guid Id, long Version);

/// <summary>
/// Carries a case command from HTTP to committed events, the same way for every command:
/// Idempotency-Key replay, If-Match (412), the pure decision on freshly read state, the events with
/// who recorded them and the correlation id, deadline watches in the same transaction (Wolverine's
/// outbox), and a lost race decided again on fresh state. A 2xx answer means the events are committed.
/// </summary>
public sealed class CaseCommandRunner(
    OutboxedSessionFactory sessions,
    IWolverineRuntime runtime,
    IDocumentStore store,
    OrgDirectory org,
    IOptions<DeadlinePolicy> deadlines,
    TimeProvider clock,
    ILogger<CaseCommandRunner> logger)
{
    const int Attempts = 4;
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>What one attempt produced: a refusal to send as it is, or changes to commit and answer.</summary>
    public sealed record Answer(IResult? Refusal, int Status = 200, object? Body = null, long Version = 0, string? Location = null, bool VersionExpected = false)
    {
        public static Answer Refuse(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => new(problem.ToResult());
    }

    /// <summary>Decides and commits a command on an existing case.</summary>
    public Task<IResult> Run<TCommand>(HttpContext http, Guid caseId, TCommand command, CaseDecision<TCommand> decide)
        where TCommand : ICaseCommand
    {
        if (IfMatch(http.Request) is { problem: { } malformed }) return Task.FromResult(malformed.ToResult());
        var expected = IfMatch(http.Request).version;

        return Execute(http, command, async (session, messages, cancellation) =>
        {
            var stream = await session.Events.FetchForWriting<MediationCase>(caseId, cancellation);
            var state = stream.Aggregate;
            if (state is null) return Answer.Refuse(Problems.NotFound($"There is no case {caseId}."));
            var version = stream.CurrentVersion ?? state.Version;
            if (expected is { } wanted && wanted != version) return Answer.Refuse(Problems.PreconditionFailed(wanted, version));

            var context = await ContextAsync(cancellation);
            IReadOnlyList<ICaseEvent> events;
            try
            {
                events = decide(command, state, context);
            }
            catch (CaseRefusal refusal)
            {
                return Answer.Refuse(refusal.ToProblem());
            }

            stream.AppendMany(events);
            await DeadlineWatch.ScheduleAsync(messages, state, events, context.Now);
            var next = version + events.Count;
            return new Answer(null, StatusCodes.Status200OK, new CaseVersion(caseId, next), next, VersionExpected: expected is not null);
        });
    }

    public async Task<DecisionContext> ContextAsync(CancellationToken cancellation) =>
        new(clock.GetUtcNow(), await org.CurrentAsync(cancellation), deadlines.Value);

    /// <summary>
    /// Runs <paramref name="attempt"/> in a fresh session (and outbox) until it commits, and answers the
    /// request. Refusals from the attempt are answered without writing anything.
    /// </summary>
    public async Task<IResult> Execute(
        HttpContext http,
        object command,
        Func<IDocumentSession, IMessageContext, CancellationToken, Task<Answer>> attempt)
    {
        var cancellation = http.RequestAborted;
        var user = CurrentUser.From(http);
        var (key, keyProblem) = IdempotentRequest.KeyFrom(http.Request);
        if (keyProblem is not null) return keyProblem.ToResult();

        string? recordId = null, requestHash = null;
        if (key is not null)
        {
            recordId = IdempotentRequest.IdFor(user.Name, key);
            requestHash = IdempotentRequest.HashOf(http.Request, command);
            if (await ReplayAsync(http, recordId, requestHash, cancellation) is { } replay) return replay;
        }

        var correlationId = CorrelationIdOf(http);
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            var messages = new MessageContext(runtime);
            await using var session = sessions.OpenSession(messages);
            session.LastModifiedBy = user.Name;
            session.CorrelationId = correlationId;

            var answer = await attempt(session, messages, cancellation);
            if (answer.Refusal is not null) return answer.Refusal;

            if (recordId is not null)
            {
                session.Insert(new IdempotentRequest
                {
                    Id = recordId,
                    RequestHash = requestHash!,
                    Status = answer.Status,
                    Body = System.Text.Json.JsonSerializer.Serialize(answer.Body, JsonOptions.Web),
                    Location = answer.Location,
                    ETag = ETagFor(answer.Version),
                    CreatedAt = clock.GetUtcNow(),
                });
            }

            try
            {
                // A client that gives up after sending must not leave the outcome unknown to the service:
                // once decided, the commit is not cancelled.
                await session.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e) when (IsConcurrencyFailure(e))
            {
                if (answer.VersionExpected)
                    return Problems.PreconditionFailed(IfMatch(http.Request).version ?? 0, await CurrentVersionAsync(http, cancellation)).ToResult();
                if (attemptNumber < Attempts)
                {
                    logger.LogInformation("Lost a race on {Path}; deciding again on fresh state (attempt {Attempt})", http.Request.Path, attemptNumber + 1);
                    continue;
                }
                return Problems.Conflict("The case is being changed by others",
                    "The case changed while this command was being decided, several times in a row; read it again and retry.").ToResult();
            }
            catch (DocumentAlreadyExistsException) when (recordId is not null)
            {
                // The same key raced itself: the first to commit won, and its answer is the answer.
                return await ReplayAsync(http, recordId, requestHash!, cancellation)
                       ?? Problems.Conflict("Request in progress", "A request with this Idempotency-Key is still being processed.").ToResult();
            }

            return Respond(http, answer.Status, answer.Body, answer.Location, ETagFor(answer.Version));
        }
    }

    static bool IsConcurrencyFailure(Exception e) => e switch
    {
        ConcurrencyException => true,
        Marten.Exceptions.StreamLockedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsConcurrencyFailure),
        _ => false,
    };

    async Task<long> CurrentVersionAsync(HttpContext http, CancellationToken cancellation)
    {
        if (!Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var id)) return 0;
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamStateAsync(id, cancellation))?.Version ?? 0;
    }

    async Task<IResult?> ReplayAsync(HttpContext http, string recordId, string requestHash, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var first = await session.LoadAsync<IdempotentRequest>(recordId, cancellation);
        if (first is null || first.CreatedAt < clock.GetUtcNow() - IdempotentRequest.Retention) return null;
        if (first.RequestHash != requestHash) return Problems.IdempotencyKeyReused().ToResult();
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return Respond(http, first.Status, System.Text.Json.JsonDocument.Parse(first.Body).RootElement, first.Location, first.ETag);
    }

    static IResult Respond(HttpContext http, int status, object? body, string? location, string? etag)
    {
        if (etag is not null) http.Response.Headers.ETag = etag;
        if (location is not null) http.Response.Headers.Location = location;
        return Results.Json(body, JsonOptions.Web, statusCode: status);
    }

    public static string ETagFor(long version) => $"\"{version}\"";

    /// <summary>The version an <c>If-Match</c> header asks for: <c>"7"</c> (or <c>W/"7"</c>, or <c>*</c> for any).</summary>
    public static (long? version, Microsoft.AspNetCore.Mvc.ProblemDetails? problem) IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return (null, null);
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        tag = tag.Trim('"');
        return long.TryParse(tag, System.Globalization.NumberStyles.None, null, out var version) && version > 0
            ? (version, null)
            : (null, Problems.Invalid("If-Match", "must be the case's ETag, a quoted version such as \"3\""));
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
