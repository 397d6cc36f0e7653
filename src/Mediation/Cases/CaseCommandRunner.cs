using JasperFx;
using Marten;
using Marten.Services.BatchQuerying;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Recording;
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

/// <summary>
/// How a command ends: refused (its problem; nothing was written) or done (the status, body and
/// Location to answer, and the version the case reached). An attempt returns one before its changes
/// are committed; the runner returns it once they are.
/// </summary>
public sealed record CommandOutcome(int Status, object? Body, long Version, string? Location, ProblemDetails? Problem)
{
    public bool Succeeded => Problem is null;
    public bool Replayed { get; init; }
    /// <summary>The decision's refusal behind <see cref="Problem"/>, if a decision refused: its rule, for callers that word it themselves.</summary>
    public CaseRefusal? Refusal { get; init; }
    public string? ETag => Succeeded ? CaseCommandRunner.ETagFor(Version) : null;
    public static CommandOutcome Refused(ProblemDetails problem) => new(problem.Status ?? 400, null, 0, null, problem);
    public static CommandOutcome Done(int status, object body, long version, string? location = null) => new(status, body, version, location, null);
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
    IOptions<RecordingPolicy> recording,
    IOptions<Archiving.CaseFilePolicy> caseFile,
    Periods.PeriodLocks locks,
    TimeProvider clock,
    Telemetry.ServiceMetrics metrics,
    ILogger<CaseCommandRunner> logger)
{
    const int Attempts = 4;

    /// <summary>
    /// One try at a command in a fresh session: it reads, decides and stages its changes, and returns the
    /// outcome to give once they are committed. A <see cref="CaseRefusal"/> it throws ends the command.
    /// </summary>
    public delegate Task<CommandOutcome> Attempt(IDocumentSession session, IMessageContext messages, CancellationToken cancellation);

    /// <summary>
    /// What a command does besides appending its events: it may stage further writes in the same session (so
    /// in the same transaction), and it gives the answer once committed, from the case as the command left it
    /// and the version it reached.
    /// </summary>
    public delegate CommandOutcome Completion(IDocumentSession session, MediationCase after, CaseVersion reached);

    /// <summary>
    /// What a command needs besides the case before it is decided (a case file's number), read in the attempt once
    /// the case is read and the caller may act on it: the command to decide, given the state the decision sees.
    /// </summary>
    public delegate Task<TCommand> Preparation<TCommand>(TCommand command, MediationCase state, DecisionContext context, IDocumentSession session,
        CancellationToken cancellation);

    /// <summary>
    /// Decides and commits a command on an existing case; <paramref name="complete"/>, when given, adds its writes and its answer (else
    /// <see cref="CaseVersion"/>); <paramref name="prepare"/>, when given, completes the command before it is decided.
    /// </summary>
    public Task<CommandOutcome> RunAsync<TCommand>(CommandRequest request, Guid caseId, TCommand command, CaseDecision<TCommand> decide,
        CancellationToken cancellation, Completion? complete = null, Preparation<TCommand>? prepare = null) where TCommand : ICaseCommand
    {
        // No case has the all-zero id (Marten refuses an empty stream id): it is answered as any unknown case.
        if (caseId == Guid.Empty) return Task.FromResult(CommandOutcome.Refused(Problems.NotFound($"There is no case {caseId}.")));
        JasperFx.Events.IEventStream<MediationCase>? prefetched = null;
        return ExecuteAsync(request, TCommand.Name, command, async (session, messages, token) =>
        {
            // The first attempt's stream may have come with the idempotency lookup, in one round trip.
            var stream = prefetched ?? await session.Events.FetchForWriting<MediationCase>(caseId, token);
            prefetched = null;
            var state = stream.Aggregate;
            if (state is null) return CommandOutcome.Refused(Problems.NotFound($"There is no case {caseId}."));
            var context = await ContextAsync(request.User, token);
            // Outside the caller's jurisdiction a case does not exist, as far as the caller can tell.
            if (!request.User.Sees(context.Org, state)) return CommandOutcome.Refused(Problems.NotFound($"There is no case {caseId}."));
            // Reading follows the case wherever it went; acting on it is for the units above where it is handled now.
            if (!request.User.MayAct(context.Org, state, TCommand.TakenFromDepartments))
                return CommandOutcome.Refused(Problems.HandledElsewhere(state, TCommand.Name, request.User));
            // A department's user, who does not handle the case, speaks for their own department only.
            if (command is Dispatching.IDepartmentCommand { UnitCode: { } unit } && !request.User.Handles(context.Org, state)
                && !request.User.Covers(context.Org, unit.Trim()))
                return CommandOutcome.Refused(Problems.Forbidden($"'{TCommand.Name}' for another department",
                    $"You take part in case {state.CaseNumber} for {request.User.NodeCode}; {unit.Trim()} reports on its own task."));
            var version = stream.CurrentVersion ?? state.Version;
            if (request.ExpectedVersion is { } wanted && wanted != version) return CommandOutcome.Refused(Problems.PreconditionFailed(wanted, version));

            var prepared = prepare is null ? command : await prepare(command, state, context, session, token);
            var events = CaseTimeline.Decide(prepared, state, context, decide);
            stream.AppendMany(events);
            if (!string.IsNullOrWhiteSpace(prepared.LateReason)) session.SetHeader(LateEntry.ReasonHeader, prepared.LateReason.Trim());
            if (events.Count > 0 && events[0].OccurredAt < state.LatestAt) session.SetHeader(LateEntry.PlacedEarlierHeader, true);
            var after = events.Aggregate(state, (s, e) => s.Then(e));
            await DeadlineWatch.ScheduleAsync(messages, state, after, context.Deadlines, context.Now);
            var reached = new CaseVersion(caseId, version + events.Count);
            return complete?.Invoke(session, after, reached) ?? CommandOutcome.Done(StatusCodes.Status200OK, reached, reached.Version);
        }, cancellation, caseId, batch =>
        {
            var stream = batch.Events.FetchForWriting<MediationCase>(caseId);
            return async () => prefetched = await stream;
        });
    }

    /// <summary>What a decision of <paramref name="user"/> may consult.</summary>
    public async Task<DecisionContext> ContextAsync(CurrentUser user, CancellationToken cancellation) =>
        new(clock.GetUtcNow(), await org.CurrentAsync(cancellation), deadlines.Value)
        {
            Recording = recording.Value,
            CaseFile = caseFile.Value,
            Locks = await locks.CurrentAsync(cancellation),
            MayEnterLockedPeriods = user.IsIn(Roles.Supervisor),
        };

    /// <summary>
    /// Runs <paramref name="attempt"/> in a fresh session (and outbox) until it commits. A refusal the
    /// attempt returns, or a <see cref="CaseRefusal"/> its decision throws, ends it without writing
    /// anything; here a decision's refusal becomes problem details, for every command.
    /// </summary>
    /// <param name="prefetch">Reads the first attempt wants, enlisted in the batch that looks up the
    /// idempotency record in that attempt's session; it returns what to run once the batch is read.</param>
    /// <param name="name">The command as refusals name it, for its span and its count in the service's metrics.</param>
    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, string name, object command, Attempt attempt, CancellationToken cancellation,
        Guid? caseId = null, Func<IBatchedQuery, Func<Task>>? prefetch = null)
    {
        using var activity = Telemetry.ServiceMetrics.Source.StartActivity($"command {name}");
        activity?.SetTag("mediation.command", name);
        if (caseId is { } id) activity?.SetTag("mediation.case_id", id);
        var outcome = await DecideAndCommitAsync(request, command, attempt, cancellation, caseId, prefetch);
        activity?.SetTag("http.response.status_code", outcome.Status);
        if (!outcome.Succeeded) activity?.SetTag("mediation.refused", outcome.Refusal?.GetType().Name ?? outcome.Problem?.Title);
        metrics.Command(name, outcome);
        return outcome;
    }

    async Task<CommandOutcome> DecideAndCommitAsync(CommandRequest request, object command, Attempt attempt, CancellationToken cancellation, Guid? caseId,
        Func<IBatchedQuery, Func<Task>>? prefetch)
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
                // The idempotency record and what the attempt reads first (the case for writing, say)
                // travel in one batch. A batched FetchForWriting enlists the stream in this session as
                // the plain one does, so the append is guarded the same way.
                var batch = session.CreateBatchQuery();
                var first = batch.Load<IdempotentRequest>(recordId);
                var complete = prefetch(batch);
                await batch.Execute(cancellation);
                if (Replay(await first, request.RequestHash!) is { } replay) return replay;
                await complete();
            }

            CommandOutcome decided;
            try
            {
                decided = await attempt(session, messages, cancellation);
            }
            catch (CaseRefusal refusal)
            {
                return CommandOutcome.Refused(Problems.Refused(refusal)) with { Refusal = refusal };
            }
            if (!decided.Succeeded) return decided;

            if (recordId is not null)
            {
                session.Insert(new IdempotentRequest
                {
                    Id = recordId,
                    RequestHash = request.RequestHash!,
                    Status = decided.Status,
                    Body = System.Text.Json.JsonSerializer.Serialize(decided.Body, HttpJson.Options),
                    Location = decided.Location,
                    ETag = ETagFor(decided.Version),
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

            return decided;
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
}
