using Mediation.Common;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Hosting;

/// <summary>RFC 9457 answers. Every refusal the service gives is built here, so they all look alike.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ValidationProblemDetails Invalid(IDictionary<string, string[]> errors, string? detail = null) => new(errors)
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Detail = detail ?? string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))),
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    };

    /// <summary>Field errors, keeping each message's key for the callers that word them themselves (<see cref="MessagesOf"/>).</summary>
    public static ValidationProblemDetails Invalid(Validation check) => new FieldProblems(check.Messages, Invalid(check.Errors));

    public static ValidationProblemDetails Invalid(string field, FieldMessage message) => Invalid(new Validation().Add(field, message));

    public static ValidationProblemDetails MissingBody => Invalid("body", FieldMessage.JsonObjectRequired);

    /// <summary>
    /// The field errors of a refusal with their keys. Errors not built from a <see cref="Validation"/> (a
    /// body that is not the JSON expected) have no key and keep the API's words.
    /// </summary>
    public static IReadOnlyDictionary<string, FieldMessage[]> MessagesOf(ProblemDetails? problem) => problem switch
    {
        FieldProblems keyed => keyed.Messages,
        ValidationProblemDetails plain => plain.Errors.ToDictionary(e => e.Key, e => e.Value.Select(text => new FieldMessage("", text, [])).ToArray()),
        _ => new Dictionary<string, FieldMessage[]>(),
    };

    /// <summary>Field errors with their messages' keys beside them; the keys are not part of the answer.</summary>
    sealed class FieldProblems : ValidationProblemDetails
    {
        public FieldProblems(IReadOnlyDictionary<string, FieldMessage[]> messages, ValidationProblemDetails answer) : base(answer.Errors)
        {
            Messages = messages;
            (Status, Title, Detail, Type) = (answer.Status, answer.Title, answer.Detail, answer.Type);
        }

        [System.Text.Json.Serialization.JsonIgnore]
        public IReadOnlyDictionary<string, FieldMessage[]> Messages { get; }
    }

    public static ProblemDetails NotFound(string detail) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Not found",
        Detail = detail,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
    };

    public static ProblemDetails Forbidden(string title, string detail) => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Title = title,
        Detail = detail,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
    };

    /// <summary>
    /// A node that does not exist and a node outside the caller's jurisdiction get this same answer,
    /// wherever the request names it, so that neither existence nor place leaks.
    /// </summary>
    public static ProblemDetails NoNode(string? code) => NotFound($"There is no node {code} in your jurisdiction.");

    /// <summary>
    /// A command on a case the caller may read but that is handled outside their jurisdiction. It names
    /// where the case is handled now, so a reader learns why they cannot act and whom to ask.
    /// </summary>
    public static ProblemDetails HandledElsewhere(Cases.MediationCase state, string command, Security.CurrentUser user)
    {
        var problem = Forbidden("The case is handled outside your jurisdiction",
            $"Cannot {command} case {state.CaseNumber}: it is handled at the {state.Level} {state.HandlingNodeCode} now, outside your " +
            $"jurisdiction {user.NodeCode}. You may read it; acting on it needs jurisdiction over {state.HandlingNodeCode}.");
        problem.Extensions["command"] = command;
        problem.Extensions["handlingNodeCode"] = state.HandlingNodeCode;
        problem.Extensions["level"] = state.Level.ToString();
        return problem;
    }

    /// <summary>
    /// A decision's refusal as the API answers it: a command the state does not allow is 409 naming the
    /// command, state and level; a field that does not fit the case is 400 naming it; a node is 404.
    /// </summary>
    public static ProblemDetails Refused(Cases.CaseRefusal refusal) => refusal switch
    {
        Cases.CaseRefusal.NotAllowed notAllowed => Conflict(
            $"'{notAllowed.Command}' is not allowed while the case is {notAllowed.State.Status}",
            $"Cannot {notAllowed.Command} case {notAllowed.State.CaseNumber} (status {notAllowed.State.Status}, level {notAllowed.State.Level}): {notAllowed.Reason}",
            new Dictionary<string, object?>
            {
                ["command"] = notAllowed.Command, ["state"] = notAllowed.State.Status.ToString(), ["level"] = notAllowed.State.Level.ToString(),
            }.Concat(NamedIn(notAllowed)).ToDictionary()),
        Cases.CaseRefusal.Contradicts contradicts => Conflict(
            $"'{contradicts.Command}' would contradict a later act of the case",
            $"Cannot {contradicts.Command} case {contradicts.State.CaseNumber} at that time: the {contradicts.Later.Event.GetType().Name} of " +
            $"{contradicts.Later.Event.OccurredAt.ToOffset(ChinaStandardTime.Offset):O} (version {contradicts.Later.Version}) would no longer be allowed: {contradicts.Why.Message}",
            new Dictionary<string, object?>
            {
                ["command"] = contradicts.Command, ["state"] = contradicts.State.Status.ToString(), ["level"] = contradicts.State.Level.ToString(),
                ["contradicts"] = new Dictionary<string, object?>
                {
                    ["version"] = contradicts.Later.Version, ["type"] = contradicts.Later.Event.GetType().Name,
                    ["occurredAt"] = contradicts.Later.Event.OccurredAt.ToOffset(ChinaStandardTime.Offset),
                },
            }),
        Cases.CaseRefusal.PeriodLocked locked => Forbidden($"{locked.Lock.Month} is locked for {locked.Lock.NodeCode}",
            $"The report for {locked.Lock.Month} was sent and the month locked at {locked.Lock.LockedAt.ToOffset(ChinaStandardTime.Offset):O} by {locked.Lock.LockedBy}; " +
            "only a supervisor enters acts dated into it, with a reason."),
        Cases.CaseRefusal.InvalidField invalid => Invalid(invalid.Field, FieldMessage.Refused(invalid)),
        Cases.CaseRefusal.UnknownNode unknown => NoNode(unknown.NodeCode),
        _ => throw new System.Diagnostics.UnreachableException($"No answer for the refusal {refusal.GetType().Name}"),
    };

    /// <summary>What a refusal names besides the command and the state: the archive it is in, the items a case file lacks.</summary>
    static IEnumerable<KeyValuePair<string, object?>> NamedIn(Cases.CaseRefusal.NotAllowed refusal) => refusal.Code switch
    {
        Cases.RefusalCode.CaseFileArchived => [new("fileNumber", refusal.State.Archive?.FileNumber)],
        Cases.RefusalCode.MandatoryItemsMissing => [new("missing", refusal.Arguments[0])],
        _ => [],
    };

    public static ProblemDetails Conflict(string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = title,
            Detail = detail,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return problem;
    }

    public static ProblemDetails PreconditionFailed(long expected, long actual) => new()
    {
        Status = StatusCodes.Status412PreconditionFailed,
        Title = "The case has changed since it was read",
        Detail = $"If-Match asked for version {expected} but the case is at version {actual}; read it again and retry.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        Extensions = { ["currentVersion"] = actual },
    };

    public static ProblemDetails IdempotencyKeyReused() => new()
    {
        Status = StatusCodes.Status422UnprocessableEntity,
        Title = "Idempotency-Key reused with another request",
        Detail = "This Idempotency-Key was already used for a different request; use a new key for a new request.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.21",
    };

    public static ProblemDetails TooManyRequests(string title, string detail) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = title,
        Detail = detail,
        Type = "https://tools.ietf.org/html/rfc6585#section-4",
    };

    /// <summary>Every connection the service may open is in use: try again shortly (<see cref="DatabaseUnavailable"/>).</summary>
    public static ProblemDetails DatabaseBusy() =>
        TryAgainShortly("The service is busy", "Every database connection of the service is in use by other requests.");

    /// <summary>The database cannot be reached: try again shortly (<see cref="DatabaseUnavailable"/>).</summary>
    public static ProblemDetails DatabaseUnavailable() =>
        TryAgainShortly("The database cannot be reached", "The service cannot reach its database just now.");

    static ProblemDetails TryAgainShortly(string title, string why) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = title,
        Detail = why + " Try again in a few seconds; a command sent again with the same Idempotency-Key is carried out at most once, " +
                 "whether or not this attempt was.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
    };

    public static IResult ToResult(this ProblemDetails problem) => Results.Problem(problem);

    /// <summary>
    /// What a Wolverine <c>Validate</c> method returns for <paramref name="check"/>: go on, or 400 naming the
    /// fields, so an invalid request stops before anything is read or written.
    /// </summary>
    public static ProblemDetails Result(this Validation check) => check.IsValid ? WolverineContinue.NoProblems : Invalid(check);

    /// <summary>
    /// Text a client sent, fit for a problem's field name or a log line: control characters escaped
    /// (a line break in a path must not forge a log line), at most <paramref name="max"/> characters.
    /// </summary>
    public static string Printable(string text, int max = 100)
    {
        var shown = string.Concat(text.Take(max).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > max ? shown + "…" : shown;
    }
}
