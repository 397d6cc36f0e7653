using System.Reflection;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases;

/// <summary>
/// One command on a case as the service offers it, in <see cref="CaseCommands"/>: its endpoint (whose
/// route names it), its validation and decision, who may send it, and the form the workbench shows for
/// it. Everything that lists case commands (the access table, the workbench's actions, the seeder)
/// reads it from here.
/// </summary>
public sealed class CaseCommandEntry
{
    const string RoutePrefix = "/api/cases/{id}/";

    // Over object: an interface with a static abstract member cannot be a type argument.
    readonly Func<ICommandForm, object>? _read;
    readonly Func<object, ProblemDetails> _validate;
    readonly Func<object, MediationCase, DecisionContext, IReadOnlyList<ICaseEvent>> _decide;
    readonly Func<CaseCommandRunner, CommandRequest, Guid, object, CancellationToken, Task<CommandOutcome>> _run;

    CaseCommandEntry(MethodInfo endpoint, Type record, Access access, IReadOnlyList<FormField> form, ICaseCommand[] probes, bool takenFromDepartments,
        Func<ICommandForm, object>? read, Func<object, ProblemDetails> validate,
        Func<object, MediationCase, DecisionContext, IReadOnlyList<ICaseEvent>> decide,
        Func<CaseCommandRunner, CommandRequest, Guid, object, CancellationToken, Task<CommandOutcome>> run)
    {
        var http = endpoint.GetCustomAttribute<WolverineHttpMethodAttribute>();
        Route = http?.Template is { } route && route.StartsWith(RoutePrefix, StringComparison.Ordinal) && http.HttpMethod is "POST" or "PUT"
            ? route
            : throw new InvalidOperationException($"{endpoint.DeclaringType?.Name}.{endpoint.Name} is not a POST or PUT {RoutePrefix}… endpoint");
        Method = http.HttpMethod;
        Endpoint = endpoint;
        Record = record;
        TakenFromDepartments = takenFromDepartments;
        Access = access;
        Form = form;
        Probes = probes;
        (_read, _validate, _decide, _run) = (read, validate, decide, run);
    }

    /// <summary>
    /// The entry of <typeparamref name="TCommand"/>. A command on a case is always about a case, so its
    /// access row checks jurisdiction (404 outside it); <paramref name="action"/> is how refusals name it
    /// ("escalate a case"). <paramref name="form"/> reads the command from the workbench's dialog, and so
    /// says which fields the dialog shows; a command whose body a dialog of single fields cannot hold
    /// (the agreement's terms) has none and is not offered in the workbench's action dialogs. <paramref name="probe"/>
    /// is a command the workbench tries on a case's state to see whether to offer the action at all;
    /// <paramref name="moreProbes"/>, where one command cannot stand for the action (the steps of a
    /// judicial confirmation, each allowed in another state), the others: the action is offered when one is accepted.
    /// <paramref name="prepare"/>, when given, completes the command before it is decided, as its endpoint does.
    /// An archived case takes no command but a correction (<see cref="Archiving.CaseFileRules.Writable"/>): the
    /// entry's decision says so too, so that the workbench offers nothing else on it.
    /// </summary>
    public static CaseCommandEntry Of<TCommand>(Func<Guid, TCommand, HttpContext, CaseCommandRunner, Task<IResult>> endpoint,
        Func<TCommand, ProblemDetails> validate, CaseDecision<TCommand> decide, string action, string[] roles,
        Func<ICommandForm, TCommand>? form, TCommand probe, TCommand[]? moreProbes = null, CaseCommandRunner.Preparation<TCommand>? prepare = null)
        where TCommand : ICaseCommand =>
        new(endpoint.Method, typeof(TCommand), Access.For(action, true, roles), form is null ? [] : FormLayout.Of(form),
            [probe, .. moreProbes ?? []],
            takenFromDepartments: TCommand.TakenFromDepartments,
            read: form is null ? null : f => form(f)!,
            validate: command => validate((TCommand)command),
            decide: (command, state, context) =>
            {
                if (!TCommand.ReopensArchivedFile) Archiving.CaseFileRules.Writable(state, TCommand.Name);
                return decide((TCommand)command, state, context);
            },
            run: (runner, request, caseId, command, cancellation) => runner.RunAsync(request, caseId, (TCommand)command, decide, cancellation, prepare: prepare));

    /// <summary>The route after the case ("escalate", "agreement/signatures"): the action's name in the workbench and the seeder.</summary>
    public string Name => Route[RoutePrefix.Length..];

    /// <summary>The endpoint's route, <c>/api/cases/{id}/escalate</c>.</summary>
    public string Route { get; }

    public MethodInfo Endpoint { get; }

    /// <summary>The users of a department the case was dispatched to may take it (<see cref="ICaseCommand.TakenFromDepartments"/>).</summary>
    public bool TakenFromDepartments { get; }

    /// <summary>The command's record (<see cref="Escalating.Escalate"/>).</summary>
    public Type Record { get; }

    /// <summary>The command's row of the access table, under <see cref="AccessKey"/>.</summary>
    public Access Access { get; }

    /// <summary>POST, or PUT for a command that replaces what it records (the agreement's text).</summary>
    public string Method { get; }

    public string AccessKey => AccessTable.KeyOf(Method, Route);

    /// <summary>Whether the workbench offers it: it has a dialog.</summary>
    public bool InWorkbench => _read is not null;

    /// <summary>The fields of the workbench's dialog, in order.</summary>
    public IReadOnlyList<FormField> Form { get; }

    /// <summary>The commands tried on a case's state to see whether the action is open there (the first stands for it).</summary>
    public ICaseCommand[] Probes { get; }

    /// <summary>The path of the command on one case, as a client sends it.</summary>
    public string PathFor(Guid caseId) => Route.Replace("{id}", caseId.ToString(), StringComparison.Ordinal);

    public ICaseCommand Read(ICommandForm form) =>
        (ICaseCommand)(_read ?? throw new InvalidOperationException($"{Name} has no workbench dialog"))(form);

    /// <summary>The endpoint's own validation: <see cref="Microsoft.AspNetCore.Mvc.ValidationProblemDetails"/> when invalid.</summary>
    public ProblemDetails Validate(ICaseCommand command) => _validate(command);

    public IReadOnlyList<ICaseEvent> Decide(ICaseCommand command, MediationCase state, DecisionContext context) => _decide(command, state, context);

    /// <summary>Decides and commits the command through the runner, as its endpoint does.</summary>
    public Task<CommandOutcome> RunAsync(CaseCommandRunner runner, CommandRequest request, Guid caseId, ICaseCommand command,
        CancellationToken cancellation) => _run(runner, request, caseId, command, cancellation);
}
