using System.Globalization;
using Mediation.Cases;
using Mediation.Cases.Attachments;
using Mediation.Cases.Confirming;
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
    public string? ReferTo { get; set; }
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
    public string? Place { get; set; }
    public string? Mode { get; set; }
    public string? Mediators { get; set; }
    public string? NoticeMethod { get; set; }
    public string? PartyRole { get; set; }
    public string? OccurredAt { get; set; }
    public string? LateReason { get; set; }
    public string? CorrectsVersion { get; set; }
    public string? Category { get; set; }
    public string? Channel { get; set; }
    public string? Event { get; set; }
    public string? Court { get; set; }
    public string? At { get; set; }
    public string? RulingNumber { get; set; }
    public string? Colour { get; set; }
    public string? Leader { get; set; }
    public string? Duties { get; set; }
    public string? TargetAt { get; set; }
    public string? LeadUnit { get; set; }
    public string? LeadTask { get; set; }
    public string? LeadDueAt { get; set; }
    public string? CoUnit { get; set; }
    public string? CoTask { get; set; }
    public string? CoDueAt { get; set; }
    public string? UnitCode { get; set; }
    public string? Feedback { get; set; }
    public string? Completed { get; set; }
    public string? Units { get; set; }

    /// <summary>What was typed into a field (named as the API names it), to show a refused form as it was sent.</summary>
    public string? ValueOf(string field) => field switch
    {
        "gridCode" => GridCode, "assignee" => Assignee, "reason" => Reason, "referTo" => ReferTo, "note" => Note, "days" => Days, "approver" => Approver,
        "kind" => Kind, "target" => Target, "outcome" => Outcome, "agreementForm" => AgreementForm, "amount" => Amount,
        "performanceDueAt" => PerformanceDueAt, "opinion" => Opinion, "result" => Result, "satisfaction" => Satisfaction,
        "heldAt" => HeldAt, "place" => Place, "mode" => Mode, "mediators" => Mediators, "noticeMethod" => NoticeMethod, "partyRole" => PartyRole,
        "occurredAt" => OccurredAt, "lateReason" => LateReason, "correctsVersion" => CorrectsVersion, "category" => Category, "channel" => Channel,
        "event" => Event, "court" => Court, "at" => At, "rulingNumber" => RulingNumber,
        "colour" => Colour, "leader" => Leader, "duties" => Duties, "targetAt" => TargetAt,
        "leadUnit" => LeadUnit, "leadTask" => LeadTask, "leadDueAt" => LeadDueAt, "coUnit" => CoUnit, "coTask" => CoTask, "coDueAt" => CoDueAt,
        "unitCode" => UnitCode, "feedback" => Feedback, "completed" => Completed, "units" => Units,
        _ => null,
    };

    /// <summary>
    /// Whether a refusal's error key concerns <paramref name="field"/> of a dialog: the field itself, an item
    /// of it (<c>mediators[0]</c>), or a correction's change of it (<c>changes.amount</c>).
    /// </summary>
    public static bool IsAbout(string errorKey, string field) =>
        errorKey == field || errorKey.StartsWith(field + "[", StringComparison.Ordinal) || errorKey == "changes." + field;
}

/// <summary>
/// The commands on a case as the workbench offers them: every entry of <see cref="CaseCommands"/>, with
/// the endpoint's own access row, validation and decision, run through the same <see cref="CaseCommandRunner"/>.
/// </summary>
public sealed class CaseActions(CaseCommandRunner runner)
{
    /// <summary>
    /// The actions to show in dialogs on a case: the catalogue's entries with a dialog that <see cref="Offers"/> says
    /// the user may take now.
    /// </summary>
    public static IReadOnlyList<CaseCommandEntry> Offered(MediationCase state, CurrentUser user, DecisionContext context) =>
        CaseCommands.All.Where(a => a.InWorkbench && Offers(a, state, user, context)).ToList();

    /// <summary>
    /// Whether to offer an action on a case: not when it is handled outside the user's jurisdiction (the runner
    /// refuses it: <see cref="CurrentUser.Handles"/>); else when the user's roles may take it (the access table's
    /// row of the mirrored endpoint) and the command's own decision accepts one of its probes in the case's state.
    /// </summary>
    public static bool Offers(CaseCommandEntry action, MediationCase state, CurrentUser user, DecisionContext context) =>
        MayAct(action, state, user, context) && OpenProbes(action, state, context).Count > 0;

    /// <summary>The action's probes its decision accepts in the case's state (nothing written): the steps of a confirmation open now.</summary>
    static List<object> OpenProbes(CaseCommandEntry action, MediationCase state, DecisionContext context)
    {
        // Over object: an interface with a static abstract member cannot be a type argument.
        var open = new List<object>();
        foreach (var probe in action.Probes)
            if (Open(action, probe, state, context)) open.Add(probe);
        return open;
    }

    /// <summary>
    /// The values a dialog's choice offers on this case, where its state allows fewer than the form names: the steps
    /// of a judicial confirmation its decision accepts now (an application, then a ruling, then enforcement).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Enum>>? ChoicesOn(CaseCommandEntry action, MediationCase state, DecisionContext context) =>
        action.Record == typeof(RecordConfirmation)
            ? new Dictionary<string, IReadOnlyList<Enum>> { ["event"] = [.. OpenProbes(action, state, context).Cast<RecordConfirmation>().Select(c => (Enum)c.Event!.Value)] }
            : null;

    /// <summary>What a dialog starts with on this case: the court a confirmation was applied to, which rules on it.</summary>
    public static ActionForm? DefaultsOn(CaseCommandEntry action, MediationCase state) =>
        action.Record == typeof(RecordConfirmation) && state.Confirmation is { } confirmation ? new ActionForm { Court = confirmation.Court } : null;

    /// <summary>
    /// Whether the decision accepts this very command on the case now (one signatory's signature), for a user who
    /// may take the action: any refusal says no, since nothing in it is left for a form to fill.
    /// </summary>
    public static bool Accepts(CaseCommandEntry action, ICaseCommand command, MediationCase state, CurrentUser user, DecisionContext context)
    {
        if (!MayAct(action, state, user, context)) return false;
        try
        {
            action.Decide(command, state, context);
            return true;
        }
        catch (CaseRefusal)
        {
            return false;
        }
    }

    static bool MayAct(CaseCommandEntry action, MediationCase state, CurrentUser user, DecisionContext context) =>
        user.MayAct(context.Org, state, action.TakenFromDepartments) && AccessTable.Allows(user, action.AccessKey);

    static bool Open(CaseCommandEntry action, ICaseCommand probe, MediationCase state, DecisionContext context)
    {
        try
        {
            action.Decide(probe, state, context);
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
    }

    /// <summary>
    /// Runs the posted action dialog as the signed-in user, expecting the version the page showed: the
    /// same authorization, validation, decision and runner as <c>POST /api/cases/{id}/{action}</c>.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(HttpContext http, Guid caseId, ActionForm form, CancellationToken cancellation)
    {
        if (CaseCommands.Find(form.Action) is not { InWorkbench: true } action) return CommandOutcome.Refused(Problems.Invalid("action", FieldMessage.NoSuchAction(form.Action)));
        if (!AccessTable.Allows(CurrentUser.From(http), action.AccessKey))
            return CommandOutcome.Refused(AccessTable.ForbiddenFor(action.AccessKey));
        var posted = new PostedForm(form);
        var command = action.Read(posted);
        if (!posted.Reader.Check.IsValid) return CommandOutcome.Refused(Problems.Invalid(posted.Reader.Check));
        return await RunAsync(http, caseId, action, command, form.Version, cancellation);
    }

    /// <summary>
    /// Runs a command a section of the case page built (the agreement's text, a signature) as the signed-in user,
    /// expecting <paramref name="version"/>: the endpoint's access row, validation, decision and runner.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(HttpContext http, Guid caseId, CaseCommandEntry action, ICaseCommand command, long version,
        CancellationToken cancellation)
    {
        var user = CurrentUser.From(http);
        if (!AccessTable.Allows(user, action.AccessKey)) return CommandOutcome.Refused(AccessTable.ForbiddenFor(action.AccessKey));
        if (action.Validate(command) is ValidationProblemDetails invalid) return CommandOutcome.Refused(invalid);
        return await action.RunAsync(runner, Request(http, version), caseId, command, cancellation);
    }

    /// <summary>
    /// Runs the command <paramref name="name"/> with the JSON body its endpoint takes, read with the endpoints'
    /// serializer options as the API reads it: for a dialog written against an endpoint's contract rather than
    /// its record (archiving, <see cref="CaseArchive"/>).
    /// </summary>
    public async Task<CommandOutcome> RunAsync(HttpContext http, Guid caseId, string name, System.Text.Json.Nodes.JsonObject body, long version,
        CancellationToken cancellation)
    {
        if (CaseCommands.Find(name) is not { } action) return CommandOutcome.Refused(Problems.Invalid("action", FieldMessage.NoSuchAction(name)));
        ICaseCommand? command;
        try
        {
            command = System.Text.Json.JsonSerializer.Deserialize(body, action.Record, HttpJson.Options) as ICaseCommand;
        }
        catch (System.Text.Json.JsonException e)
        {
            return CommandOutcome.Refused(Problems.Invalid(RequestBody.Describe(HttpJson.Options.GetTypeInfo(action.Record), e)));
        }
        return command is null ? CommandOutcome.Refused(Problems.MissingBody) : await RunAsync(http, caseId, action, command, version, cancellation);
    }

    /// <summary>
    /// Adds the file of a posted upload form to the case, as <c>POST /api/cases/{id}/attachments</c> does: the
    /// same access row, the same reading of the file (kind by content, size), its bytes committed with its event.
    /// </summary>
    public async Task<CommandOutcome> AddAttachmentAsync(HttpContext http, Guid caseId, IFormCollection form, long version, CancellationToken cancellation)
    {
        var key = AccessTable.KeyOf("POST", AddAttachmentEndpoint.Route);
        if (!AccessTable.Allows(CurrentUser.From(http), key)) return CommandOutcome.Refused(AccessTable.ForbiddenFor(key));
        var (command, problem) = await AddAttachmentEndpoint.ReadAsync(form, cancellation);
        if (problem is not null) return CommandOutcome.Refused(problem);
        return await runner.RunAsync(Request(http, version), caseId, command!, AddAttachmentEndpoint.Decide, cancellation,
            AddAttachmentEndpoint.Store(caseId, command!));
    }

    static CommandRequest Request(HttpContext http, long version) =>
        new(CurrentUser.From(http), null, null, version > 0 ? version : null, http.TraceIdentifier);

    /// <summary>An action dialog's fields as the catalogue reads a command from them; what does not parse is collected in <see cref="Reader"/>.</summary>
    sealed class PostedForm(ActionForm form) : ICommandForm
    {
        public FormReader Reader { get; } = new();

        public string? Text(string field) => Reader.Text(form.ValueOf(field));
        public string? LongText(string field) => Reader.Text(form.ValueOf(field));
        public string? Grid(string field) => Reader.Text(form.ValueOf(field));
        public string? Department(string field) => Reader.Text(form.ValueOf(field));
        public bool? Flag(string field) => form.ValueOf(field) is "true" or "on" ? true : null;
        public T? Choice<T>(string field, params T[] except) where T : struct, Enum => Reader.Enum<T>(form.ValueOf(field), field);
        public int? Number(string field) => Reader.Number(form.ValueOf(field), field);
        public decimal? Money(string field) => Reader.Money(form.ValueOf(field), field);
        public DateTimeOffset? DateTime(string field) => Reader.Time(form.ValueOf(field), field);
        public DateTimeOffset? Date(string field) => Reader.Time(form.ValueOf(field), field);
        public IReadOnlyList<string>? List(string field) => Reader.List(form.ValueOf(field));
    }
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
        Check.Add(field, FieldMessage.OneOf(System.Enum.GetNames<T>()));
        return null;
    }

    public int? Number(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        Check.Add(field, FieldMessage.WholeNumber);
        return null;
    }

    public decimal? Money(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)) return n;
        Check.Add(field, FieldMessage.AmountInYuan);
        return null;
    }

    /// <summary>A browser's local date and time (<c>datetime-local</c>) or date, read as China Standard Time.</summary>
    public DateTimeOffset? Time(string? text, string field)
    {
        if (Trim(text) is not { } value) return null;
        if (DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
            return new DateTimeOffset(local, ChinaStandardTime.Offset).ToUniversalTime();
        Check.Add(field, FieldMessage.LocalDateTime);
        return null;
    }

    public IReadOnlyList<string>? List(string? text) =>
        Trim(text) is { } value ? value.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
}
