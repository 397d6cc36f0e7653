using System.Globalization;
using Mediation.Cases;
using Mediation.Cases.Accepting;
using Mediation.Cases.Assigning;
using Mediation.Cases.Closing;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Escalating;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Performance;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.Cases.Supervising;
using Mediation.Cases.TransferringOut;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Workbench.CaseFile;

/// <summary>
/// What an action dialog posts: every field any action needs, as typed. Empty fields are absent; a
/// field that does not parse is reported beside itself, like the API's validation.
/// </summary>
public sealed class ActionForm
{
    public string? Action { get; set; }
    public long Version { get; set; }
    /// <summary>The case, on pages that list several (the dashboard's overdue list).</summary>
    public Guid? CaseId { get; set; }
    public string? GridCode { get; set; }
    public string? Assignee { get; set; }
    public string? Reason { get; set; }
    public string? Note { get; set; }
    public string? Days { get; set; }
    public string? Approver { get; set; }
    public string? Kind { get; set; }
    public string? Target { get; set; }
    public string? Outcome { get; set; }
    public string? AgreementForm { get; set; }
    public string? Amount { get; set; }
    public string? PerformanceDueAt { get; set; }
    public string? Opinion { get; set; }
    public string? Result { get; set; }
    public string? Satisfaction { get; set; }
    public string? HeldAt { get; set; }
    public string? Mode { get; set; }
    public string? Mediators { get; set; }
    public string? NoticeMethod { get; set; }
    public string? PartyRole { get; set; }

    /// <summary>What was typed into a field (named as the API names it), to show a refused form as it was sent.</summary>
    public string? ValueOf(string field) => field switch
    {
        "gridCode" => GridCode, "assignee" => Assignee, "reason" => Reason, "note" => Note, "days" => Days, "approver" => Approver,
        "kind" => Kind, "target" => Target, "outcome" => Outcome, "agreementForm" => AgreementForm, "amount" => Amount,
        "performanceDueAt" => PerformanceDueAt, "opinion" => Opinion, "result" => Result, "satisfaction" => Satisfaction,
        "heldAt" => HeldAt, "mode" => Mode, "mediators" => Mediators, "noticeMethod" => NoticeMethod, "partyRole" => PartyRole,
        _ => null,
    };
}

/// <summary>
/// A command on a case as the workbench offers it. <see cref="AccessKey"/> is the row of the access
/// table of the API endpoint it mirrors; the command record, its validation and its decision are the
/// endpoint's own, and it runs through the same <see cref="CaseCommandRunner"/>.
/// </summary>
public sealed class CaseAction
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Fields { get; init; }
    public string AccessKey => $"POST /api/cases/{{id}}/{Name}";

    /// <summary>Whether the decision accepts the case's state (a probe command, nothing written).</summary>
    public required Func<MediationCase, DecisionContext, bool> OfferedIn { get; init; }

    public required Func<CaseCommandRunner, CommandRequest, Guid, ActionForm, CancellationToken, Task<CommandOutcome>> Run { get; init; }
}

public sealed class CaseActions(CaseCommandRunner runner)
{
    public static readonly IReadOnlyList<CaseAction> All =
    [
        Define("accept", ["noticeMethod", "reason"], AcceptPetitionEndpoint.Validate, AcceptPetitionEndpoint.Decide,
            new AcceptPetition(Cases.NoticeMethod.Written, null, null),
            (f, r) => new AcceptPetition(r.Enum<NoticeMethod>(f.NoticeMethod, "noticeMethod"), r.Text(f.Reason), null)),
        Define("not-accept", ["noticeMethod", "reason"], NotAcceptPetitionEndpoint.Validate, NotAcceptPetitionEndpoint.Decide,
            new NotAcceptPetition(Cases.NoticeMethod.Written, "probe", null),
            (f, r) => new NotAcceptPetition(r.Enum<NoticeMethod>(f.NoticeMethod, "noticeMethod"), r.Text(f.Reason), null)),
        Define("assign", ["gridCode", "assignee"], AssignCaseEndpoint.Validate, AssignCaseEndpoint.Decide,
            new AssignCase(null, "probe", null),
            (f, r) => new AssignCase(r.Text(f.GridCode), r.Text(f.Assignee), null)),
        Define("sessions", ["heldAt", "mode", "mediators", "note"], RecordSessionEndpoint.Validate, RecordSessionEndpoint.Decide,
            new RecordSession(SessionMode.InPerson, ["probe"]),
            (f, r) => new RecordSession(HeldAt: r.Time(f.HeldAt, "heldAt"), Mode: r.Enum<SessionMode>(f.Mode, "mode"), Mediators: r.List(f.Mediators), Note: r.Text(f.Note))),
        Define("refusal", ["partyRole", "note"], RecordRefusalEndpoint.Validate, RecordRefusalEndpoint.Decide,
            new RecordRefusal(Cases.PartyRole.Respondent, "probe", null),
            (f, r) => new RecordRefusal(r.Enum<PartyRole>(f.PartyRole, "partyRole"), r.Text(f.Note), null)),
        Define("escalate", ["reason", "note"], EscalateEndpoint.Validate, EscalateEndpoint.Decide,
            new Escalate(EscalationReason.MediationFailed, null, null),
            (f, r) => new Escalate(r.Enum<EscalationReason>(f.Reason, "reason"), r.Text(f.Note), null)),
        Define("send-back", ["note"], SendBackEndpoint.Validate, SendBackEndpoint.Decide,
            new SendBack(null, null),
            (f, r) => new SendBack(r.Text(f.Note), null)),
        Define("extend-deadline", ["days", "approver", "reason"], ExtendDeadlineEndpoint.Validate, ExtendDeadlineEndpoint.Decide,
            new ExtendDeadline(1, "probe", "probe", null),
            (f, r) => new ExtendDeadline(r.Number(f.Days, "days"), r.Text(f.Approver), r.Text(f.Reason), null)),
        Define("supervise", ["kind", "note"], SuperviseEndpoint.Validate, SuperviseEndpoint.Decide,
            new Supervise(SupervisionKind.Reminder, null, null),
            (f, r) => new Supervise(r.Enum<SupervisionKind>(f.Kind, "kind"), r.Text(f.Note), null)),
        Define("transfer-out", ["target", "note"], TransferOutEndpoint.Validate, TransferOutEndpoint.Decide,
            new TransferOut(TransferTarget.Court, null, null),
            (f, r) => new TransferOut(r.Enum<TransferTarget>(f.Target, "target"), r.Text(f.Note), null)),
        Define("resolve", ["outcome", "agreementForm", "amount", "performanceDueAt", "opinion", "note"], ResolveEndpoint.Validate, ResolveEndpoint.Decide,
            new Resolve(null, null, null, null, null, null, null),
            (f, r) => new Resolve(r.Enum<Outcome>(f.Outcome, "outcome"), r.Enum<AgreementForm>(f.AgreementForm, "agreementForm"),
                r.Money(f.Amount, "amount"), r.Time(f.PerformanceDueAt, "performanceDueAt"), r.Enum<Opinion>(f.Opinion, "opinion"), r.Text(f.Note), null)),
        Define("performance", ["result", "note"], RecordPerformanceEndpoint.Validate, RecordPerformanceEndpoint.Decide,
            new RecordPerformance(PerformanceResult.Full, null, null),
            (f, r) => new RecordPerformance(r.Enum<PerformanceResult>(f.Result, "result"), r.Text(f.Note), null)),
        Define("follow-up", ["satisfaction", "note"], RecordFollowUpEndpoint.Validate, RecordFollowUpEndpoint.Decide,
            new RecordFollowUp(Cases.Satisfaction.Satisfied, null, null),
            (f, r) => new RecordFollowUp(r.Enum<Satisfaction>(f.Satisfaction, "satisfaction"), r.Text(f.Note), null)),
        Define("close", [], CloseCaseEndpoint.Validate, CloseCaseEndpoint.Decide,
            new CloseCase(null),
            (_, _) => new CloseCase(null)),
        Define("reopen", ["reason"], ReopenEndpoint.Validate, ReopenEndpoint.Decide,
            new Reopen("probe", null),
            (f, r) => new Reopen(r.Text(f.Reason), null)),
        Define("review", ["reason"], RequestReviewEndpoint.Validate, RequestReviewEndpoint.Decide,
            new RequestReview("probe", null),
            (f, r) => new RequestReview(r.Text(f.Reason), null)),
    ];

    public static CaseAction? Find(string? name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>
    /// The actions to show on a case: none when it is handled outside the user's jurisdiction (the runner
    /// refuses them: <see cref="CurrentUser.Handles"/>); else those the user's roles may take (the access
    /// table's row of the mirrored endpoint) and that the command's own decision accepts in the case's state.
    /// </summary>
    public static IReadOnlyList<CaseAction> Offered(MediationCase state, CurrentUser user, DecisionContext context) =>
        !user.Handles(context.Org, state) ? [] : All.Where(a => AccessTable.Allows(user, a.AccessKey) && a.OfferedIn(state, context)).ToList();

    /// <summary>
    /// Runs the posted action as the signed-in user, expecting the version the page showed: the
    /// same authorization, validation, decision and runner as <c>POST /api/cases/{id}/{action}</c>.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(HttpContext http, Guid caseId, ActionForm form, CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        if (Find(form.Action) is not { } action) return CommandOutcome.Refused(Problems.Invalid("action", $"there is no action {form.Action}"));
        if (!AccessTable.Allows(user, action.AccessKey))
            return CommandOutcome.Refused(AccessTable.ForbiddenFor(action.AccessKey));
        var request = new CommandRequest(user, null, null, form.Version > 0 ? form.Version : null, http.TraceIdentifier);
        return await action.Run(runner, request, caseId, form, cancellation);
    }

    static CaseAction Define<TCommand>(string name, string[] fields, Func<TCommand, ProblemDetails> validate, CaseDecision<TCommand> decide,
        TCommand probe, Func<ActionForm, FormReader, TCommand> read) where TCommand : ICaseCommand => new()
    {
        Name = name,
        Fields = fields,
        OfferedIn = (state, context) =>
        {
            try
            {
                decide(probe, state, context);
                return true;
            }
            catch (CaseRefusal.NotAllowed)
            {
                return false;
            }
            catch (CaseRefusal)
            {
                // Refused for a field of the probe, not for the state: the action is open to a real form.
                return true;
            }
        },
        Run = async (runner, request, id, form, cancellation) =>
        {
            var reader = new FormReader();
            var command = read(form, reader);
            if (!reader.Check.IsValid) return CommandOutcome.Refused(Problems.Invalid(reader.Check.Errors));
            if (validate(command) is ValidationProblemDetails invalid) return CommandOutcome.Refused(invalid);
            return await runner.RunAsync(request, id, command, decide, cancellation);
        },
    };
}

/// <summary>Reads typed values from form text, collecting what does not parse as field errors.</summary>
public sealed class FormReader
{
    public Validation Check { get; } = new();

    public string? Text(string? text) => Trim(text);

    static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public T? Enum<T>(string? text, string field) where T : struct, Enum
    {
        if (Trim(text) is not { } value) return null;
        if (System.Enum.TryParse<T>(value, out var parsed) && System.Enum.IsDefined(parsed)) return parsed;
        Check.Add(field, $"must be one of {string.Join(", ", System.Enum.GetNames<T>())}");
        return null;
    }

    public int? Number(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        Check.Add(field, "must be a whole number");
        return null;
    }

    public decimal? Money(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)) return n;
        Check.Add(field, "must be an amount in yuan, such as 1200.50");
        return null;
    }

    /// <summary>A browser's local date and time (<c>datetime-local</c>) or date, read as China Standard Time.</summary>
    public DateTimeOffset? Time(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
            return new DateTimeOffset(local, ChinaStandardTime.Offset).ToUniversalTime();
        Check.Add(field, "must be a date and time, such as 2026-03-02T09:30");
        return null;
    }

    public IReadOnlyList<string>? List(string? text) =>
        Trim(text) is { } value ? value.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
}
