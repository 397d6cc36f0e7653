using System.Diagnostics;
using JasperFx;
using Marten;
using Marten.Services.BatchQuerying;
using Mediation.Cases.Deadlines;
using Mediation.Hosting;
using Mediation.Idempotency;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Mediation.Cases;

/// <summary>The answer to a command on a case: its id and the version it reached.</summary>
public sealed record CaseVersion(Guid Id, long Version);

/// <summary>
/// Who sends a command and under which conditions: the recording user, an optional idempotency key
/// (with the hash of the request it was sent with), an optional expected version (If-Match) and the
/// correlation id that goes into the events' metadata.
/// </summary>
public sealed record CommandRequest(CurrentUser User, string? IdempotencyKey, string? RequestHash, long? ExpectedVersion, string CorrelationId);

/// <summary>How a command ended: committed (with the answer to give) or refused (with its problem).</summary>
public sealed record CommandOutcome(int Status, object? Body, long Version, string? Location, ProblemDetails? Problem)
{
    public bool Succeeded => Problem is null;
    public bool Replayed { get; init; }
    public string? ETag => Succeeded ? CaseCommandRunner.ETagFor(Version) : null;
    public static CommandOutcome Refused(ProblemDetails problem) => new(problem.Status ?? 400, null, 0, null, problem);
}

/// <summary>
/// Carries a case command to committed events, the same way for every command and every caller
/// (HTTP endpoints, the seed command): Idempotency-Key replay, If-Match, the pure decision on freshly
/// read state, the events with who recorded them and the correlation id, deadline watches in the same
/// transaction (Wolverine's outbox), and a lost race decided again on fresh state. A success means
/// the events are committed.
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

    /// <summary>What one attempt produced: a refusal, or changes to commit and the answer to give then.</summary>
    public sealed record Answer(ProblemDetails? Refusal, int Status = 200, object? Body = null, long Version = 0, string? Location = null)
    {
        public static Answer Refuse(ProblemDetails problem) => new(problem);
    }

    public delegate Task<Answer> Attempt(IDocumentSession session, IMessageContext messages, CancellationToken cancellation);

    /// <summary>Decides and commits a command on an existing case.</summary>
    public Task<CommandOutcome> RunAsync<TCommand>(CommandRequest request, Guid caseId, TCommand command, CaseDecision<TCommand> decide,
        CancellationToken cancellation) where TCommand : ICaseCommand
    {
        // No case has the all-zero id (Marten refuses an empty stream id): it is answered as any unknown case.
        if (caseId == Guid.Empty) return Task.FromResult(CommandOutcome.Refused(Problems.NotFound($"There is no case {caseId}.")));
        JasperFx.Events.IEventStream<MediationCase>? prefetched = null;
        return ExecuteAsync(request, command, async (session, messages, token) =>
        {
            // The first attempt's stream may have come with the idempotency lookup, in one round trip.
            var stream = prefetched ?? await session.Events.FetchForWriting<MediationCase>(caseId, token);
            prefetched = null;
            var state = stream.Aggregate;
            if (state is null) return Answer.Refuse(Problems.NotFound($"There is no case {caseId}."));
            var context = await ContextAsync(token);
            // Outside the caller's jurisdiction a case does not exist, as far as the caller can tell.
            if (!request.User.Sees(context.Org, state)) return Answer.Refuse(Problems.NotFound($"There is no case {caseId}."));
            // Reading follows the case wherever it went; acting on it is for the units above where it is handled now.
            if (!request.User.Handles(context.Org, state)) return Answer.Refuse(Problems.HandledElsewhere(state, TCommand.Name, request.User));
            var version = stream.CurrentVersion ?? state.Version;
            if (request.ExpectedVersion is { } wanted && wanted != version) return Answer.Refuse(Problems.PreconditionFailed(wanted, version));

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
            return new Answer(null, StatusCodes.Status200OK, new CaseVersion(caseId, next), next);
        }, cancellation, caseId, batch =>
        {
            var stream = batch.Events.FetchForWriting<MediationCase>(caseId);
            return async () => prefetched = await stream;
        });
    }

    public async Task<DecisionContext> ContextAsync(CancellationToken cancellation) =>
        new(clock.GetUtcNow(), await org.CurrentAsync(cancellation), deadlines.Value);

    /// <summary>
    /// Runs <paramref name="attempt"/> in a fresh session (and outbox) until it commits. Refusals from
    /// the attempt end it without writing anything.
    /// </summary>
    /// <param name="prefetch">Reads the first attempt wants, enlisted in the batch that looks up the
    /// idempotency record in that attempt's session; it returns what to run once the batch is read.</param>
    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, object command, Attempt attempt, CancellationToken cancellation, Guid? caseId = null,
        Func<IBatchedQuery, Func<Task>>? prefetch = null)
    {
        string? recordId = null;
        if (request.IdempotencyKey is not null)
        {
            recordId = IdempotentRequest.IdFor(request.User.Name, request.IdempotencyKey);
            // With a prefetch the lookup goes with the first attempt's reads (below).
            if (prefetch is null && await ReplayAsync(recordId, request.RequestHash!, cancellation) is { } replay) return replay;
        }

        for (var attemptNumber = 1; ; attemptNumber++)
        {
            var messages = new MessageContext(runtime);
            await using var session = sessions.OpenSession(messages);
            session.LastModifiedBy = request.User.Name;
            session.CorrelationId = request.CorrelationId;

            if (attemptNumber == 1 && recordId is not null && prefetch is not null)
            {
                // The idempotency record and the case for writing in one batch: one round trip
                // instead of two sessions and three. A batched FetchForWriting enlists the stream in
                // this session as the plain one does, so the append is guarded the same way.
                var batch = session.CreateBatchQuery();
                var first = batch.Load<IdempotentRequest>(recordId);
                var complete = prefetch(batch);
                await batch.Execute(cancellation);
                if (Replay(await first, request.RequestHash!) is { } replay) return replay;
                await complete();
            }

            var answer = await attempt(session, messages, cancellation);
            if (answer.Refusal is not null) return CommandOutcome.Refused(answer.Refusal);

            if (recordId is not null)
            {
                session.Insert(new IdempotentRequest
                {
                    Id = recordId,
                    RequestHash = request.RequestHash!,
                    Status = answer.Status,
                    Body = System.Text.Json.JsonSerializer.Serialize(answer.Body, HttpJson.Options),
                    Location = answer.Location,
                    ETag = ETagFor(answer.Version),
                    CreatedAt = clock.GetUtcNow(),
                });
            }

            try
            {
                // Once decided, the commit is not cancelled: a caller that gave up must not leave the
                // outcome unknown to the service.
                await session.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e) when (IsConcurrencyFailure(e))
            {
                if (request.ExpectedVersion is { } expected)
                    return CommandOutcome.Refused(Problems.PreconditionFailed(expected, await CurrentVersionAsync(caseId, cancellation)));
                if (attemptNumber < Attempts)
                {
                    logger.LogInformation("Lost a race on case {Case}; deciding again on fresh state (attempt {Attempt})", caseId, attemptNumber + 1);
                    continue;
                }
                return CommandOutcome.Refused(Problems.Conflict("The case is being changed by others",
                    "The case changed while this command was being decided, several times in a row; read it again and retry."));
            }
            catch (DocumentAlreadyExistsException) when (recordId is not null)
            {
                // The same key raced itself: the first to commit won, and its answer is the answer.
                return await ReplayAsync(recordId, request.RequestHash!, cancellation)
                       ?? CommandOutcome.Refused(Problems.Conflict("Request in progress", "A request with this Idempotency-Key is still being processed."));
            }

            return new CommandOutcome(answer.Status, answer.Body, answer.Version, answer.Location, null);
        }
    }

    static bool IsConcurrencyFailure(Exception e) => e switch
    {
        ConcurrencyException => true,
        Marten.Exceptions.StreamLockedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsConcurrencyFailure),
        _ => false,
    };

    async Task<long> CurrentVersionAsync(Guid? caseId, CancellationToken cancellation)
    {
        if (caseId is not { } id) return 0;
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamStateAsync(id, cancellation))?.Version ?? 0;
    }

    async Task<CommandOutcome?> ReplayAsync(string recordId, string requestHash, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return Replay(await session.LoadAsync<IdempotentRequest>(recordId, cancellation), requestHash);
    }

    /// <summary>The first answer to repeat, if <paramref name="first"/> is a live record of the same request.</summary>
    CommandOutcome? Replay(IdempotentRequest? first, string requestHash)
    {
        if (first is null || first.CreatedAt < clock.GetUtcNow() - IdempotentRequest.Retention) return null;
        if (first.RequestHash != requestHash) return CommandOutcome.Refused(Problems.IdempotencyKeyReused());
        var version = long.TryParse(first.ETag?.Trim('"'), out var v) ? v : 0;
        return new CommandOutcome(first.Status, System.Text.Json.JsonDocument.Parse(first.Body).RootElement, version, first.Location, null)
        {
            Replayed = true,
        };
    }

    public static string ETagFor(long version) => $"\"{version}\"";

    // ---- HTTP: the request's headers in, the outcome as an answer out ----

    /// <summary>Runs a command on a case for an HTTP request and answers it.</summary>
    public async Task<IResult> Run<TCommand>(HttpContext http, Guid caseId, TCommand command, CaseDecision<TCommand> decide)
        where TCommand : ICaseCommand
    {
        var (request, problem) = RequestFrom(http, command);
        if (problem is not null) return problem.ToResult();
        return Respond(http, await RunAsync(request!, caseId, command, decide, http.RequestAborted));
    }

    /// <summary>Runs an attempt (filing a case, say) for an HTTP request and answers it.</summary>
    public async Task<IResult> Execute(HttpContext http, object command, Attempt attempt, Func<IBatchedQuery, Func<Task>>? prefetch = null)
    {
        var (request, problem) = RequestFrom(http, command);
        if (problem is not null) return problem.ToResult();
        return Respond(http, await ExecuteAsync(request!, command, attempt, http.RequestAborted, prefetch: prefetch));
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
