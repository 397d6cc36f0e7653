using System.Text.Json;
using Marten;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Cases.Recording;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Correcting;

/// <summary>
/// 更正: a supervisor corrects an act recorded earlier (named by the version it was recorded at): its
/// business time, or fields such as the category, channel, outcome, amount or satisfaction, with a reason.
/// The correction is an event of its own; the act it corrects stays in the history. On an archived case it
/// reopens the file (<see cref="CaseFileReopened"/>, recorded with it).
/// </summary>
public sealed record CorrectAct(long? CorrectsVersion, Dictionary<string, JsonElement>? Changes, string? Reason,
    DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => CorrectActEndpoint.Command;

    /// <summary>A supervisor corrects an archived case too, and the correction reopens its file.</summary>
    public static bool ReopensArchivedFile => true;
}

public static class CorrectActEndpoint
{
    public const string Command = "correct";

    public static ProblemDetails Validate(CorrectAct command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Require(command.CorrectsVersion is >= 1, "correctsVersion", FieldMessage.PositiveWholeNumber)
            .Text(command.Reason, "reason", 1000)
            .Require(command.OccurredAt is null, "occurredAt", FieldMessage.CorrectionIsRecordedNow)
            .Text(command.LateReason, "lateReason", 1000, required: false);
        if (command.Changes is not { Count: > 0 and <= 10 }) check.Add("changes", FieldMessage.OneToTenChanges);
        else
            foreach (var (field, value) in command.Changes)
                if (Correction.Parse(field, value).problem is { } problem) check.Add($"changes.{field}", problem);
        return check.Result();
    }

    public static IReadOnlyList<ICaseEvent> Decide(CorrectAct command, MediationCase state, DecisionContext context)
    {
        var act = state.Acts.FirstOrDefault(a => a.Version == command.CorrectsVersion)
                  ?? throw new CaseRefusal.InvalidField("correctsVersion", RefusalCode.NotAnAct, $"names no act of case {state.CaseNumber} that can be corrected");
        var fields = Correction.FieldsOf(act.Event);
        if (fields.Count == 0)
            throw new CaseRefusal.InvalidField("correctsVersion", RefusalCode.NotAnAct, $"names a {act.Event.GetType().Name}, which the service recorded itself");

        var changes = new List<FieldCorrection>();
        foreach (var (field, value) in command.Changes!.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!fields.Contains(field))
                throw new CaseRefusal.InvalidField($"changes.{field}", RefusalCode.NotCorrectable,
                    $"cannot be corrected on a {act.Event.GetType().Name}; its correctable fields are {string.Join(", ", fields)}", string.Join(", ", fields));
            var after = Correction.Parse(field, value).value;
            var before = Correction.Read(act.Event, field);
            // A field sent with the value the act already has (a cleared amount beside a changed outcome) is no change.
            if (before != after) changes.Add(new FieldCorrection(field, before, after));
        }
        if (changes.Count == 0)
            throw new CaseRefusal.InvalidField(command.Changes!.Count == 1 ? $"changes.{command.Changes.Keys.Single()}" : "changes",
                RefusalCode.UnchangedByCorrection, "changes nothing: the act already says so");

        var corrected = Correction.Apply(act.Event, changes);
        // A receipt may move earlier; any other act stays within the case's life.
        CaseTimeline.Within(corrected.OccurredAt, act.Event is CaseFiled ? DecisionContext.Earliest : state.ReceivedAt, context, "changes.occurredAt");
        if (corrected is CaseResolved resolved) ResolveOutcome(resolved, state.Kind);

        var acts = state.Acts.Select(a => a.Version == act.Version ? a with { Event = corrected } : a)
            .OrderBy(a => a.Event.OccurredAt).ThenBy(a => a.Version).ToList();
        if (acts[0].Event is not CaseFiled)
            throw new CaseRefusal.InvalidField("changes.occurredAt", RefusalCode.BeforeReceipt, "must not be later than an act of the case it received",
                acts[0].Event.OccurredAt.ToOffset(ChinaStandardTime.Offset));
        CaseTimeline.CheckAll(Command, state, acts, context);
        var correction = new ActCorrected(act.Version, act.Event.GetType().Name, changes, command.Reason!.Trim(), context.Now);
        // An archived file is opened again by the correction, and archived again under its number once checked.
        return state.Archive is { } archive ? [correction, new CaseFileReopened(archive.FileNumber, correction.Reason, context.Now)] : [correction];
    }

    /// <summary>A corrected resolution holds to the rules a resolution is recorded by, its fields named as changes.</summary>
    static void ResolveOutcome(CaseResolved resolved, CaseKind kind)
    {
        try
        {
            Resolving.ResolveEndpoint.CheckOutcome(resolved, kind);
        }
        catch (CaseRefusal.InvalidField invalid)
        {
            throw new CaseRefusal.InvalidField($"changes.{invalid.Field}", invalid.Code, invalid.Reason, [.. invalid.Arguments]);
        }
    }

    /// <summary>The workbench's correction dialog: the act's version, the fields to change (blank: unchanged) and the reason.</summary>
    public static CorrectAct FromForm(ICommandForm form)
    {
        var version = form.Number("correctsVersion");
        var values = new (string field, object? value)[]
        {
            ("occurredAt", form.DateTime("occurredAt")),
            ("category", form.Text("category")),
            ("channel", form.Choice<Channel>("channel")),
            ("outcome", form.Choice("outcome", except: Outcome.TransferredOut)),
            ("agreementForm", form.Choice<AgreementForm>("agreementForm")),
            ("amount", form.Money("amount")),
            ("satisfaction", form.Choice<Satisfaction>("satisfaction")),
            ("result", form.Choice<PerformanceResult>("result")),
        };
        var reason = form.LongText("reason");
        var changes = values.Where(v => v.value is not null)
            .ToDictionary(v => v.field, v => JsonSerializer.SerializeToElement(v.value, HttpJson.Options));
        return new CorrectAct(version, changes, reason);
    }

    [WolverinePost("/api/cases/{id}/corrections", OperationId = "CorrectAct")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(Guid id, CorrectAct command, HttpContext http, CaseCommandRunner runner)
    {
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        if (command.Changes!.TryGetValue("category", out var category) &&
            await session.LoadAsync<Category>(category.GetString()!.Trim(), http.RequestAborted) is null)
            return Problems.Refused(new CaseRefusal.InvalidField("changes.category", RefusalCode.UnknownCategory, "is not a category of the code table")).ToResult();
        return await runner.Run(http, id, command, Decide);
    }
}
