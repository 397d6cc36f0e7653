using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Dispatching;

/// <summary>
/// A department reports on its task: progress, or with <see cref="Completed"/> that it is done. Its own users record
/// it (the unit is then theirs when not given); the centre may record it for the unit too.
/// </summary>
public sealed record RecordDepartmentFeedback(string? Feedback, string? UnitCode = null, bool? Completed = null, DateTimeOffset? OccurredAt = null,
    string? LateReason = null) : ICaseCommand, IDepartmentCommand
{
    public static string Name => RecordDepartmentFeedbackEndpoint.Command;

    /// <summary>A department's users act on the cases dispatched to them, though they do not handle them.</summary>
    static bool ICaseCommand.TakenFromDepartments => true;
}

public static class RecordDepartmentFeedbackEndpoint
{
    public const string Command = "department-feedback";

    public static ProblemDetails Validate(RecordDepartmentFeedback command) => command is null ? Problems.MissingBody : new Validation()
        .Text(command.UnitCode, "unitCode", 32, required: false)
        .Text(command.Feedback, "feedback", 4000)
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    public static IReadOnlyList<ICaseEvent> Decide(RecordDepartmentFeedback command, MediationCase state, DecisionContext context)
    {
        Recording.ActRules.OpenTask(state, Command, null);
        if (command.UnitCode is not { Length: > 0 } unit)
            throw new CaseRefusal.InvalidField("unitCode", RefusalCode.UnitRequired, "name the department the feedback is from");
        Recording.ActRules.OpenTask(state, Command, unit.Trim());
        return [new DepartmentFeedbackRecorded(unit.Trim(), command.Feedback!.Trim(), command.Completed ?? false, context.At)];
    }

    /// <summary>A department's user records for their own unit, which they need not name; for another unit they are refused.</summary>
    public static RecordDepartmentFeedback ForCaller(RecordDepartmentFeedback command, CurrentUser user, OrgTree org) =>
        command.UnitCode is null && user.NodeCode is { } node && org.Find(node) is { IsDepartment: true } ? command with { UnitCode = node } : command;

    [WolverinePost("/api/cases/{id}/department-feedback", OperationId = "RecordDepartmentFeedback")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(Guid id, RecordDepartmentFeedback command, HttpContext http, CaseCommandRunner runner)
    {
        var user = CurrentUser.From(http);
        var context = await runner.ContextAsync(user, http.RequestAborted);
        return await runner.Run(http, id, command is null ? command! : ForCaller(command, user, context.Org), Decide);
    }
}
