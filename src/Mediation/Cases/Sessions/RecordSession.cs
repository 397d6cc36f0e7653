using Mediation.Cases.Recording;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Sessions;

/// <summary>
/// 调解记录: a mediation session held; its business time is when it was held. Where it was held and which
/// parties (by id) took part are what its record prints, when given; <see cref="Units"/>, the departments the case
/// was dispatched to that sat in (联调, joint mediation).
/// </summary>
public sealed record RecordSession(SessionMode? Mode, IReadOnlyList<string>? Mediators, DateTimeOffset? HeldAt = null, string? Note = null,
    string? Place = null, IReadOnlyList<Guid>? Present = null, DateTimeOffset? OccurredAt = null, string? LateReason = null,
    IReadOnlyList<string>? Units = null) : ICaseCommand
{
    public static string Name => RecordSessionEndpoint.Command;

    public DateTimeOffset? BusinessTime => HeldAt ?? OccurredAt;
}

public static class RecordSessionEndpoint
{
    public const string Command = "record a session";

    public static ProblemDetails Validate(RecordSession command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Enum(command.Mode, "mode")
            .Text(command.Note, "note", 4000, required: false)
            .Text(command.Place, "place", 200, required: false)
            .Require(command.HeldAt is null || command.OccurredAt is null || command.HeldAt == command.OccurredAt,
                "occurredAt", FieldMessage.EqualsHeldAt);
        if (command.Mediators is not { Count: > 0 and <= 20 }) check.Add("mediators", FieldMessage.OneToTwentyMediators);
        else
            for (var i = 0; i < command.Mediators.Count; i++) check.Text(command.Mediators[i], $"mediators[{i}]", 64);
        if (command.Present is { Count: > 50 }) check.Add("present", FieldMessage.AtMostParties(50));
        else
            for (var i = 0; i < (command.Present?.Count ?? 0); i++)
                check.Require(command.Present![i] != Guid.Empty, $"present[{i}]", FieldMessage.PartyIdRequired);
        if (command.Units is { Count: > Dispatching.DispatchCaseEndpoint.MaxTasks }) check.Add("units", FieldMessage.AtMostTwentyUnits);
        else
            for (var i = 0; i < (command.Units?.Count ?? 0); i++) check.Text(command.Units![i], $"units[{i}]", 32);
        return check.Text(command.LateReason, "lateReason", 1000, required: false).Result();
    }

    public static IReadOnlyList<ICaseEvent> Decide(RecordSession command, MediationCase state, DecisionContext context)
    {
        ActRules.Session(state, Command);
        var present = command.Present ?? [];
        for (var i = 0; i < present.Count; i++)
            if (!state.Parties.Any(p => p.PartyId == present[i]))
                throw new CaseRefusal.InvalidField($"present[{i}]", RefusalCode.NotAPartyOfTheCase, "is not a party of the case");
        var units = command.Units?.Select(u => u.Trim()).Distinct().ToList() ?? [];
        for (var i = 0; i < units.Count; i++)
            if (!(state.Tasks ?? []).Any(t => t.UnitCode == units[i]))
                throw new CaseRefusal.InvalidField($"units[{i}]", RefusalCode.NotDispatchedTo, $"the case was not dispatched to {units[i]}", units[i]);
        return [new MediationSessionHeld(command.Mode!.Value, command.Mediators!.Select(m => m.Trim()).ToList(), command.Note?.Trim(), context.At,
            command.Place?.Trim(), present.Count > 0 ? present.Distinct().ToList() : null, units.Count > 0 ? units : null)];
    }

    [WolverinePost("/api/cases/{id}/sessions", OperationId = "RecordSession")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, RecordSession command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
