using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Dispatching;

public sealed record TaskInput(string? UnitCode, DepartmentRole? Role, string? Task, DateTimeOffset? DueAt);

/// <summary>
/// The centre dispatches the case to departments of its county: one lead unit and any co-units, each with its task
/// and due date. Dispatched again (after a recall, or to add a co-unit), the new tasks join the open ones; one unit
/// leads at a time.
/// </summary>
public sealed record DispatchCase(IReadOnlyList<TaskInput>? Tasks, string? Note = null, DateTimeOffset? OccurredAt = null, string? LateReason = null)
    : ICaseCommand
{
    public static string Name => DispatchCaseEndpoint.Command;

    /// <summary>The workbench's dialog: the lead unit's task and a co-unit's; dispatched again for more co-units.</summary>
    public static DispatchCase FromForm(ICommandForm form)
    {
        var tasks = new List<TaskInput>();
        var lead = new TaskInput(form.Department("leadUnit"), DepartmentRole.Lead, form.LongText("leadTask"), form.Date("leadDueAt"));
        var co = new TaskInput(form.Department("coUnit"), DepartmentRole.Co, form.LongText("coTask"), form.Date("coDueAt"));
        // A part left empty is not dispatched: a co-unit is added to a lead already working without naming the lead again.
        foreach (var task in new[] { lead, co })
            if (task.UnitCode is not null || task.Task is not null || task.DueAt is not null) tasks.Add(task);
        return new DispatchCase(tasks, form.LongText("note"), form.DateTime("occurredAt"), form.LongText("lateReason"));
    }
}

public static class DispatchCaseEndpoint
{
    public const string Command = "dispatch";
    public const int MaxTasks = 20;

    /// <summary>What the workbench tries to see whether to offer dispatching: refused only for the state, never for a unit.</summary>
    public static readonly DispatchCase Probe = new([new TaskInput("probe", DepartmentRole.Lead, "probe", DateTimeOffset.MaxValue)]);

    public static ProblemDetails Validate(DispatchCase command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Text(command.Note, "note", 4000, required: false)
            .Text(command.LateReason, "lateReason", 1000, required: false);
        if (command.Tasks is not { Count: > 0 and <= MaxTasks }) return check.Add("tasks", FieldMessage.OneToTwentyTasks).Result();
        for (var i = 0; i < command.Tasks.Count; i++)
        {
            var task = command.Tasks[i];
            var at = $"tasks[{i}]";
            if (task is null) { check.Add(at, FieldMessage.NotNull); continue; }
            check.Text(task.UnitCode, $"{at}.unitCode", 32)
                .Enum(task.Role, $"{at}.role")
                .Text(task.Task, $"{at}.task", 2000)
                .Required(task.DueAt, $"{at}.dueAt");
        }
        return check.Result();
    }

    /// <summary>
    /// Each unit a department of the county the case is handled in, none given twice or holding an open task of the case
    /// already, each due after the dispatch; and one lead unit among the open tasks afterwards.
    /// </summary>
    public static IReadOnlyList<ICaseEvent> Decide(DispatchCase command, MediationCase state, DecisionContext context)
    {
        Guards.Handling(state, Command);
        var county = context.Org.CountyOf(state.HandlingNodeCode);
        var tasks = new List<DispatchedTask>();
        for (var i = 0; i < command.Tasks!.Count; i++)
        {
            var input = command.Tasks[i];
            var unit = input.UnitCode!.Trim();
            if (context.Org.Find(unit) is not { IsDepartment: true } department || context.Org.CountyOf(department.Id)?.Id != county?.Id)
                throw new CaseRefusal.InvalidField($"tasks[{i}].unitCode", RefusalCode.NotADepartment,
                    $"{unit} is not a department of {county?.Id ?? "the case's county"}; see GET /api/org/tree", unit);
            if (tasks.Any(t => t.UnitCode == unit) || DepartmentTask.OpenOf(state.Tasks, unit) is not null)
                throw new CaseRefusal.InvalidField($"tasks[{i}].unitCode", RefusalCode.AlreadyDispatched, $"{unit} has an open task of this case already", unit);
            if (input.DueAt <= context.At)
                throw new CaseRefusal.InvalidField($"tasks[{i}].dueAt", RefusalCode.DueBeforeDispatch, "must be after the dispatch");
            tasks.Add(new DispatchedTask(unit, input.Role!.Value, input.Task!.Trim(), input.DueAt!.Value));
        }
        var leads = tasks.Count(t => t.Role == DepartmentRole.Lead) + (state.Tasks ?? []).Count(t => t.IsOpen && t.Role == DepartmentRole.Lead);
        if (leads != 1)
            throw new CaseRefusal.InvalidField("tasks", RefusalCode.OneLeadUnit,
                leads == 0 ? "one unit must lead: give one task the role Lead" : "one unit leads at a time: recall the lead unit first to change it");
        return [new CaseDispatched(tasks, command.Note?.Trim(), context.At)];
    }

    [WolverinePost("/api/cases/{id}/dispatch", OperationId = "DispatchCase")]
    [ProducesResponseType<CaseVersion>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, DispatchCase command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide);
}
